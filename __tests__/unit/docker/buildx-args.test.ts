import { describe, expect, test } from '@jest/globals';
import { buildxArgs } from '../../../src/docker/buildx-args.js';
import { childEnv } from '../../../src/docker/process.js';
import type { BuildInputs } from '../../../src/inputs/table.js';
import { Redactor } from '../../../src/detection/redactor.js';
import { emptyBuildInputs } from '../../support/build-inputs.js';

const empty: BuildInputs = emptyBuildInputs();
const files = { iidFile: '/v/iid', metadataFile: '/v/meta.json' };

describe('buildxArgs', () => {
  test('maps every mount to id=<id>,src=<file>', () => {
    const args = buildxArgs(
      empty,
      [
        { id: 'npm', file: '/v/secret-0' },
        { id: 'a.b-c', file: '/v/secret-1' }
      ],
      files
    );
    expect(args).toEqual([
      'buildx',
      'build',
      '--progress=plain',
      '--secret',
      'id=npm,src=/v/secret-0',
      '--secret',
      'id=a.b-c,src=/v/secret-1',
      '--iidfile',
      '/v/iid',
      '--metadata-file',
      '/v/meta.json',
      '.'
    ]);
  });
  test('passes build inputs with build-push-action semantics', () => {
    const args = buildxArgs(
      {
        ...empty,
        context: 'ctx',
        file: 'ctx/D',
        target: 't',
        tags: ['a:1', 'b:2'],
        labels: ['l=1'],
        'build-args': ['X=1'],
        platforms: ['linux/amd64', 'linux/arm64'],
        push: true,
        load: true,
        outputs: ['type=registry'],
        'cache-from': ['type=gha'],
        'cache-to': ['type=gha,mode=max'],
        'no-cache': true,
        pull: true,
        builder: 'b',
        network: 'host',
        'build-contexts': ['x=dir'],
        provenance: 'false',
        sbom: 'true',
        'extra-args': ['--ssh=default']
      },
      [],
      files
    );
    expect(args.join(' ')).toBe(
      'buildx build --progress=plain --file ctx/D --target t --tag a:1 --tag b:2 --label l=1 --build-arg X=1 --platform linux/amd64,linux/arm64 ' +
        '--push --load --output type=registry --cache-from type=gha --cache-to type=gha,mode=max --no-cache --pull --builder b --network host ' +
        '--build-context x=dir --provenance=false --sbom=true --iidfile /v/iid --metadata-file /v/meta.json --ssh=default ctx'
    );
  });
});

test('no --iidfile with a local or tar export, which buildx refuses', () => {
  for (const o of ['type=local,dest=out', 'type=tar,dest=x.tar', 'out-dir']) {
    expect(buildxArgs({ ...empty, outputs: [o] }, [], files)).not.toContain('--iidfile');
  }
  expect(buildxArgs({ ...empty, outputs: ['type=image,name=x'] }, [], files)).toContain('--iidfile');
});

describe('childEnv', () => {
  test('drops INPUT_* and any variable carrying a secret, keeps the rest', () => {
    const r = Redactor.exact([{ bytes: Buffer.from('s3cret-value'), tag: 'x' }]);
    expect(childEnv({ PATH: '/bin', INPUT_SECRETS: 'x=s3cret-value', INPUT_TAGS: 'a', TOKEN: 'pre-s3cret-value', HOME: '/root' }, r)).toEqual({
      env: { PATH: '/bin', HOME: '/root' },
      withheld: ['TOKEN']
    });
    const short = Redactor.exact([{ bytes: Buffer.from('/bin'), tag: 'x' }]);
    expect(childEnv({ PATH: '/usr/bin:/bin', OTHER: '/bin/sh' }, short)).toEqual({ env: { PATH: '/usr/bin:/bin' }, withheld: ['OTHER'] });
  });
});
