/**
 * Whether the runner starts the post step at all. The post step is the backstop for a main
 * step that was killed before its `finally` ran; after a main that removed everything (nearly
 * every run) it has nothing to do, yet starting it costs a node process and a step of the job.
 *
 * No expression can read the step's saved state, and job status is not the main step's
 * (docs/security-model.md, "The path of one secret"), so main tells the runner itself,
 * through the one thing a post step's condition reads that a step can write: the job's
 * environment (GITHUB_ENV, applied by the runner when the step ends, however it ended). The
 * runner gives `post-if` the env context and `github.action`, the step's name in the job
 * (its `id`, else `__owner_repo` with `_2`, `_3`… for the next uses: unique in a job).
 *
 * - Main's first act, before it creates anything: `<name>` is added to SECRET_BUILD_STEPS and
 *   `[name]` taken out of it (a same-named earlier step's mark must not stand for this one).
 * - Main's last act, only when what the post step would look at is gone (leftBehind, the
 *   post step's own test): `[name]` is added.
 * - post-if: `always() && !contains(env.SECRET_BUILD_STEPS, format('[{0}]', github.action))`.
 *
 * So the post step is skipped only after main itself finished with nothing left. A main that
 * is killed, cancelled or fails to remove something never writes `[name]`; a runner that does
 * not apply GITHUB_ENV, or evaluates the condition without these contexts, starts it. When
 * `<name>` was already there at the start (two steps the runner gave one name: the same
 * composite action used twice), main never writes `[name]`, so an earlier step of that name
 * that was killed cannot be taken for this one: both post steps run.
 *
 * Imports only node modules and the state keys: the post step's entry reads leftBehind.
 */
import * as fs from 'node:fs';
import { loadedImage, present, savedPaths, type SavedState } from './leak-guard/exports-state.js';
import { VAULT_STATE_KEY } from './secrets/vault-state.js';

export const POST_GATE_VAR = 'SECRET_BUILD_STEPS';
/** action.yml's post-if (a unit test holds them equal). */
export const POST_IF = `always() && !contains(env.${POST_GATE_VAR}, format('[{0}]', github.action))`;

/** A step name the marks can carry: what the runner gives (ids are letters, digits, `_` and `-`). Anything else: no gate. */
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Whether the post step, given these saved states (its STATE_<name>, or main's own record), would find something to remove. */
export function leftBehind(state: SavedState): boolean {
  const vault = state(VAULT_STATE_KEY);
  // A state that cannot be read is not known to be empty.
  const paths = savedPaths(state);
  return (!!vault && present(vault)) || !paths || paths.some(present) || !!loadedImage(state);
}

/** The marks main writes at its start: `<name>` in, `[name]` out; and whether a step of this name started earlier in the job. Pure. */
export function opened(marks: string, name: string): { marks: string; shared: boolean } {
  const n = name.toLowerCase();
  const tokens = marks.toLowerCase().split(/\s+/).filter(Boolean);
  const shared = tokens.includes(`<${n}>`);
  const kept = tokens.filter((t) => t !== `[${n}]` && t !== `<${n}>`);
  return { marks: [...kept, `<${n}>`].join(' '), shared };
}

/** The marks main writes at its end when nothing is left: `[name]` added to what it wrote at its start. Pure. */
export function closed(marks: string, name: string): string {
  return `${marks} [${name.toLowerCase()}]`;
}

export interface PostGate {
  /** Writes `[name]` when the post step would find nothing (`state`: what main saved). Whether it did. */
  close(state: SavedState): boolean;
}

/**
 * Runners other than GitHub's that run JavaScript actions: they name unnamed steps by their
 * index, so names repeat across a job, and apply GITHUB_ENV under the step's context, which a
 * cancellation has already ended: the marks could go unwritten. No gate there.
 */
const OTHER_RUNNERS = ['ACT', 'GITEA_ACTIONS', 'FORGEJO_ACTIONS'];

/**
 * Opens the gate (writes `<name>`); undefined when this is not GitHub's runner applying
 * GITHUB_ENV, or the step has no name the marks can carry: the post step then always runs.
 * Throws, before main creates anything, when `<name>` cannot be written: a later step of
 * this name would not see that this one started, and could mark the name done for both.
 */
export function openPostGate(env: NodeJS.ProcessEnv = process.env): PostGate | undefined {
  const file = env.GITHUB_ENV;
  const name = env.GITHUB_ACTION ?? '';
  if (!file || !NAME.test(name) || OTHER_RUNNERS.some((v) => env[v])) return undefined;
  const start = opened(env[POST_GATE_VAR] ?? '', name);
  if (!writeEnv(file, start.marks)) throw new Error(`cannot write GITHUB_ENV (${file}), which says whether the post step must clean up: nothing was built`);
  return {
    close: (state) => !start.shared && !leftBehind(state) && writeEnv(file, closed(start.marks, name))
  };
}

/**
 * One GITHUB_ENV record, in the delimited form @actions/core writes (the runner applies the
 * last one). The value is one line of bracketed names, so it can never be a line equal to a
 * fixed delimiter: no random one (and no node:crypto in the post step's entry). Whether it was written.
 */
function writeEnv(file: string, value: string): boolean {
  const delimiter = 'SECRET_BUILD_STEPS_END';
  try {
    fs.appendFileSync(file, `${POST_GATE_VAR}<<${delimiter}\n${value}\n${delimiter}\n`);
    return true;
  } catch {
    // Not written: the post step runs, as without a gate.
    return false;
  }
}
