/** docker/buildx-plugin.ts: the buildx plugin found where the docker CLI finds it, and `buildx …` sent to it. */
import { afterEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildxPlugin, dockerCommand, dockerConfigDir, pluginDirs } from '../../../src/docker/buildx-plugin.js';

const SYSTEM = ['/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/libexec/docker/cli-plugins'];
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-plugin-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function plugin(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const f = path.join(dir, 'docker-buildx');
  fs.writeFileSync(f, '#!/bin/sh\n', { mode: 0o755 });
  return f;
}

describe('pluginDirs: docker/cli getPluginDirs order', () => {
  test('config.json cliPluginsExtraDirs first, then <config>/cli-plugins, then the system directories', () => {
    const config = tmp();
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: ['/opt/a', '/opt/b'] }));
    expect(pluginDirs({ DOCKER_CONFIG: config })).toEqual(['/opt/a', '/opt/b', path.join(config, 'cli-plugins'), ...SYSTEM]);
  });

  test('without DOCKER_CONFIG the config directory is ~/.docker', () => {
    expect(dockerConfigDir({})).toBe(path.join(os.homedir(), '.docker'));
    expect(pluginDirs({ HOME: os.homedir() })).toContain(path.join(os.homedir(), '.docker', 'cli-plugins'));
  });

  test.each([['not json'], [JSON.stringify({ cliPluginsExtraDirs: 'a string' })], [JSON.stringify({ cliPluginsExtraDirs: [1, '/opt/ok'] })]])(
    'a config.json docker could not use for extra dirs (%s) leaves the others',
    (text) => {
      const config = tmp();
      fs.writeFileSync(path.join(config, 'config.json'), text);
      const got = pluginDirs({ DOCKER_CONFIG: config });
      expect(got.slice(-5)).toEqual([path.join(config, 'cli-plugins'), ...SYSTEM]);
      expect(got.length).toBe(text.includes('/opt/ok') ? 6 : 5);
    }
  );
});

describe('buildxPlugin and dockerCommand', () => {
  test('the first docker-buildx in docker order wins: an extra dir over the config dir', () => {
    const config = tmp();
    const extra = path.join(config, 'extra');
    const inExtra = plugin(extra);
    plugin(path.join(config, 'cli-plugins'));
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [extra] }));
    expect(buildxPlugin({ DOCKER_CONFIG: config })).toBe(inExtra);
  });

  test('buildx calls go to the plugin by its path, without the word buildx (its standalone mode); other docker calls stay docker', () => {
    const config = tmp();
    const p = plugin(path.join(config, 'cli-plugins'));
    const env = { DOCKER_CONFIG: config };
    expect(dockerCommand(['buildx', 'build', '--builder', 'b', '.'], env)).toEqual({ file: p, args: ['build', '--builder', 'b', '.'] });
    expect(dockerCommand(['load', '--input', 'x'], env)).toEqual({ file: 'docker', args: ['load', '--input', 'x'] });
    // A runner whose docker is a wrapper the buildx calls must go through says so.
    expect(dockerCommand(['buildx', 'build', '.'], { ...env, SECRET_BUILD_BUILDX_VIA_DOCKER: 'true' })).toEqual({
      file: 'docker',
      args: ['buildx', 'build', '.']
    });
  });

  test('no plugin anywhere docker looks: `docker buildx`, whose own error then says buildx is missing', () => {
    const env = { DOCKER_CONFIG: tmp() };
    const system = [tmp()];
    expect(buildxPlugin(env, system)).toBeNull();
    expect(dockerCommand(['buildx', 'inspect'], env, system)).toEqual({ file: 'docker', args: ['buildx', 'inspect'] });
    // Then one appears in a system directory: that one.
    const p = plugin(system[0]);
    expect(dockerCommand(['buildx', 'inspect'], env, system)).toEqual({ file: p, args: ['inspect'] });
  });
});
