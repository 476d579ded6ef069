/**
 * Scrubber throughput: ~200 MB of buildx plain-progress log with 100 secrets (and
 * their variants) through the scrubbing Transform, against an identity Transform over
 * the same chunks in the same process. Interleaved runs, medians.
 */
import { PassThrough, Readable, Transform } from 'node:stream';
import { buildLog, fmt, makeSecrets, median, redactorOf, timeMs } from './util.js';

const TARGET_BYTES = Number(process.env.BENCH_LOG_MB ?? 200) * 1e6;
const CHUNK = 64 * 1024;

function copyingIdentity(): Transform {
  return new Transform({ transform: (chunk: Buffer, _e, done) => done(null, Buffer.from(chunk)) });
}

async function pump(block: Buffer, t: Transform): Promise<number> {
  let out = 0;
  const chunks = function* () {
    for (let sent = 0; sent < TARGET_BYTES; sent += CHUNK) {
      const off = sent % (block.length - CHUNK);
      yield block.subarray(off, off + CHUNK);
    }
  };
  t.on('data', (c: Buffer) => (out += c.length));
  const done = new Promise((r) => t.on('end', r));
  Readable.from(chunks()).pipe(t);
  await done;
  return out;
}

export async function benchScrubber(): Promise<Record<string, string>> {
  const secrets = makeSecrets(100);
  const redactor = redactorOf(secrets);
  const block = buildLog(secrets, (s) => [`echo ${s.toString()}`], 5000);
  const scrub: number[] = [];
  const ident: number[] = [];
  const copy: number[] = [];
  for (let r = 0; r < 5; r++) {
    ident.push(await timeMs(() => pump(block, new PassThrough())));
    copy.push(await timeMs(() => pump(block, copyingIdentity())));
    scrub.push(await timeMs(() => pump(block, redactor.stream())));
  }
  const mb = TARGET_BYTES / 1e6;
  const rate = (ms: number[]) => mb / (median(ms) / 1000);
  return {
    'log size': `${fmt(mb, 0)} MB in 64 KiB chunks, ${redactor.search.stats.fragmentSourceBytes} fragment source bytes from 100 secrets`,
    'identity Transform (PassThrough, never reads a byte)': `${fmt(rate(ident), 0)} MB/s`,
    'copying identity Transform (reads every byte once)': `${fmt(rate(copy), 0)} MB/s`,
    'scrubbing Transform': `${fmt(rate(scrub), 0)} MB/s`,
    'scrubber / identity': `${fmt((100 * rate(scrub)) / rate(ident), 1)} % (goal >= 50 %)`,
    'scrubber / copying identity': `${fmt((100 * rate(scrub)) / rate(copy), 1)} %`
  };
}
