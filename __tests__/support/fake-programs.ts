/**
 * Scripted fake programs for unit tests: each script installed under its name in a
 * directory to put first on PATH, and a docker config whose buildx plugin
 * (`cli-plugins/docker-buildx`, where the action looks first: src/docker/buildx-plugin.ts)
 * runs the fake docker as `docker buildx …`. A buildx call the action sends to the plugin
 * thus reaches the same script, with the docker CLI's argv, as one through `docker` does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function installFakes(dir: string, scripts: Record<string, string>): { PATH: string; DOCKER_CONFIG: string } {
  for (const [name, script] of Object.entries(scripts)) fs.writeFileSync(path.join(dir, name), script, { mode: 0o755 });
  const config = path.join(dir, 'docker-config');
  fs.mkdirSync(path.join(config, 'cli-plugins'), { recursive: true });
  fs.writeFileSync(path.join(config, 'cli-plugins', 'docker-buildx'), `#!/bin/sh\nexec "${path.join(dir, 'docker')}" buildx "$@"\n`, { mode: 0o755 });
  return { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}`, DOCKER_CONFIG: config };
}
