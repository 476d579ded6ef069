/** Shared helpers for the benchmark scripts: timing, medians and test secrets. */
import { randomBytes } from 'node:crypto';
import { Redactor } from '../src/detection/redactor.js';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function timeMs(f: () => unknown): Promise<number> {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** `n` realistic secrets: tokens of 20-60 characters, some multi-line. */
export function makeSecrets(n: number): Buffer[] {
  return Array.from({ length: n }, (_, k) => {
    const token = `tok_${randomBytes(10 + (k % 20)).toString('base64url')}`;
    return Buffer.from(k % 10 === 9 ? `-----BEGIN KEY-----\n${token}\n${randomBytes(24).toString('base64')}\n-----END KEY-----\n` : token);
  });
}

export function redactorOf(secrets: Buffer[]): Redactor {
  return Redactor.forSecrets(secrets.map((value, k) => ({ id: `s${k}`, value })));
}

export const fmt = (x: number, d = 1) => x.toFixed(d);

/**
 * About 4 MB of log lines like `docker buildx build --progress plain` prints; every
 * `every` lines, the lines `show` makes of one of the secrets, with the step prefix.
 */
export function buildLog(secrets: Buffer[], show: (secret: Buffer) => string[], every: number): Buffer {
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
    if (i % every === every - 1) lines.push(...show(secrets[i % secrets.length]).map((l) => `#${step} ${t} ${l}`));
  }
  return Buffer.from(lines.join('\n') + '\n');
}
