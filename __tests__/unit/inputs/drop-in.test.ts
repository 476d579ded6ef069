/**
 * A drop-in for docker/build-push-action v7.3: every input of its action.yml is one of
 * ours, with the same default, and reaches buildx as build-push-action passes it
 * (table-driven from INPUT_* to argv, in the style of its __tests__/context.test.ts).
 */
import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import { coreFixture } from '../../support/core-fixture.js';

const core = coreFixture('runner');
jest.unstable_mockModule('@actions/core', () => core.module);
const { readBuildInputs } = await import('../../../src/inputs/read.js');
const { buildxArgs } = await import('../../../src/docker/buildx-args.js');
const { INPUTS } = await import('../../../src/inputs/table.js');

/** build-push-action v7.3's inputs and defaults (its action.yml). */
const BUILD_PUSH_ACTION: Record<string, string | undefined> = {
  'add-hosts': undefined,
  allow: undefined,
  annotations: undefined,
  attests: undefined,
  'build-args': undefined,
  'build-contexts': undefined,
  builder: undefined,
  'cache-from': undefined,
  'cache-to': undefined,
  call: undefined,
  'cgroup-parent': undefined,
  context: undefined,
  file: undefined,
  labels: undefined,
  load: 'false',
  network: undefined,
  'no-cache': 'false',
  'no-cache-filters': undefined,
  outputs: undefined,
  platforms: undefined,
  provenance: undefined,
  pull: 'false',
  push: 'false',
  sbom: undefined,
  secrets: undefined,
  'secret-envs': undefined,
  'secret-files': undefined,
  'shm-size': undefined,
  ssh: undefined,
  tags: undefined,
  target: undefined,
  ulimit: undefined,
  'github-token': '${{ github.token }}'
};

/** Where ours differs on purpose (README, migration). */
const OWN_DEFAULTS: Record<string, string> = { context: '.' };

const files = { iidFile: '/w/iid', metadataFile: '/w/meta.json' };
const argv = (inputs: Record<string, string>) => {
  core.reset();
  for (const [k, v] of Object.entries(inputs)) core.inputs.set(k, v);
  const args = buildxArgs(readBuildInputs(), [], files);
  // Without the action's own: the command, --progress, the output files and the context.
  return args.slice(3, -1).filter((a, k, all) => ![a, all[k - 1]].some((x) => x === '--iidfile' || x === '--metadata-file'));
};

beforeEach(() => core.reset());

describe('every build-push-action input', () => {
  test.each(Object.entries(BUILD_PUSH_ACTION))('%s is an input here, with the same default', (name, def) => {
    expect(Object.keys(INPUTS)).toContain(name);
    const ours = (INPUTS as Record<string, { default?: string }>)[name].default;
    expect(ours).toBe(OWN_DEFAULTS[name] ?? def);
  });
});

/** [inputs, the flags build-push-action passes for them] */
const CASES: [string, Record<string, string>, string[]][] = [
  [
    'add-hosts, newline or comma',
    { 'add-hosts': 'docker:10.180.0.1,foo:10.0.0.1\nbar:10.0.0.2' },
    ['--add-host', 'docker:10.180.0.1', '--add-host', 'foo:10.0.0.1', '--add-host', 'bar:10.0.0.2']
  ],
  ['allow', { allow: 'network.host,security.insecure' }, ['--allow', 'network.host', '--allow', 'security.insecure']],
  [
    'annotations, one a line, commas kept (metadata-action output)',
    { annotations: 'manifest:org.opencontainers.image.title=app\nmanifest:org.opencontainers.image.description=Hello, world' },
    ['--annotation', 'manifest:org.opencontainers.image.title=app', '--annotation', 'manifest:org.opencontainers.image.description=Hello, world']
  ],
  [
    'attests',
    { attests: 'type=sbom,generator=image\ntype=provenance,mode=max' },
    ['--attest', 'type=sbom,generator=image', '--attest', 'type=provenance,mode=max']
  ],
  [
    'build-args, quoted, one multi-line',
    { 'build-args': '"VERSION=24.10"\n"MULTILINE=aaaa\nbbbb\nccc"' },
    ['--build-arg', 'VERSION=24.10', '--build-arg', 'MULTILINE=aaaa\nbbbb\nccc']
  ],
  ['build-contexts', { 'build-contexts': 'alpine=docker-image://alpine:3.20' }, ['--build-context', 'alpine=docker-image://alpine:3.20']],
  ['builder', { builder: 'b1' }, ['--builder', 'b1']],
  ['cache-from, cache-to', { 'cache-from': 'type=gha', 'cache-to': 'type=gha,mode=max' }, ['--cache-from', 'type=gha', '--cache-to', 'type=gha,mode=max']],
  ['call', { call: 'check' }, ['--call', 'check']],
  ['cgroup-parent', { 'cgroup-parent': 'foo' }, ['--cgroup-parent', 'foo']],
  ['file', { file: './test/Dockerfile' }, ['--file', './test/Dockerfile']],
  [
    'labels, quoted with a comma',
    { labels: '"org.opencontainers.image.description=Hello, world"' },
    ['--label', 'org.opencontainers.image.description=Hello, world']
  ],
  ['load', { load: 'true' }, ['--load']],
  ['network', { network: 'host' }, ['--network', 'host']],
  ['no-cache', { 'no-cache': 'true' }, ['--no-cache']],
  ['no-cache-filters', { 'no-cache-filters': 'stage1,stage2' }, ['--no-cache-filter', 'stage1', '--no-cache-filter', 'stage2']],
  ['outputs, quotes kept', { outputs: 'type=local,dest="./out"' }, ['--output', 'type=local,dest="./out"']],
  ['platforms', { platforms: 'linux/amd64,linux/arm64' }, ['--platform', 'linux/amd64,linux/arm64']],
  ['provenance', { provenance: 'mode=max' }, ['--provenance=mode=max']],
  ['pull', { pull: 'true' }, ['--pull']],
  ['push', { push: 'true' }, ['--push']],
  ['sbom', { sbom: 'true' }, ['--sbom=true']],
  ['shm-size', { 'shm-size': '2g' }, ['--shm-size', '2g']],
  ['ssh', { ssh: 'default' }, ['--ssh', 'default']],
  [
    'tags, newline or comma',
    { tags: 'name/app:7.4.1\nname/app:latest,name/app:7' },
    ['--tag', 'name/app:7.4.1', '--tag', 'name/app:latest', '--tag', 'name/app:7']
  ],
  ['target', { target: 'runtime' }, ['--target', 'runtime']],
  ['ulimit, one a line', { ulimit: 'nofile=1024:1024\nnproc=3' }, ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=3']]
];

describe('INPUT_* to argv', () => {
  test.each(CASES)('%s', (_name, inputs, flags) => {
    const args = argv(inputs);
    // Every flag pair appears, in build-push-action's order within the input.
    const joined = args.join('\u0000');
    expect(joined).toContain(flags.join('\u0000'));
  });

  test('every build-push-action input but secrets and context is covered by a case above', () => {
    const covered = new Set(CASES.flatMap(([, inputs]) => Object.keys(inputs)));
    const rest = Object.keys(BUILD_PUSH_ACTION).filter((n) => !covered.has(n));
    // secrets: their own tests; context: its default differs (README); github-token: accepted, unused.
    expect(rest.sort()).toEqual(['context', 'github-token', 'secret-envs', 'secret-files', 'secrets']);
  });
});
