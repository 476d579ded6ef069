/**
 * Keys the build's secret-mounting steps on the secrets' values (step-keys.ts,
 * dockerfile.ts): the user's Dockerfile, rewritten, goes to buildx from the work
 * directory under its own name, with its own `<name>.dockerignore` beside it if it has
 * one (BuildKit looks for that next to the Dockerfile, before the context's).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ActionError } from '../errors.js';
import type { Secret } from '../secrets/values.js';
import { shortFlag } from '../docker/buildx-args.js';
import { secretParts } from './step-keys.js';

/** Up to this many secrets, every secret's part is derived at once, before the Dockerfile is read (earlyParts). */
const EARLY_PARTS = 8;

/**
 * Every secret's part, started as soon as the secrets are known: scrypt runs on libuv's
 * threads while the main thread loads and parses (~90 ms a secret here, overlapped). With
 * many secrets only the mounted ones are derived, later. Never rejects: undefined then, and
 * isolate() derives them itself.
 */
export function earlyParts(secrets: readonly Secret[], repository: string): Promise<Map<string, Buffer> | undefined> | undefined {
  if (!secrets.length || secrets.length > EARLY_PARTS) return undefined;
  return secretParts(secrets, repository).catch(() => undefined);
}

/**
 * Keyed: `file` is the keyed Dockerfile for buildx (undefined: no step mounts a secret, the
 * user's file goes as it is), `name` the build's name buildx would have given the user's file.
 * `file` is `-` with `stdin`: buildx reads the keyed Dockerfile from its standard input, the
 * text once the keys are derived. buildx spends its first ~150 ms (here) connecting to the
 * builder and starting the session before it reads that input, and the keys' scrypt (~90 ms)
 * runs meanwhile instead of before buildx starts; a pipe hands over exactly the text written,
 * at its end, so buildx cannot read the file early. Only for a file named `Dockerfile` with
 * nothing beside it that must go with it (its own .dockerignore, its .rego: those need a
 * file next to them), and without BUILDX_GIT_LABELS: buildx names what it reads there
 * `Dockerfile` (so another name stays a file), labels its path `-`, and adds
 * `dockerfilekey=dockerfile` to the build's attributes (provenance, history): the one
 * visible difference from a keyed file, which docs/migrating.md lists.
 */
export type Isolation = { keyed: true; file?: string; stdin?: Promise<string>; name?: string; lines: number[] } | { keyed: false; reason: string };

export interface IsolationRequest {
  /** The Dockerfile on the runner; undefined for a remote context. */
  dockerfile?: string;
  context: string;
  secrets: readonly Secret[];
  /** The ids given to buildx as secret mounts (the rest go as ssh keys). */
  secretIds: readonly string[];
  sshSecrets: readonly { ssh: string; secret: string }[];
  buildArgs: Record<string, string>;
  target?: string;
  /** Where the keyed Dockerfile is written (the step's work directory). */
  work: string;
  /** Salts the keys (GITHUB_REPOSITORY). */
  repository: string;
  /** A remote (Git, URL) context; `file` given as an absolute path (a runner's file, as buildx reads it then). */
  remoteContext: boolean;
  fileIsAbsolute: boolean;
  /** extra-args: a Dockerfile or build-arg there would change what the keys were computed on. */
  extraArgs: readonly string[];
  /** The parts derived early (earlyParts), if they were. */
  parts?: Promise<Map<string, Buffer> | undefined>;
  /** BUILDX_GIT_LABELS is on: buildx labels the image with the Dockerfile's path, which would read `-` on stdin. */
  gitLabels?: boolean;
}

export async function isolate(q: IsolationRequest): Promise<Isolation> {
  if (!q.dockerfile || !fs.existsSync(q.dockerfile)) return { keyed: false, reason: 'the Dockerfile is not on the runner (a remote context or file: -)' };
  // A relative file of a remote context names a file in the repository: one on the runner at that path is another file.
  if (q.remoteContext && !q.fileIsAbsolute) return { keyed: false, reason: "a remote context's Dockerfile is read from the repository" };
  const overridden = q.extraArgs.find((a) => /^(--file|--build-arg)(=|$)/.test(a) || shortFlag(a) === 'f');
  if (overridden) return { keyed: false, reason: `extra-args sets ${/^--/.test(overridden) ? overridden.split('=')[0] : '-f'}, which the keys would not see` };
  const text = fs.readFileSync(q.dockerfile, 'utf8');
  // No mount anywhere (line continuations joined, with either escape character): nothing to key, no parser to load.
  if (!/--mount/i.test(text.replace(/[\\`]\r?\n/g, ''))) return { keyed: true, lines: [] };
  // The parser (dockerfile-ast) is a chunk of its own, shared with the preflight.
  const { keyedSteps, notRewritable, withStepKeys } = await import('./dockerfile.js');
  const reason = notRewritable(text, q.buildArgs);
  if (reason) return { keyed: false, reason: `the Dockerfile cannot be keyed: ${reason}` };
  const steps = keyedSteps({ dockerfile: text, secretIds: q.secretIds, sshSecrets: q.sshSecrets, buildArgs: q.buildArgs, target: q.target });
  if (!Array.isArray(steps)) return { keyed: false, reason: `the Dockerfile cannot be keyed: ${steps.reason}` };
  if (!steps.length) return { keyed: true, lines: [] };
  const used = new Set(steps.flatMap((s) => s.ids));
  const parts = async () =>
    (await q.parts) ??
    (await secretParts(
      q.secrets.filter((s) => used.has(s.id)),
      q.repository
    ));
  const name = buildName(q.context, q.dockerfile);
  const lines = steps.map((s) => s.line);
  // What buildx and BuildKit read next to the Dockerfile: its .dockerignore, and (buildx 0.31 and later) its source policy.
  const beside = ['.dockerignore', '.rego'].filter((b) => fs.existsSync(`${q.dockerfile}${b}`));
  // On standard input buildx names the file `Dockerfile` (the frontend's filename, which provenance records): only for that name.
  if (!beside.length && path.basename(q.dockerfile) === 'Dockerfile' && !q.gitLabels) {
    const stdin = parts()
      .then((p) => withStepKeys(text, steps, p))
      .catch((e: unknown) => {
        throw new ActionError(
          `the steps that mount secrets could not be keyed on their values (${(e as Error).message}): the build was stopped before it read its Dockerfile`
        );
      });
    // Awaited by the build, if one starts: a run that fails before it must not die of an unhandled rejection.
    stdin.catch(() => undefined);
    return { keyed: true, file: '-', stdin, name, lines };
  }
  const dir = path.join(q.work, 'dockerfile');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, path.basename(q.dockerfile));
  fs.writeFileSync(file, withStepKeys(text, steps, await parts()));
  for (const b of beside) fs.copyFileSync(`${q.dockerfile}${b}`, `${file}${b}`);
  return { keyed: true, file, name, lines };
}

/**
 * The name buildx gives a build of a local context (util/history/name.go BuildName, its
 * local branch): the context directory's name, or the Dockerfile's path from the context's
 * parent when the file is not <context>/Dockerfile. The keyed file lives elsewhere, so
 * buildx would name the build after it: the name is passed as BUILDKIT_BUILD_NAME, and a
 * shared builder's history still says which build is whose.
 */
export function buildName(context: string, dockerfile: string): string {
  const local = path.resolve(context).split(path.sep).join('/');
  let file = path.resolve(dockerfile).split(path.sep).join('/');
  const defaultName = file.endsWith('/Dockerfile');
  if (defaultName) file = file.slice(0, -'/Dockerfile'.length);
  if (file.startsWith(local) && file.length > local.length) return file.slice(local.lastIndexOf('/') + 1);
  const k = file.lastIndexOf('/');
  const base = file.slice(k + 1);
  return defaultName || k === -1 ? base : `${path.posix.basename(file.slice(0, k))}/${base}`;
}
