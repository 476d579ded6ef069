/**
 * Scrubber throughput: ~200 MB of buildx plain-progress log with 100 secrets (and
 * their variants) through the scrubbing Transform, against an identity Transform over
 * the same chunks in the same process. Interleaved runs, medians.
 */
import { PassThrough, Readable, Transform } from 'node:stream';
import { fmt, makeSecrets, median, redactorOf, timeMs } from './util.js';

const TARGET_BYTES = Number(process.env.BENCH_LOG_MB ?? 200) * 1e6;
const CHUNK = 64 * 1024;

/** One block of log lines like `docker buildx build --progress plain` prints, a secret now and then. */
function logBlock(secrets: Buffer[]): Buffer {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < 4e6; i++, size += lines[lines.length - 1].length + 1) {
    const step = (i % 40) + 1;
    const t = (i / 1000).toFixed(3);
    const kinds = [
      `#${step} ${t} npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.`,
      `#${step} ${t} added ${i % 900} packages, and audited ${i % 1200} packages in ${i % 60}s`,
      `#${step} [build ${i % 7}/9] RUN --mount=type=secret,id=npm_token,required=true npm ci --omit=dev`,
      `#${step} ${t} Step ${i}: Downloading https://registry.npmjs.org/pkg-${i % 500}/-/pkg-${i % 500}-1.${i % 30}.0.tgz`,
      `#${step} sha256:${(i * 2654435761).toString(16).padStart(16, '0').repeat(4)} ${(i % 100) / 10}MB / 25.3MB ${t}s`,
      `#${step} DONE ${t}s`
    ];
    lines.push(kinds[i % kinds.length]);
    if (i % 5000 === 4999) lines.push(`#${step} ${t} echo ${secrets[i % secrets.length].toString()}`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

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
  const block = logBlock(secrets);
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
