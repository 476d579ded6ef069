/** isolation/: which RUN steps get a key, the rewrite that adds it, and the keys themselves. */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { Run } from 'dockerfile-ast';
import { directives, keyedSteps, notRewritable, withStepKeys, type KeyedStep } from '../../../src/isolation/dockerfile.js';
import { buildName, isolate } from '../../../src/isolation/isolate.js';
import { KEY_PREFIX, saltOf, secretParts, stepKey } from '../../../src/isolation/step-keys.js';
import { buildModel } from '../../../src/leak-guard/preflight/model.js';
import { mountsOf } from '../../../src/leak-guard/preflight/mounts.js';

const parts = new Map([
  ['a', Buffer.alloc(32, 1)],
  ['b', Buffer.alloc(32, 2)]
]);
/** The keyed steps, or the reason the file cannot be keyed. */
function keyed(dockerfile: string, more: Partial<Parameters<typeof keyedSteps>[0]> = {}): KeyedStep[] {
  const r = keyedSteps({ dockerfile, secretIds: ['a', 'b'], sshSecrets: [], ...more });
  if (!Array.isArray(r)) throw new Error(r.reason);
  return r;
}
const steps = (dockerfile: string, more: Partial<Parameters<typeof keyedSteps>[0]> = {}) => keyed(dockerfile, more).map((s) => [s.line, s.ids]);
const reason = (dockerfile: string) => {
  const r = keyedSteps({ dockerfile, secretIds: ['a', 'b'], sshSecrets: [] });
  return Array.isArray(r) ? undefined : r.reason;
};

describe('keyedSteps', () => {
  test('each RUN that mounts a secret, with its ids (one not given keyed as absent); other RUNs and ONBUILD triggers of no used stage are not keyed', () => {
    const df = [
      'FROM base',
      'RUN --mount=type=secret,id=a cat /run/secrets/a',
      'RUN echo plain',
      'RUN --mount=type=secret,id=b --mount=type=secret,id=a,env=A true',
      'RUN --mount=type=secret,id=other,required=false true',
      'ONBUILD RUN --mount=type=secret,id=a true',
      'run --mount=type=secret,id=b \\',
      '  true'
    ].join('\n');
    expect(steps(df)).toEqual([
      [2, ['a']],
      [4, ['a', 'b']],
      [5, ['absent:secret:other']],
      [7, ['b']]
    ]);
  });

  test('an ssh mount of a key given by ssh-secrets is keyed on that secret; the runner agent as absent', () => {
    const df = 'FROM base\nRUN --mount=type=ssh true\nRUN --mount=type=ssh,id=deploy true\n';
    expect(steps(df, { secretIds: [], sshSecrets: [{ ssh: 'deploy', secret: 'b' }] })).toEqual([
      [2, ['absent:ssh:default']],
      [3, ['b']]
    ]);
  });

  test('a variable anywhere in a mount: keyed on every given id (BuildKit may expand it otherwise than the model)', () => {
    for (const mount of ['type=secret,id=${WHICH}', 'type=secret,id=${S%-x}', 'type=$T,id=a', 'type=secret,id=${X:-$Y}'])
      expect(steps(`FROM base\nARG WHICH\nRUN --mount=${mount} true\n`)).toEqual([[3, ['a', `absent:unknown:${mount}`, 'b']]]);
  });

  test('cannot be keyed (the overlap check instead): triggers this build runs, text the two parsers may split otherwise', () => {
    expect(reason('FROM base AS a\nONBUILD RUN --mount=type=secret,id=a true\nFROM a\n')).toMatch(
      /line 2: an ONBUILD trigger that mounts a secret runs in this build/
    );
    expect(reason('FROM base\nRUN echo x\f--mount=type=secret,id=a true\n')).toBeUndefined();
    expect(notRewritable('FROM base\nRUN\f--mount=type=secret,id=a true\n')).toMatch(/form feed/);
    expect(notRewritable('FROM base\r\r\nRUN --mount=type=secret,id=a true\r\n')).toMatch(/carriage return/);
    // BuildKit stops at a directive it does not know; the parser here reads the escape after it.
    expect(notRewritable('# foo=bar\n# escape=`\nFROM base\n')).toMatch(/escape directive/);
    expect(notRewritable('# check=skip=all\n# escape=`\nFROM base\n')).toBeUndefined();
    expect(reason('# escape=`\nFROM base\nRUN --mount=type=secret,id=to``k true\n')).toMatch(/escape character/);
  });
});

describe('withStepKeys', () => {
  const line = fc.oneof(
    fc.constantFrom('RUN echo plain', 'COPY . /app', 'ENV X=1', '# a comment', '', 'RUN <<EOF\necho here\nEOF', 'RUN ["sh", "-c", "true"]'),
    fc
      .tuple(
        fc.constantFrom('RUN', 'run', 'Run'),
        fc.subarray(['a', 'b', 'c'], { minLength: 1 }),
        fc.constantFrom('true', 'cat /run/secrets/a', '\\\n  true', '<<EOF\ncat /run/secrets/b\nEOF')
      )
      .map(([kw, ids, cmd]) => `${kw} ${ids.map((id) => `--mount=type=secret,id=${id}`).join(' ')} ${cmd}`)
  );
  const dockerfile = fc.array(line, { maxLength: 8 }).map((ls) => ['FROM base', ...ls].join('\n'));

  test('property: every line keeps its number and text but for the one mount added after the keyword of each keyed RUN', () => {
    fc.assert(
      fc.property(dockerfile, (df) => {
        const keyed = keyedSteps({ dockerfile: df, secretIds: ['a', 'b'], sshSecrets: [] }) as KeyedStep[];
        const out = withStepKeys(df, keyed, parts);
        const before = df.split('\n');
        const after = out.split('\n');
        expect(after).toHaveLength(before.length);
        const added = / --mount=type=secret,id=secret-build-key-[0-9a-f]{32},required=false/;
        after.forEach((l, k) => {
          const isKeyed = keyed.some((s) => s.line === k + 1);
          expect(l.replace(added, '')).toBe(before[k]);
          expect(added.test(l)).toBe(isKeyed);
        });
      })
    );
  });

  test('property: parsed again, each keyed RUN has its mounts plus one secret mount, not required, whose id is the key of its ids', () => {
    fc.assert(
      fc.property(dockerfile, (df) => {
        const keyed = keyedSteps({ dockerfile: df, secretIds: ['a', 'b'], sshSecrets: [] }) as KeyedStep[];
        const model = buildModel(withStepKeys(df, keyed, parts), {});
        for (const s of keyed) {
          const step = model.steps.find((x) => x.line === s.line && x.ins instanceof Run)!;
          const keys = mountsOf(step).filter((m) => m.id?.startsWith(KEY_PREFIX));
          expect(keys).toEqual([expect.objectContaining({ type: 'secret', id: stepKey(s.ids, parts), required: false })]);
        }
      })
    );
  });
});

describe('the frontend', () => {
  test.each([
    ['# syntax=docker/dockerfile:1\nFROM x', undefined],
    ['# syntax=docker.io/docker/dockerfile:1.7-labs\nFROM x', undefined],
    ['#syntax = docker/dockerfile-upstream:master\nFROM x', undefined],
    [`# syntax=docker/dockerfile:1@sha256:${'a'.repeat(64)}\nFROM x`, undefined],
    ['FROM x\n# syntax=acme/frontend\n', undefined],
    ['# syntax=acme/frontend:1\nFROM x', "its frontend is acme/frontend:1, not BuildKit's Dockerfile frontend"],
    ['# escape=`\n# syntax=tonistiigi/dockerfile:x\nFROM x', "its frontend is tonistiigi/dockerfile:x, not BuildKit's Dockerfile frontend"],
    ['\uFEFF# syntax=example.invalid/frontend\nFROM x', "its frontend is example.invalid/frontend, not BuildKit's Dockerfile frontend"],
    ['#!/usr/bin/env buildctl\n# syntax=example.invalid/frontend\nFROM x', "its frontend is example.invalid/frontend, not BuildKit's Dockerfile frontend"],
    ['//syntax=example.invalid/frontend\nFROM x', "its frontend is example.invalid/frontend, not BuildKit's Dockerfile frontend"],
    ['{"syntax": "example.invalid/frontend"}', "its frontend is example.invalid/frontend, not BuildKit's Dockerfile frontend"]
  ])('%j', (df, reason) => {
    expect(notRewritable(df)).toBe(reason);
  });

  test('BUILDKIT_SYNTAX in build-args names the frontend as the directive does, and wins over it', () => {
    expect(notRewritable('# syntax=docker/dockerfile:1\nFROM x', { BUILDKIT_SYNTAX: 'acme/x' })).toMatch(/acme\/x/);
    expect(directives('# check=skip=all\n# syntax=docker/dockerfile:1\nFROM x').syntax).toBe('docker/dockerfile:1');
  });
});

describe('keys', () => {
  test('a step key depends on the ids and their parts, not on their order; it holds no part of a value', async () => {
    const value = Buffer.from('hunter2-hunter2-hunter2');
    const p1 = await secretParts([{ id: 'a', value }], 'acme/app');
    const p2 = await secretParts([{ id: 'a', value: Buffer.from('hunter2-hunter2-hunter3') }], 'acme/app');
    const p3 = await secretParts([{ id: 'a', value }], 'acme/other');
    expect(stepKey(['a'], p1)).toBe(stepKey(['a'], await secretParts([{ id: 'a', value }], 'acme/app')));
    expect(stepKey(['a'], p1)).not.toBe(stepKey(['a'], p2));
    expect(stepKey(['a'], p1)).not.toBe(stepKey(['a'], p3));
    expect(stepKey(['a', 'b'], parts)).toBe(stepKey(['b', 'a'], parts));
    expect(stepKey(['a'], parts)).not.toBe(stepKey(['a', 'b'], parts));
    expect(stepKey(['a'], p1)).toMatch(/^secret-build-key-[0-9a-f]{32}$/);
    expect(stepKey(['a'], p1)).not.toContain(value.toString('hex').slice(0, 8));
    expect(saltOf('a', 'acme/app')).not.toBe(saltOf('b', 'acme/app'));
  });
});

describe('buildName: the name buildx gives a local build (util/history/name.go)', () => {
  test.each([
    ['/w/app', '/w/app/Dockerfile', 'app'],
    ['/w/app', '/w/app/docker/prod.Dockerfile', 'app/docker/prod.Dockerfile'],
    ['/w/app', '/w/app/sub/Dockerfile', 'app/sub'],
    ['/w/app', '/elsewhere/build/Dockerfile', 'build'],
    ['/w/app', '/elsewhere/build/x.Dockerfile', 'build/x.Dockerfile']
  ])('context %s, file %s: %s', (context, file, name) => {
    expect(buildName(context, file)).toBe(name);
  });
});

describe('isolate: when the keys would not describe what buildx builds', () => {
  const base = (dir: string) => ({
    dockerfile: path.join(dir, 'Dockerfile'),
    context: dir,
    remoteContext: false,
    fileIsAbsolute: false,
    extraArgs: [] as string[],
    secrets: [{ id: 'a', input: 'secrets' as const, entry: 1, value: Buffer.from('value-of-a-0123456789') }],
    secretIds: ['a'],
    sshSecrets: [],
    buildArgs: {},
    work: dir,
    repository: 'acme/app'
  });
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-isolate-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM base\nRUN --mount=type=secret,id=a true\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a local Dockerfile is keyed, its .dockerignore and .rego copied beside the keyed file', async () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile.dockerignore'), 'x\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile.rego'), 'package docker\n');
    const r = await isolate(base(dir));
    expect(r).toEqual({ keyed: true, file: path.join(dir, 'dockerfile', 'Dockerfile'), name: path.basename(dir), lines: [2] });
    expect(fs.readFileSync(path.join(dir, 'dockerfile', 'Dockerfile.dockerignore'), 'utf8')).toBe('x\n');
    expect(fs.existsSync(path.join(dir, 'dockerfile', 'Dockerfile.rego'))).toBe(true);
  });

  test('with nothing beside the Dockerfile, buildx reads the keyed text on its standard input: the same text a keyed file holds, resolved only once the keys are', async () => {
    let release!: (m: Map<string, Buffer> | undefined) => void;
    const parts = new Promise<Map<string, Buffer> | undefined>((r) => (release = r));
    const r = await isolate({ ...base(dir), parts });
    expect(r).toMatchObject({ keyed: true, file: '-', name: path.basename(dir), lines: [2] });
    expect(fs.existsSync(path.join(dir, 'dockerfile'))).toBe(false);
    const stdin = (r as { stdin: Promise<string> }).stdin;
    let text: string | undefined;
    void stdin.then((t) => (text = t));
    await new Promise((res) => setTimeout(res, 20));
    expect(text).toBeUndefined();
    release(undefined);
    fs.writeFileSync(path.join(dir, 'Dockerfile.dockerignore'), '');
    const asFile = await isolate(base(dir));
    expect(await stdin).toBe(fs.readFileSync((asFile as { file: string }).file, 'utf8'));
    expect(await stdin).toMatch(/^RUN --mount=type=secret,id=secret-build-key-[0-9a-f]{32},required=false --mount=type=secret,id=a true$/m);
  });

  test('another file name stays a keyed file of that name: buildx would call what it reads on stdin `Dockerfile`', async () => {
    fs.renameSync(path.join(dir, 'Dockerfile'), path.join(dir, 'app.Dockerfile'));
    const r = await isolate({ ...base(dir), dockerfile: path.join(dir, 'app.Dockerfile') });
    expect(r).toEqual({ keyed: true, file: path.join(dir, 'dockerfile', 'app.Dockerfile'), name: `${path.basename(dir)}/app.Dockerfile`, lines: [2] });
  });

  test('keys that cannot be derived reject the text, and nothing else: no unhandled rejection', async () => {
    const r = await isolate({ ...base(dir), secrets: [], parts: Promise.resolve(undefined) });
    await expect((r as { stdin: Promise<string> }).stdin).rejects.toThrow(/no key part for secret "a"/);
  });

  test.each([
    [{ remoteContext: true }, "a remote context's Dockerfile is read from the repository"],
    [{ extraArgs: ['--file=other'] }, 'extra-args sets --file, which the keys would not see'],
    [{ extraArgs: ['-f', 'other'] }, 'extra-args sets -f, which the keys would not see'],
    [{ extraArgs: ['--build-arg', 'X=1'] }, 'extra-args sets --build-arg, which the keys would not see'],
    // pflag's short groups: the file after -f in the same word, or after -q (buildx takes the last --file given).
    [{ extraArgs: ['-fOther.Dockerfile'] }, 'extra-args sets -f, which the keys would not see'],
    [{ extraArgs: ['-qf', 'Other.Dockerfile'] }, 'extra-args sets -f, which the keys would not see'],
    [{ extraArgs: ['-qfOther.Dockerfile'] }, 'extra-args sets -f, which the keys would not see']
  ])('%j: not keyed', async (more, why) => {
    expect(await isolate({ ...base(dir), ...more })).toEqual({ keyed: false, reason: why });
  });

  test('a remote context with an absolute file: that runner file is what buildx reads, so it is keyed', async () => {
    expect(await isolate({ ...base(dir), remoteContext: true, fileIsAbsolute: true })).toMatchObject({ keyed: true, lines: [2] });
  });
});

describe('isolate: a Dockerfile without mounts', () => {
  test('is keyed trivially, without the parser; a --mount split by a line continuation is not missed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-isolate-'));
    try {
      const q = {
        dockerfile: path.join(dir, 'Dockerfile'),
        context: dir,
        remoteContext: false,
        fileIsAbsolute: false,
        extraArgs: [],
        secretIds: ['a'],
        sshSecrets: [],
        buildArgs: {},
        work: dir,
        repository: ''
      };
      const secrets = [{ id: 'a', input: 'secrets' as const, entry: 1, value: Buffer.from('value-of-a-0123456789') }];
      fs.writeFileSync(q.dockerfile, 'FROM base\nRUN echo no mounts\n');
      expect(await isolate({ ...q, secrets })).toEqual({ keyed: true, lines: [] });
      fs.writeFileSync(q.dockerfile, 'FROM base\nRUN --mo\\\nunt=type=secret,id=a true\n');
      expect(await isolate({ ...q, secrets })).toMatchObject({ keyed: true, lines: [2] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
