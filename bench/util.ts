/** Shared helpers for the benchmark scripts: timing, medians and test secrets. */
import { randomBytes } from 'node:crypto';
import { Redactor } from '../src/secrets/redactor.js';

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
