/**
 * The only place that starts docker (and skopeo, which publishes a scanned export). Every call goes through `prepare`, which
 * refuses an argv that carries a secret and gives the child an environment without
 * inputs (INPUT_* holds the `secrets` input) or any variable whose value carries a
 * secret. Output the action prints passes the scrubber inside a stop-commands fence.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { Transform, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ActionError } from '../errors.js';
import type { Log } from '../report/log.js';
import type { Redactor } from '../detection/redactor.js';
import { dockerCommand } from './buildx-plugin.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last bytes of scrubbed stderr. */
  stderrTail: string;
  /** How many times the scrubber redacted the output (a secret was printed). */
  redactions?: number;
}

const TAIL_BYTES = 64 * 1024;
/** What docker needs to run at all; kept even if a (pathologically short) secret matches them. */
const ESSENTIAL = new Set(['PATH', 'HOME']);
/** The action owns the progress format: rawjson would print output base64-encoded per chunk, past the scrubber. */
const WITHHELD = new Set(['BUILDKIT_PROGRESS']);
/** The programs the action runs. */
export type Program = 'docker' | 'skopeo';
const NOT_FOUND: Record<Program, string> = {
  docker: 'docker was not found on PATH: install the Docker CLI (docker/setup-buildx-action sets up buildx)',
  skopeo:
    "skopeo was not found on PATH: the leak guard pushes the scanned image with it (GitHub's ubuntu runners have it; elsewhere apt-get install skopeo), or set leak-check: off"
};

/** The child's environment, and the names of variables withheld because their value carries a secret. */
export function childEnv(env: NodeJS.ProcessEnv, redactor: Redactor): { env: Record<string, string>; withheld: string[] } {
  const out: Record<string, string> = {};
  const withheld: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name.startsWith('INPUT_') || WITHHELD.has(name)) continue;
    if (!ESSENTIAL.has(name) && redactor.secretsIn(value).length > 0) withheld.push(name);
    else out[name] = value;
  }
  return { env: out, withheld };
}

/** The last line of defence for argv: a secret here would be visible in the process table. */
export function assertNoSecretInArgv(args: readonly string[], redactor: Redactor): void {
  const k = args.findIndex((a) => redactor.secretsIn(a).length > 0);
  if (k !== -1) throw new ActionError(`refusing to run docker: argument ${k + 1} would carry the value of secret "${redactor.secretsIn(args[k])[0]}"`);
}

function prepare(args: readonly string[], log: Log): Record<string, string> {
  assertNoSecretInArgv(args, log.redactor);
  const { env, withheld } = childEnv(process.env, log.redactor);
  if (withheld.length) log.info(`withheld from docker's environment because their values carry a secret: ${withheld.join(', ')}`);
  return env;
}

/** docker's `buildx …` runs the buildx plugin directly (buildx-plugin.ts); everything else as given. */
function commandOf(program: Program, args: readonly string[]): { file: string; args: string[] } {
  return program === 'docker' ? dockerCommand(args) : { file: program, args: [...args] };
}

function exitOf(child: ChildProcess, program: Program = 'docker'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new ActionError(NOT_FOUND[program]) : e));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

export interface StreamOptions {
  onSpawn?: (child: ChildProcess) => void;
  env?: Record<string, string>;
  /** Print the command line first, inside the fence: an argument may hold a line that looks like a workflow command. */
  echo?: boolean;
  program?: Program;
  /** Written to the child's standard input, then closed, once it resolves; a rejection stops the child and fails the run with it. */
  stdin?: Promise<string>;
}

/**
 * A long-running docker command (the build) whose stdout and stderr are scrubbed and
 * printed inside a stop-commands fence, both to stdout so the fence and the output
 * stay in order. Keeps its own spawn: @actions/exec has no way to put a transform
 * between the child and the log, nor to hand the child to a signal handler.
 */
export async function runStreamed(args: string[], log: Log, o: StreamOptions = {}): Promise<RunResult> {
  const env = { ...prepare(args, log), ...o.env };
  return log.fenced(async () => {
    const program = o.program ?? 'docker';
    const cmd = commandOf(program, args);
    if (o.echo) process.stdout.write(`${log.scrub(`[command]${cmd.file} ${cmd.args.join(' ')}`)}\n`);
    const child = spawn(cmd.file, cmd.args, { env, stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    o.onSpawn?.(child);
    const fed = o.stdin && feed(child, o.stdin);
    // Its failure is the run's, awaited below: not an unhandled rejection while the child exits.
    fed?.catch(() => undefined);
    const tail = new Tail();
    let redactions = 0;
    const counted = () => void redactions++;
    const out = pipeScrubbed(child.stdout!, log.redactor, process.stdout, undefined, counted);
    const err = pipeScrubbed(child.stderr!, log.redactor, process.stdout, (chunk) => tail.push(chunk), counted);
    const { code, signal } = await exitOf(child, program);
    await Promise.all([out, err, fed]);
    return { code, signal, stderrTail: tail.text(), redactions };
  });
}

/** Writes the input when it is ready and closes it; if it cannot be made, stops the child and rejects with why. */
async function feed(child: ChildProcess, input: Promise<string>): Promise<void> {
  // A child that exits first (killed, cancelled) leaves a closed pipe: nothing to write to then.
  child.stdin!.on('error', () => undefined);
  try {
    child.stdin!.end(await input);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

function pipeScrubbed(src: Readable, redactor: Redactor, dest: Writable | undefined, tap?: (b: Buffer) => void, onRedaction?: () => void): Promise<void> {
  const scrubbed = redactor.stream(onRedaction);
  // Before the scrubber: a line the runner will see is a line the scrubber looks through.
  src.pipe(bareCrToLf()).pipe(scrubbed);
  if (tap) scrubbed.on('data', tap);
  // stdout and stderr share the log: each writes whole lines, so one cannot cut into the other's line.
  if (dest) scrubbed.pipe(wholeLines()).pipe(dest, { end: false });
  else if (!tap) scrubbed.resume();
  return finished(scrubbed);
}

/** Passes on whole lines only; a partial line goes on at the end, or after a pause (a stalled build's prompt). */
function wholeLines(): Transform {
  let rest: Buffer = Buffer.alloc(0);
  let timer: NodeJS.Timeout | undefined;
  const t: Transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      clearTimeout(timer);
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const cut = buf.lastIndexOf(0x0a) + 1;
      rest = buf.subarray(cut);
      if (rest.length)
        timer = setTimeout(() => {
          const out = rest;
          rest = Buffer.alloc(0);
          if (out.length) t.push(out);
        }, 500).unref();
      done(null, cut ? buf.subarray(0, cut) : undefined);
    },
    flush(done) {
      clearTimeout(timer);
      done(null, rest.length ? rest : undefined);
    }
  });
  return t;
}

/**
 * The runner ends a line at a bare CR: what follows one would start a line of its own in
 * the log. Turned into a line feed, so the log shows what the runner sees (and a terminal
 * cannot be made to overwrite a line). A CR that ends a chunk becomes a line feed too.
 */
export function bareCrToLf(): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(chunk.toString('latin1').replace(/\r(?!\n)/g, '\n'), 'latin1'));
    }
  });
}

/** The last TAIL_BYTES of a stream, for error messages. */
class Tail {
  private buf = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]).subarray(-TAIL_BYTES);
  }

  text(): string {
    return this.buf.toString('utf8');
  }
}

export interface StdoutStream {
  stdout: Readable;
  /** Resolves with the exit and scrubbed stderr once the child has ended. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

/** A docker command whose stdout is data for the action (`docker save`), never printed. */
export function streamStdout(args: string[], log: Log): StdoutStream {
  const env = prepare(args, log);
  const child = spawn('docker', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Scrubbed before the tail is cut: a cut through a secret would leave a piece no pattern matches.
  const tail = new Tail();
  const err = pipeScrubbed(child.stderr, log.redactor, undefined, (chunk) => tail.push(chunk));
  const done = Promise.all([exitOf(child), err]).then(
    ([r]) => ({ ...r, stderr: tail.text() }),
    (e: Error) => ({ code: -1, signal: null, stderr: e.message })
  );
  return { stdout: child.stdout, done, kill: () => child.kill('SIGKILL') };
}

/**
 * A short docker (or skopeo) call whose output the action reads (probes, inspect). Nothing
 * is printed. Its stdin is /dev/null: a command that would prompt (skopeo login) reads EOF
 * instead of waiting, and nothing is written to a child that may already have exited
 * (@actions/exec's `input` could fail with EPIPE then).
 */
export async function capture(args: string[], log: Log, program: Program = 'docker'): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = prepare(args, log);
  const cmd = commandOf(program, args);
  const child = spawn(cmd.file, cmd.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const { code, signal } = await exitOf(child, program);
  const text = (bs: Buffer[]) => log.scrub(Buffer.concat(bs).toString('utf8'));
  // Killed by a signal: the shell's exit code for it.
  return { code: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stdout: text(out), stderr: text(err) };
}

/**
 * Removes an image at once and waits for it: for a signal handler, which cannot wait for a
 * promise, and the post step. Bounded: a daemon that does not answer is given 10 s. Whether
 * the image is gone (removed, or there was none by that id); a daemon that failed or did not
 * answer leaves it, and the caller keeps it for the post step.
 */
export function removeImageNow(id: string, log: Log): boolean {
  const args = ['image', 'rm', '--force', id];
  const r = spawnSync('docker', args, { env: prepare(args, log), stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000, encoding: 'utf8' });
  return r.status === 0 || /no such image/i.test(r.stderr ?? '');
}
