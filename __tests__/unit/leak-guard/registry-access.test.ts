/** Image references and the docker config handed to skopeo (pure parts; the push checks run in e2e). */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isLoopback, registryOf, repository } from '../../../src/docker/reference.js';
import { dockerAuth } from '../../../src/leak-guard/registry-access.js';

describe('references', () => {
  test.each([
    ['app:1', 'docker.io', 'app'],
    ['o/app', 'docker.io', 'o/app'],
    ['ghcr.io/o/app:v1', 'ghcr.io', 'ghcr.io/o/app'],
    ['127.0.0.1:5000/a/b:1', '127.0.0.1:5000', '127.0.0.1:5000/a/b'],
    ['localhost/app@sha256:ab', 'localhost', 'localhost/app'],
    ['r.example:443/a@sha256:ab', 'r.example:443', 'r.example:443/a']
  ])('%s is on %s, repository %s', (ref, registry, repo) => {
    expect(registryOf(ref)).toBe(registry);
    expect(repository(ref)).toBe(repo);
  });

  test.each([
    ['127.0.0.1:5000', true],
    ['127.1.2.3', true],
    ['localhost:5001', true],
    ['[::1]:5000', true],
    ['127.0.0.1.example.org', false],
    ['ghcr.io', false],
    ['10.0.0.1:5000', false]
  ])('%s loopback: %s', (registry, loopback) => {
    expect(isLoopback(registry)).toBe(loopback);
  });
});

describe('dockerAuth', () => {
  let dir: string;
  let work: string;
  const saved = process.env.DOCKER_CONFIG;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-docker-config-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-work-'));
    process.env.DOCKER_CONFIG = dir;
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
    if (saved === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = saved;
  });

  test('no config: no --authfile (skopeo then finds no login, and says so)', () => {
    expect(dockerAuth(work, ['ghcr.io/o/a:1'])).toEqual([]);
  });

  test('auths and credHelpers only: the config itself', () => {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: 'eDp5' } }, credHelpers: { 'r.example': 'x' } }));
    expect(dockerAuth(work, ['ghcr.io/o/a:1'])).toEqual(['--authfile', path.join(dir, 'config.json')]);
  });

  test("credsStore: a copy that names the store as each pushed registry's helper; the user's own helpers win; no credential copied", () => {
    const config = { auths: { 'ghcr.io': {}, '127.0.0.1:5001': {} }, credsStore: 'desktop', credHelpers: { 'r.example': 'ecr-login' } };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    const args = dockerAuth(work, ['ghcr.io/o/a:1', '127.0.0.1:5001/x:1', 'r.example/y:2', 'app:1']);
    expect(args).toEqual(['--authfile', path.join(work, 'docker-config.json')]);
    const copy = JSON.parse(fs.readFileSync(args[1], 'utf8')) as Record<string, unknown>;
    expect(copy.credHelpers).toEqual({ 'ghcr.io': 'desktop', '127.0.0.1:5001': 'desktop', 'r.example': 'ecr-login', 'docker.io': 'desktop' });
    expect(copy.auths).toEqual(config.auths);
    expect(fs.statSync(args[1]).mode & 0o777).toBe(0o600);
  });

  test('a config that is not JSON is still handed over (skopeo says what is wrong with it)', () => {
    fs.writeFileSync(path.join(dir, 'config.json'), '{not json');
    expect(dockerAuth(work, ['ghcr.io/o/a:1'])).toEqual(['--authfile', path.join(dir, 'config.json')]);
  });
});
