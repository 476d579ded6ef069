/** Docker helpers for the benchmarks that need a real engine. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';

export function dockerAvailable(): boolean {
  return spawnSync('docker', ['buildx', 'version']).status === 0 && spawnSync('docker', ['image', 'inspect', 'secret-build-base:latest']).status === 0;
}

export function docker(args: string[], cwd?: string): string {
  return execFileSync('docker', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 }).toString();
}

/** Runs a command to completion, output discarded; rejects on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.resume();
    // The last error lines printed, to say why a step failed.
    const why = () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('::error'))
        .slice(-3)
        .join('\n');
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')} exited ${code}\n${why()}`))));
  });
}
