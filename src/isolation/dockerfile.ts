/**
 * The user's Dockerfile with each RUN that mounts secrets keyed on their values
 * (step-keys.ts): one more `--mount=type=secret,id=<key>,required=false` right after the
 * keyword, on the same line, so every line number stays (annotations, BuildKit's checks
 * and errors point at the user's lines) and nothing the step sees changes. Parsed as the
 * preflight parses it (its model and BuildKit's mount rules).
 */
import { DockerfileParser, Run } from 'dockerfile-ast';
import { buildModel } from '../leak-guard/preflight/model.js';
import { mountsOf, type MountUse } from '../leak-guard/preflight/mounts.js';
import { stepKey } from './step-keys.js';

export interface KeyedStep {
  /** 1-based. */
  line: number;
  /** The secrets the step mounts (an ssh key given by ssh-secrets counts as its secret). */
  ids: string[];
  /** Where the keyword ends in the text: the mount goes here. */
  offset: number;
}

export interface IsolationInput {
  dockerfile: string;
  /** The ids given to buildx as secrets. */
  secretIds: readonly string[];
  /** ssh ids given from a secret (ssh-secrets): `ssh` is the id the Dockerfile mounts. */
  sshSecrets: readonly { ssh: string; secret: string }[];
  buildArgs?: Record<string, string>;
  target?: string;
}

/**
 * The frontends known to take the rewrite: BuildKit's Dockerfile frontend, built in or named
 * by `# syntax=` (docker/dockerfile, its -upstream channel, on Docker Hub). Another frontend
 * may read `--mount` otherwise or not at all.
 */
const DOCKERFILE_FRONTEND = /^(docker\.io\/)?docker\/dockerfile(-upstream)?(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/;

/**
 * BuildKit's parser directives (frontend/dockerfile/parser/directives.go ParseDirective): a
 * BOM and a `#!` first line are skipped; the whole file may be JSON (`{"syntax": …}`);
 * else leading `//key=value` lines, else leading `#key=value` lines, up to the first line
 * that is not one of BuildKit's directives (syntax, escape, check). Keys lower-cased.
 */
const DIRECTIVES = new Set(['syntax', 'escape', 'check']);
/** `//key=value`, then `#key=value`: the two comment forms BuildKit tries, in its order. */
const DIRECTIVE_LINES = [/^\/\/\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/, /^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/];

export function directives(dockerfile: string): Record<string, string> {
  let text = dockerfile.replace(/^\uFEFF/, '');
  if (text.startsWith('#!')) text = text.slice(text.indexOf('\n') + 1 || text.length);
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object' && !Array.isArray(json))
      return Object.fromEntries(Object.entries(json).flatMap(([k, v]) => (typeof v === 'string' ? [[k.toLowerCase(), v]] : [])));
  } catch {
    // Not JSON: comment directives.
  }
  for (const directive of DIRECTIVE_LINES) {
    const found: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
      const m = directive.exec(line);
      if (!m || !DIRECTIVES.has(m[1].toLowerCase())) break;
      found[m[1].toLowerCase()] ??= m[2];
    }
    if (Object.keys(found).length) return found;
  }
  return {};
}

/**
 * Why this Dockerfile cannot be keyed, or undefined when it can: another frontend, or text
 * that BuildKit and the parser used here (dockerfile-ast) may split into instructions
 * differently, so the rewrite could not be sure where a RUN starts. Then the action does
 * not key, and a build beside it on the builder fails the step (pipeline.ts).
 */
export function notRewritable(dockerfile: string, buildArgs: Record<string, string> = {}): string | undefined {
  const found = directives(dockerfile);
  const syntax = buildArgs.BUILDKIT_SYNTAX ?? found.syntax;
  if (syntax !== undefined && !DOCKERFILE_FRONTEND.test(syntax)) return `its frontend is ${syntax}, not BuildKit's Dockerfile frontend`;
  if (/\r(?!\n)|[\f\v]/.test(dockerfile)) return 'it holds a carriage return that does not end a line, a form feed or a vertical tab';
  const escape = found.escape ?? '\\';
  if (escape !== DockerfileParser.parse(dockerfile).getEscapeCharacter()) return 'its escape directive is read differently by BuildKit and by the parser here';
  return undefined;
}

/** A given secret's id, or `absent:<kind>:<id>` for one the action does not give (keyed as absent, not as nothing). */
function mountedSecrets(m: MountUse, raw: string, input: IsolationInput): string[] {
  const all = [...input.secretIds, ...input.sshSecrets.map((s) => s.secret)];
  // A variable anywhere in the mount: what BuildKit makes of it may differ from what the model does.
  if (raw.includes('$') || m.error) return [...all, `absent:unknown:${raw}`];
  if (m.type === 'secret') {
    if (m.id === undefined) return [...input.secretIds.filter((id) => m.idPattern === undefined || m.idPattern.test(id)), `absent:secret:${raw}`];
    return input.secretIds.includes(m.id) ? [m.id] : [`absent:secret:${m.id}`];
  }
  if (m.type === 'ssh') {
    const given = input.sshSecrets.filter((s) => m.id === undefined || s.ssh === m.id).map((s) => s.secret);
    return given.length ? given : [`absent:ssh:${m.id ?? 'default'}`];
  }
  return [];
}

/**
 * The RUN steps of this build that mount a secret or an ssh key, given or not, with where
 * their keyword ends; or why the Dockerfile cannot be keyed after all (ONBUILD triggers
 * that this build runs, a mount the parser may have missed).
 */
export function keyedSteps(input: IsolationInput): KeyedStep[] | { reason: string } {
  const starts = lineStarts(input.dockerfile);
  const model = buildModel(input.dockerfile, input.buildArgs, input.target);
  const { escape } = model;
  const steps: KeyedStep[] = [];
  for (const s of model.steps.filter((x) => x.ins instanceof Run)) {
    const flags = (s.ins as Run).getFlags().filter((f) => f.getName() === 'mount');
    const mounts = mountsOf(s);
    const ids = [...new Set(mounts.flatMap((m, k) => mountedSecrets(m, flags[k]?.getValue() ?? '', input)))].sort();
    if (!ids.length) continue;
    // A trigger runs in this build when a later stage is built FROM its stage; keyed there, its key would go into the image config.
    if (s.onbuild) {
      if (model.stages.some((x) => x.base === s.stage)) return { reason: `line ${s.line}: an ONBUILD trigger that mounts a secret runs in this build` };
      continue;
    }
    if (escape !== '\\' && flags.some((f) => (f.getValue() ?? '').includes(escape)))
      return { reason: `line ${s.line}: a mount flag holds the escape character` };
    const end = s.ins.getInstructionRange().end;
    steps.push({ line: s.line, ids, offset: starts[end.line] + end.character });
  }
  // A backstop: every line that says --mount lies in a RUN the model read (or its mounts were seen).
  const runLines = new Set(
    model.steps
      .filter((x) => x.ins instanceof Run)
      .flatMap((x) => {
        const r = x.ins.getRange();
        return Array.from({ length: r.end.line - r.start.line + 1 }, (_, k) => r.start.line + k + 1);
      })
  );
  const stray = input.dockerfile.split('\n').findIndex((l, k) => /--mount/i.test(l) && !runLines.has(k + 1) && !/^\s*#/.test(l));
  if (stray !== -1) return { reason: `line ${stray + 1}: a --mount outside any RUN the parser read` };
  return steps;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) starts.push(k + 1);
  return starts;
}

/** The text with each keyed step's mount inserted after its keyword. Pure. */
export function withStepKeys(dockerfile: string, steps: readonly KeyedStep[], parts: ReadonlyMap<string, Buffer>): string {
  let out = '';
  let at = 0;
  for (const s of [...steps].sort((a, b) => a.offset - b.offset)) {
    out += `${dockerfile.slice(at, s.offset)} --mount=type=secret,id=${stepKey(s.ids, parts)},required=false`;
    at = s.offset;
  }
  return out + dockerfile.slice(at);
}
