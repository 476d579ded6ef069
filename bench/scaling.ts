/**
 * How the secret search scales (issue 16, "no cliff"): scrubbing throughput and memory
 * for secret counts 1/10/100/1000, sizes 32 B/2 KiB/100 KiB/500 KiB, short secrets and a
 * mix, each as a ratio to the 100-secret case measured in the same run; the masks given
 * to the runner per secret and the runner's modelled cost per later log line.
 */
import { randomBytes } from 'node:crypto';
import { StreamScrubber } from '../src/detection/redactor.js';
import { maskVariants, runnerMasks } from '../src/detection/variants.js';
import { buildLog, fmt, makeSecrets, median, redactorOf } from './util.js';

const LOG_BYTES = Number(process.env.BENCH_SCALING_MB ?? 24) * 1e6;
const CHUNK = 64 * 1024;
const RUNS = 3;

const token = (n: number) => Buffer.from(`tok_${randomBytes(n).toString('base64url')}`.slice(0, n));
/** A PEM-like bundle: base64 lines of 64 characters between armor lines. */
function pem(bytes: number): Buffer {
  const lines: string[] = [];
  for (let size = 0; size < bytes; size += 1700) {
    lines.push(
      '-----BEGIN CERTIFICATE-----',
      ...(randomBytes(1200)
        .toString('base64')
        .match(/.{1,64}/g) ?? []),
      '-----END CERTIFICATE-----'
    );
  }
  return Buffer.from(lines.join('\n').slice(0, bytes));
}

/** A buildx plain-progress log in which the secrets show now and then: raw, base64-encoded, and as a hex dump line. */
const logOf = (secrets: Buffer[]) =>
  buildLog(
    secrets,
    (s) => {
      const head = s.subarray(0, 120);
      return [
        `token: ${head.toString('latin1')}`,
        Buffer.concat([Buffer.from('k='), head]).toString('base64'),
        `0000000 ${(head.subarray(0, 16).toString('hex').match(/../g) ?? []).join(' ')}`
      ];
    },
    2000
  );

function scrubRate(secrets: Buffer[], log: Buffer): number {
  const search = redactorOf(secrets).search;
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const s = new StreamScrubber(search);
    const t = performance.now();
    for (let sent = 0; sent < LOG_BYTES; sent += CHUNK) {
      const off = sent % (log.length - CHUNK);
      s.push(log.subarray(off, off + CHUNK));
    }
    s.flush();
    times.push(performance.now() - t);
  }
  return LOG_BYTES / 1e6 / (median(times) / 1000);
}

/**
 * The runner masks each registered value and what its encoders derive from it (padded
 * base64 after dropping 0-2 bytes, JSON, URI, XML and shell escapes) on every later log
 * line: the values it ends up holding.
 */
function runnerValues(masks: string[]): number {
  const derived = new Set<string>();
  for (const m of masks) {
    const b = Buffer.from(m);
    derived.add(m);
    for (const shift of [0, 1, 2]) derived.add(b.subarray(Math.min(shift, b.length - 1)).toString('base64'));
    derived.add(JSON.stringify(m).slice(1, -1));
    derived.add(encodeURIComponent(m));
    derived.add(m.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`));
    derived.add(m.replaceAll('"', '\\"'));
  }
  return derived.size;
}

/** The modelled cost of one value on one 120-byte log line: a substring search, timed with String#includes over many values. */
function nsPerValueAndLine(): number {
  const values = Array.from({ length: 20000 }, () => randomBytes(24).toString('base64'));
  const lines = Array.from({ length: 20 }, (_, k) =>
    `#${k % 9} ${k / 100} npm http fetch GET 200 https://registry.example/pkg-${k} ${k}ms (cache miss)`.padEnd(120, '.')
  );
  let hits = 0;
  const t = performance.now();
  for (const line of lines) for (const v of values) hits += line.includes(v) ? 1 : 0;
  return ((performance.now() - t) * 1e6) / (values.length * lines.length) + hits;
}

/** What the runner was given before this change: every one-line text variant of every piece. */
function oldMasks(value: Buffer): string[] {
  return maskVariants(value).flatMap((v) => {
    const t = v.toString('utf8');
    return Buffer.from(t).equals(v) && !/[\r\n]/.test(t) && t.trim() !== '' ? [t] : [];
  });
}

export function benchScaling(): Promise<Record<string, string>> {
  const cases: [string, Buffer[]][] = [
    ['100 secrets of 20-60 B (baseline)', makeSecrets(100)],
    ['1 secret', makeSecrets(1)],
    ['10 secrets', makeSecrets(10)],
    ['1000 secrets', makeSecrets(1000)],
    ['1 x 32 B', [token(32)]],
    ['1 x 2 KiB', [pem(2048)]],
    ['1 x 100 KiB', [pem(100 * 1024)]],
    ['1 x 500 KiB certificate bundle', [pem(500 * 1024)]],
    ['1 x 4 B', [Buffer.from('k3y!')]],
    ['100 secrets + 1 x 4 B', [...makeSecrets(100), Buffer.from('k3y!')]],
    ['100 x 4-7 B', Array.from({ length: 100 }, (_, k) => randomBytes(4 + (k % 4)))],
    ['mix: 996 x 20-60 B, 4 B, 2 KiB, 100 KiB, 500 KiB', [...makeSecrets(996), Buffer.from('k3y!'), pem(2048), pem(100 * 1024), pem(500 * 1024)]]
  ];
  const out: Record<string, string> = {
    'log scrubbed': `${fmt(LOG_BYTES / 1e6, 0)} MB a case in 64 KiB chunks, median of ${RUNS}; the log shows the secrets raw, in base64 and in a hex dump now and then`
  };
  const ns = nsPerValueAndLine();
  out['runner model'] = `${fmt(ns, 1)} ns for one masked value on one 120-byte log line (String#includes over 20,000 values)`;
  let baseline = 0;
  for (const [name, secrets] of cases) {
    const t = performance.now();
    const search = redactorOf(secrets).search;
    const buildMs = performance.now() - t;
    const rate = scrubRate(secrets, logOf(secrets));
    if (!baseline) baseline = rate;
    const masks = [...new Set(secrets.flatMap((s) => runnerMasks(s)))];
    const old = [...new Set(secrets.flatMap((s) => oldMasks(s)))];
    const values = runnerValues(masks);
    const oldValues = runnerValues(old);
    out[name] =
      `${fmt(rate, 0)} MB/s (${fmt(rate / baseline, 2)}x the baseline, goal >= 0.5x); index ${fmt(search.stats.memoryBytes / 1e6, 1)} MB, built in ${fmt(buildMs, 0)} ms; ` +
      `runner: ${fmt(masks.length / secrets.length, 1)} masks a secret (was ${fmt(old.length / secrets.length, 1)}), ` +
      `${values} values (was ${oldValues}), modelled ${fmt((values * ns) / 1000, 1)} us a log line (was ${fmt((oldValues * ns) / 1000, 1)})`;
  }
  return Promise.resolve(out);
}
