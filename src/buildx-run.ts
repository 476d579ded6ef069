/**
 * Runs docker with its output streamed through the scrubber, keeping the scrubbed tail
 * of stderr for diagnosis. The child gets no input values: INPUT_* (which holds the
 * `secrets` input) and every variable carrying a secret are dropped from its environment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { ActionError } from './input-error.js';
import type { Redactor } from './scrubber.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last bytes of scrubbed stderr. */
  stderrTail: string;
}

const TAIL_BYTES = 64 * 1024;
/** What docker needs to run at all; kept even if a (pathologically short) secret matches them. */
const ESSENTIAL = new Set(['PATH', 'HOME']);

export function childEnv(env: NodeJS.ProcessEnv, redactor: Redactor): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name.startsWith('INPUT_')) continue;
    if (!ESSENTIAL.has(name) && redactor.secretsIn(value).length > 0) continue;
    out[name] = value;
  }
  return out;
}

export async function runDocker(
  args: string[],
  redactor: Redactor,
  onSpawn: (child: ChildProcess) => void = () => {}
): Promise<RunResult> {
  const child = spawn('docker', args, { env: childEnv(process.env, redactor), stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn(child);
  let tail = Buffer.alloc(0);
  const out = pipeScrubbed(child.stdout!, redactor, process.stdout);
  const err = pipeScrubbed(child.stderr!, redactor, process.stderr, (chunk) => {
    tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new ActionError('docker was not found on PATH: install the Docker CLI (docker/setup-buildx-action sets up buildx)') : e)
    );
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const { code, signal } = await exit;
  await Promise.all([out, err]);
  return { code, signal, stderrTail: tail.toString('utf8') };
}

function pipeScrubbed(src: NodeJS.ReadableStream, redactor: Redactor, dest: Writable, tap?: (b: Buffer) => void): Promise<void> {
  const scrubbed = redactor.stream();
  src.pipe(scrubbed);
  if (tap) scrubbed.on('data', tap);
  scrubbed.pipe(dest, { end: false });
  return finished(scrubbed);
}
