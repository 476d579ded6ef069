/**
 * The user's Dockerfile with each RUN that mounts secrets keyed on their values
 * (step-keys.ts): one more `--mount=type=secret,id=<key>,required=false` right after the
 * keyword, on the same line, so every line number stays (annotations, BuildKit's checks
 * and errors point at the user's lines) and nothing the step sees changes. Parsed as the
 * preflight parses it (its model and BuildKit's mount rules).
 */
import { Run } from 'dockerfile-ast';
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

/** The `# syntax=` parser directive, if the Dockerfile starts with one (BuildKit reads directives before anything else). */
export function syntaxDirective(dockerfile: string): string | undefined {
  for (const line of dockerfile.split(/\r?\n/)) {
    const m = /^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) return undefined;
    if (m[1].toLowerCase() === 'syntax') return m[2];
  }
  return undefined;
}

/** Why this Dockerfile cannot be keyed, or undefined when it can. */
export function notRewritable(dockerfile: string, buildArgs: Record<string, string> = {}): string | undefined {
  const syntax = buildArgs.BUILDKIT_SYNTAX ?? syntaxDirective(dockerfile);
  if (syntax !== undefined && !DOCKERFILE_FRONTEND.test(syntax)) return `its frontend is ${syntax}, not BuildKit's Dockerfile frontend`;
  return undefined;
}

/** The ids of the secrets a mount can read: its own, every given id an unresolved `id=$X` can be, an ssh key's secret. */
function mountedSecrets(m: MountUse, input: IsolationInput): string[] {
  if (m.type === 'secret') {
    if (m.id !== undefined) return input.secretIds.includes(m.id) ? [m.id] : [];
    return input.secretIds.filter((id) => m.idPattern === undefined || m.idPattern.test(id));
  }
  if (m.type === 'ssh') return input.sshSecrets.filter((s) => m.id === undefined || s.ssh === m.id).map((s) => s.secret);
  return [];
}

/** The RUN steps of this build that mount a given secret, with where their keyword ends. ONBUILD triggers run in other builds. */
export function keyedSteps(input: IsolationInput): KeyedStep[] {
  const starts = lineStarts(input.dockerfile);
  return buildModel(input.dockerfile, input.buildArgs, input.target)
    .steps.filter((s) => s.ins instanceof Run && !s.onbuild)
    .flatMap((s) => {
      const ids = [...new Set(mountsOf(s).flatMap((m) => mountedSecrets(m, input)))].sort();
      if (!ids.length) return [];
      const end = s.ins.getInstructionRange().end;
      return [{ line: s.line, ids, offset: starts[end.line] + end.character }];
    });
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
