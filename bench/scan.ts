/**
 * Image scan throughput and memory by image size (10 MB, 100 MB, 1 GB; half random
 * bytes, half base64 text, gzip layers as buildx exports them), with 100 secrets and
 * with a mix of 996 tokens and secrets of 4 B, 2 KiB, 100 KiB and 500 KiB, against
 * `grep -F -a -c -f patterns` over the same `docker save` tar, in the same run. Each
 * scan runs in its own process so peak RSS is the scanner's own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { maskVariants } from '../src/detection/variants.js';
import { docker, run } from './docker.js';
import { fmt, makeSecrets, median, timeMs } from './util.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SIZES_MB = (process.env.BENCH_SCAN_MB ?? '10,100,1000').split(',').map(Number);
const RUNS = 3;

function buildImage(dir: string, mb: number): string {
  const tag = `secret-build-bench:scan-${mb}mb`;
  if (docker(['image', 'ls', '-q', tag]).trim()) return tag;
  const half = Math.round((mb * 1e6) / 2);
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    `FROM secret-build-base:latest\nRUN head -c ${half} /dev/urandom > /random.bin\nRUN head -c ${Math.round(half * 0.75)} /dev/urandom | base64 > /text.b64\n`
  );
  docker(['buildx', 'build', '--load', '-t', tag, '.'], dir);
  return tag;
}

function pem(bytes: number): Buffer {
  return Buffer.from(
    (
      randomBytes(Math.ceil((bytes * 3) / 4))
        .toString('base64')
        .match(/.{1,64}/g) ?? []
    )
      .join('\n')
      .slice(0, bytes)
  );
}

export async function benchScan(): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-scan-'));
  const out: Record<string, string> = {};
  try {
    const sets: Record<string, Buffer[]> = {
      '100 secrets': makeSecrets(100),
      mix: [...makeSecrets(996), Buffer.from('k3y!'), pem(2048), pem(100 * 1024), pem(500 * 1024)]
    };
    for (const [name, secrets] of Object.entries(sets)) {
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(secrets.map((s) => s.toString('base64'))));
    }
    // grep takes one pattern a line: multi-line variants are covered by their lines.
    const lines = sets['100 secrets'].flatMap((s) => maskVariants(s)).filter((b) => !b.includes(0x0a));
    fs.writeFileSync(path.join(dir, 'patterns.txt'), Buffer.concat(lines.flatMap((b) => [b, Buffer.from('\n')])));
    for (const mb of SIZES_MB) {
      const tar = path.join(dir, 'image.tar');
      docker(['save', '-o', tar, buildImage(dir, mb)]);
      const size = fs.statSync(tar).size;
      const grep = () => run('sh', ['-c', `LC_ALL=C grep -F -a -c -f patterns.txt image.tar || true`], { cwd: dir });
      const rss: Record<string, number> = {};
      const scan = (set: string) => async () => {
        const res = await run(process.execPath, [path.join(HERE, 'scan-worker.js'), tar, path.join(dir, `${set}.json`)]);
        rss[set] = Math.max(rss[set] ?? 0, (JSON.parse(res) as { maxRssKb: number }).maxRssKb);
      };
      const t = { grep: [] as number[], hundred: [] as number[], mix: [] as number[] };
      for (let r = 0; r < RUNS; r++) {
        t.grep.push(await timeMs(grep));
        t.hundred.push(await timeMs(scan('100 secrets')));
        t.mix.push(await timeMs(scan('mix')));
      }
      const rate = (ms: number[]) => `${fmt(size / 1e6 / (median(ms) / 1000), 0)} MB/s`;
      out[`${fmt(size / 1e6, 0)} MB image tar`] =
        `grep -F (baseline) ${fmt(median(t.grep), 0)} ms; scan, 100 secrets: ${fmt(median(t.hundred), 0)} ms (${rate(t.hundred)}, ${fmt(median(t.hundred) / median(t.grep), 2)}x grep), ` +
        `peak RSS ${fmt(rss['100 secrets'] / 1024, 0)} MB; scan, mix up to 500 KiB: ${fmt(median(t.mix), 0)} ms (${fmt(median(t.mix) / median(t.hundred), 2)}x the 100-secret scan), peak RSS ${fmt(rss.mix / 1024, 0)} MB`;
      fs.rmSync(tar);
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
