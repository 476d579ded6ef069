/**
 * The preflight's rules as data, as BuildKit keeps its Dockerfile checks
 * (frontend/dockerfile/linter/ruleset.go): an id, the most a finding of it can be, a title,
 * and a page under docs/rules/<id>.md. The checks that find them live by concern
 * (leaks.ts, names.ts, secrets.ts, context.ts, values.ts, plumbing.ts); each finding names
 * its rule, annotations carry the id, and the id silences it (ignore.ts).
 */
import type { Severity } from './types.js';

export interface Rule {
  /** The most a finding of this rule is; where the credential ends up decides below that. */
  severity: Severity;
  title: string;
}

export const RULES = {
  'secret-not-given': { severity: 'error', title: 'A secret mount the action was not given' },
  'secret-unused': { severity: 'warning', title: 'A secret given that no step mounts' },
  'ssh-not-given': { severity: 'error', title: 'An ssh mount the build gets no key for' },
  'ssh-unused': { severity: 'warning', title: 'An ssh key given that no step mounts' },
  'invalid-mount': { severity: 'error', title: 'A --mount BuildKit refuses' },
  'secret-written': { severity: 'error', title: 'A mounted secret written into a file' },
  'secret-printed': { severity: 'warning', title: 'A mounted secret printed to the build output' },
  'token-stored-by-tool': { severity: 'error', title: 'A tool told to store a credential' },
  'credential-written': { severity: 'error', title: 'A credential variable or file written into another file' },
  'credential-in-image-config': { severity: 'error', title: 'A credential ARG taken into ENV, LABEL or an ADD URL' },
  'credential-file-copied': { severity: 'error', title: 'A credential file copied into the image' },
  'secret-value-in-dockerfile': { severity: 'error', title: "A secret's value written in the Dockerfile" },
  'credential-literal': { severity: 'error', title: 'A credential written as a literal ARG or ENV value' },
  'credential-name': { severity: 'warning', title: 'A credential-named ARG or ENV' },
  'secret-file-in-context': { severity: 'warning', title: 'A secret file inside the build context' },
  'secret-env-without-file': { severity: 'warning', title: 'A secret mounted as a variable, read as a file' },
  'export-in-own-run': { severity: 'warning', title: 'A secret exported in a RUN of its own' }
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

export const isRuleId = (id: string): id is RuleId => Object.hasOwn(RULES, id);

/** Where a rule's page is, from the repository's root. */
export const rulePage = (id: RuleId) => `docs/rules/${id}.md`;
