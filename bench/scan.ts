/**
 * Image scan throughput and memory on a generated image of >= 500 MB (half random
 * bytes, half base64 text) with 100 secrets, against `grep -F -a -c -f patterns`
 * over the same `docker save` tar, in the same run. Each side runs in its own
 * process so peak RSS is the scanner's own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { maskVariants } from '../src/secrets/variants.js';
import { fileURLToPath } from 'node:url';
import { docker, run } from './docker.js';
import { fmt, makeSecrets, median, timeMs } from './util.js';

const TAG = 'secret-build-bench:scan';
const HERE = path.dirname(fileURLToPath(import.meta.url));

function buildImage(dir: string): void {
  if (docker(['image', 'ls', '-q', TAG]).trim()) return;
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    'FROM secret-build-base:latest\nRUN head -c 260000000 /dev/urandom > /random.bin\nRUN head -c 195000000 /dev/urandom | base64 > /text.b64\n'
  );
  docker(['buildx', 'build', '--load', '-t', TAG, '.'], dir);
}

export async function benchScan(): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-scan-'));
  try {
    buildImage(dir);
    const tar = path.join(dir, 'image.tar');
    docker(['save', '-o', tar, TAG]);
    const size = fs.statSync(tar).size;
    const secrets = makeSecrets(100);
    fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify(secrets.map((s) => s.toString('base64'))));
    // grep takes one pattern a line: multi-line variants are covered by their lines.
    const lines = secrets.flatMap((s) => maskVariants(s)).filter((b) => !b.includes(0x0a));
    fs.writeFileSync(path.join(dir, 'patterns.txt'), Buffer.concat(lines.flatMap((b) => [b, Buffer.from('\n')])));
    const grep = () => run('sh', ['-c', `LC_ALL=C grep -F -a -c -f patterns.txt image.tar || true`], { cwd: dir });
    let rss = 0;
    const scan = async () => {
      const out = await run(process.execPath, [path.join(HERE, 'scan-worker.js'), tar, path.join(dir, 'secrets.json')]);
      rss = Math.max(rss, (JSON.parse(out) as { maxRssKb: number }).maxRssKb);
    };
    const t = { grep: [] as number[], scan: [] as number[] };
    for (let r = 0; r < 3; r++) {
      t.grep.push(await timeMs(grep));
      t.scan.push(await timeMs(scan));
    }
    const ratio = median(t.scan) / median(t.grep);
    return {
      'image tar': `${fmt(size / 1e6, 0)} MB, ${lines.length} patterns from 100 secrets`,
      'grep -F -a -c -f patterns (baseline)': `${fmt(median(t.grep), 0)} ms (${fmt(size / 1e6 / (median(t.grep) / 1000), 0)} MB/s)`,
      'image scan (tar reader, nested layers, matcher)': `${fmt(median(t.scan), 0)} ms (${fmt(size / 1e6 / (median(t.scan) / 1000), 0)} MB/s)`,
      'scan / grep time': `${fmt(ratio, 2)}x (goal <= 1.5x)`,
      'scan peak RSS': `${fmt(rss / 1024, 0)} MB (goal < 150 MB)`
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
