/**
 * The one table of the action's inputs. Everything else derives from it: reading
 * (`read.ts`), the buildx command line (`docker/buildx-args.ts`), the check that no
 * build input carries a secret, and the test that `action.yml` declares exactly these
 * inputs with these defaults. Add an input here and in `action.yml`, nowhere else.
 */

/** How an input's text becomes a value. Lists follow build-push-action's `getInputList`. */
export type InputKind =
  | { type: 'string' }
  | { type: 'bool' }
  | { type: 'enum'; values: readonly string[] }
  /** csv-parse per line; `ignoreComma`: a comma does not split; `quote: false`: `"` is an ordinary character. */
  | { type: 'list'; ignoreComma?: boolean; quote?: false }
  /** One argument a line, verbatim. */
  | { type: 'lines' }
  /** Parsed by `secret-specs.ts`. */
  | { type: 'secret' };

/** How a build input reaches `docker buildx build`. */
export type FlagStyle =
  /** `--flag value` once, when not empty. */
  | { flag: string }
  /** `--flag value` for each list entry. */
  | { flag: string; each: true }
  /** `--flag a,b` for a list. */
  | { flag: string; joined: true }
  /** `--flag=value`, for flags whose value is optional in buildx. */
  | { flag: string; equals: true }
  /** `--flag` when true. */
  | { flag: string; when: true }
  /** The arguments as they are, before the context. */
  | { verbatim: true }
  /** The positional context argument, last. */
  | { positional: true };

export interface InputDef {
  kind: InputKind;
  /** As in action.yml; the runner passes it when the workflow does not set the input. */
  default?: string;
  /** Build inputs only: where the value goes on the buildx command line. */
  buildx?: FlagStyle;
}

const string = { type: 'string' } as const;
const bool = { type: 'bool' } as const;
const list = { type: 'list' } as const;
const listNoComma = { type: 'list', ignoreComma: true } as const;
const secret = { type: 'secret' } as const;

export const INPUTS = {
  // Secrets: one id namespace across all of them.
  secrets: { kind: secret },
  'secret-envs': { kind: secret },
  'secret-files': { kind: secret },
  'secrets-json': { kind: secret },
  'secret-map': { kind: secret },
  /** `sshid=secretid`: a secret holding a private key, forwarded to RUN --mount=type=ssh from the vault. */
  'ssh-secrets': { kind: secret },
  /** build-push-action's token for a Git context on the workflow's server: mounted as GIT_AUTH_TOKEN.<host>. */
  'github-token': { kind: secret, default: '${{ github.token }}' },
  // Build: build-push-action's names and list syntax.
  // Empty: build-push-action's default, the workflow's repository as a Git context.
  context: { kind: string, buildx: { positional: true } },
  file: { kind: string, buildx: { flag: '--file' } },
  target: { kind: string, buildx: { flag: '--target' } },
  tags: { kind: list, buildx: { flag: '--tag', each: true } },
  labels: { kind: listNoComma, buildx: { flag: '--label', each: true } },
  'build-args': { kind: listNoComma, buildx: { flag: '--build-arg', each: true } },
  platforms: { kind: list, buildx: { flag: '--platform', joined: true } },
  push: { kind: bool, default: 'false', buildx: { flag: '--push', when: true } },
  load: { kind: bool, default: 'false', buildx: { flag: '--load', when: true } },
  outputs: { kind: { type: 'list', ignoreComma: true, quote: false }, buildx: { flag: '--output', each: true } },
  'cache-from': { kind: listNoComma, buildx: { flag: '--cache-from', each: true } },
  'cache-to': { kind: listNoComma, buildx: { flag: '--cache-to', each: true } },
  'no-cache': { kind: bool, default: 'false', buildx: { flag: '--no-cache', when: true } },
  pull: { kind: bool, default: 'false', buildx: { flag: '--pull', when: true } },
  builder: { kind: string, buildx: { flag: '--builder' } },
  network: { kind: string, buildx: { flag: '--network' } },
  'build-contexts': { kind: listNoComma, buildx: { flag: '--build-context', each: true } },
  provenance: { kind: string, buildx: { flag: '--provenance', equals: true } },
  sbom: { kind: string, buildx: { flag: '--sbom', equals: true } },
  'add-hosts': { kind: list, buildx: { flag: '--add-host', each: true } },
  allow: { kind: list, buildx: { flag: '--allow', each: true } },
  annotations: { kind: listNoComma, buildx: { flag: '--annotation', each: true } },
  attests: { kind: listNoComma, buildx: { flag: '--attest', each: true } },
  call: { kind: string, buildx: { flag: '--call' } },
  'cgroup-parent': { kind: string, buildx: { flag: '--cgroup-parent' } },
  'no-cache-filters': { kind: list, buildx: { flag: '--no-cache-filter', each: true } },
  'shm-size': { kind: string, buildx: { flag: '--shm-size' } },
  ssh: { kind: list, buildx: { flag: '--ssh', each: true } },
  ulimit: { kind: listNoComma, buildx: { flag: '--ulimit', each: true } },
  'extra-args': { kind: { type: 'lines' }, buildx: { verbatim: true } },
  // Behaviour
  'tmpfs-dir': { kind: string },
  'allow-disk-fallback': { kind: bool, default: 'false' },
  'leak-check': { kind: { type: 'enum', values: ['error', 'warn', 'off'] }, default: 'error' },
  'allow-missing-optional-secrets': { kind: bool, default: 'false' },
  /** Preflight rule ids silenced for the run (docs/rules/). */
  'preflight-ignore': { kind: list },
  'on-missing-secrets': { kind: { type: 'enum', values: ['fail', 'skip'] }, default: 'fail' }
} as const satisfies Record<string, InputDef>;

export type InputName = keyof typeof INPUTS;

/** Inputs that end up on buildx's command line, and so in argv, logs and image history. */
export type BuildInputName = { [K in InputName]: (typeof INPUTS)[K] extends { buildx: FlagStyle } ? K : never }[InputName];

type ValueOf<K extends { type: string }> = K extends { type: 'bool' } ? boolean : K extends { type: 'list' | 'lines' } ? string[] : string;

export type BuildInputs = { -readonly [N in BuildInputName]: ValueOf<(typeof INPUTS)[N]['kind']> };

export const BUILD_INPUT_NAMES = (Object.keys(INPUTS) as InputName[]).filter((n): n is BuildInputName => 'buildx' in INPUTS[n]);

export function inputDef(name: InputName): InputDef {
  return INPUTS[name];
}

/** The action's outputs, as action.yml declares them. */
export const OUTPUTS = ['imageid', 'digest', 'metadata', 'skipped'] as const;
export type OutputName = (typeof OUTPUTS)[number];
