/**
 * The buildx the docker CLI would run, run directly. `docker buildx …` first runs
 * `docker-buildx docker-cli-plugin-metadata` to validate the plugin, then the plugin:
 * two Go starts, ~0.15 s a call here (bench/overhead.ts measures it). buildx run by its
 * own name is its standalone mode, which buildx keeps equal to the plugin mode on purpose
 * (commands/root.go: the same client options and environment variables) and which
 * docker/actions-toolkit supports too. The plugin is looked up as docker/cli's
 * getPluginDirs does: config.json's cliPluginsExtraDirs, then `<config dir>/cli-plugins`,
 * then the system directories; the first file named docker-buildx wins. Without one
 * (another CLI behind `docker`, a platform with other paths) the action runs `docker buildx`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The docker CLI's configuration directory (DOCKER_CONFIG, else ~/.docker). */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

/** docker/cli's defaultSystemPluginDirs on Linux and the other Unixes, in its order. */
const SYSTEM_DIRS = [
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins'
];

/** The directories docker searches for plugins, in its order. Pure but for reading config.json. */
export function pluginDirs(env: NodeJS.ProcessEnv = process.env, systemDirs = SYSTEM_DIRS): string[] {
  const config = dockerConfigDir(env);
  let extra: string[] = [];
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(config, 'config.json'), 'utf8')) as { cliPluginsExtraDirs?: unknown };
    if (Array.isArray(parsed.cliPluginsExtraDirs)) extra = parsed.cliPluginsExtraDirs.filter((d): d is string => typeof d === 'string');
  } catch {
    // No config.json, or one docker would refuse too: docker then looks in the other directories.
  }
  return [...extra, path.join(config, 'cli-plugins'), ...systemDirs];
}

/** The docker-buildx the docker CLI would run, or null (on Windows, always: its plugin is docker-buildx.exe elsewhere). */
export function buildxPlugin(env: NodeJS.ProcessEnv = process.env, systemDirs = SYSTEM_DIRS): string | null {
  if (process.platform === 'win32') return null;
  return (
    pluginDirs(env, systemDirs)
      .map((d) => path.join(d, 'docker-buildx'))
      .find((f) => fs.existsSync(f)) ?? null
  );
}

/**
 * The program and argv for a docker command: `buildx …` goes to the plugin itself when there
 * is one, unless SECRET_BUILD_BUILDX_VIA_DOCKER=true asks for `docker buildx` (a runner whose
 * `docker` is a wrapper the buildx calls must pass through).
 */
export function dockerCommand(args: readonly string[], env: NodeJS.ProcessEnv = process.env, systemDirs = SYSTEM_DIRS): { file: string; args: string[] } {
  const plugin = args[0] === 'buildx' && env.SECRET_BUILD_BUILDX_VIA_DOCKER !== 'true' ? buildxPlugin(env, systemDirs) : null;
  return plugin ? { file: plugin, args: args.slice(1) } : { file: 'docker', args: [...args] };
}
