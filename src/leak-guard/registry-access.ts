/**
 * Registry credentials as docker/login-action leaves them, for skopeo, and the check
 * before the build that each push target will take them: a refused login fails the step
 * in a second, not after a build and a scan. The action never reads a credential itself:
 * skopeo does, from the docker config, and only says whether it was accepted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dockerConfigDir } from '../docker/buildx-plugin.js';
import { capture } from '../docker/process.js';
import { isLoopback, registryOf } from '../docker/reference.js';
import { ActionError } from '../errors.js';
import type { Log } from '../report/log.js';

interface DockerConfig {
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/**
 * The docker config docker/login-action leaves (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`), given to skopeo explicitly: without it skopeo reads podman's
 * auth.json first, which is not what the workflow logged in with. skopeo reads `auths`
 * and `credHelpers` but not `credsStore` (containers/image#111): with a store, a copy of
 * the config names it as the helper of each registry pushed to. No credential is copied.
 */
export function dockerAuth(work: string, refs: string[]): string[] {
  const file = path.join(dockerConfigDir(), 'config.json');
  let config: DockerConfig;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8')) as DockerConfig;
  } catch {
    return fs.existsSync(file) ? ['--authfile', file] : [];
  }
  if (!config.credsStore) return ['--authfile', file];
  const store = config.credsStore;
  const credHelpers = { ...Object.fromEntries(refs.map((r) => [registryOf(r), store])), ...config.credHelpers };
  const copy = path.join(work, 'docker-config.json');
  fs.writeFileSync(copy, JSON.stringify({ ...config, credHelpers }), { mode: 0o600 });
  return ['--authfile', copy];
}

/**
 * Each registry pushed to, before the build: with stored credentials, skopeo logs in with
 * them (`Existing credentials are valid`, or a refusal); without any, a registry that
 * answers `/v2/` with 401 wants a login the push will not have. A registry that cannot be
 * reached is left to the push, which will say why.
 */
export async function checkPushAccess(refs: string[], auth: string[], insecure: (registry: string) => boolean, log: Log): Promise<void> {
  for (const registry of [...new Set(refs.map(registryOf))]) {
    const tls = insecure(registry) ? ['--tls-verify=false'] : [];
    const stored = await capture(['login', '--get-login', ...auth, registry], log, 'skopeo');
    // skopeo calls any failure to check a login "invalid credentials": a registry that does not answer is left to the push.
    const status = await anonymousStatus(registry, insecure(registry));
    if (status === undefined) continue;
    if (stored.code === 0) {
      const login = await capture(['login', ...auth, ...tls, registry], log, 'skopeo');
      if (login.code !== 0)
        throw new ActionError(
          `the registry ${registry} refuses the credentials stored for it: log in again before this step (docker/login-action) with a token that may push there; nothing was built`
        );
    } else if (status === 401) {
      throw new ActionError(
        `the registry ${registry} wants a login and none is stored for it: log in before this step (docker/login-action), and for ghcr.io grant the job permissions: packages: write; nothing was built`
      );
    }
  }
}

async function anonymousStatus(registry: string, insecure: boolean): Promise<number | undefined> {
  const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
  try {
    const r = await fetch(`${insecure && isLoopback(registry) ? 'http' : 'https'}://${host}/v2/`, { signal: AbortSignal.timeout(5000) });
    return r.status;
  } catch {
    return undefined;
  }
}
