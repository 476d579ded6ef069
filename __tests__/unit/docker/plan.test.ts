/**
 * planBuilds: the build that reads the secrets exports only to the runner (OCI tarball or an untagged
 * loaded image, file outputs beside their destination, a local mode=max cache), and the cached rebuild
 * without secrets does the user's publishing. Table-driven over (inputs, mode, builder), plus a property.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { InputError } from '../../../src/errors.js';
import { formatOutput, isFileOutput, isPush, parseOutput, type OutputSpec } from '../../../src/docker/outputs.js';
import { planBuilds, pushedNames, pushes, type BuilderInfo, type PlannedTarget } from '../../../src/docker/plan.js';
import { parseCall } from '../../../src/inputs/call.js';
import type { LeakCheck } from '../../../src/inputs/read.js';
import type { BuildInputs } from '../../../src/inputs/table.js';
import { emptyBuildInputs } from '../../support/build-inputs.js';

// Outside the working directory, so relative file outputs are outside the context (see the in-context case).
const empty: BuildInputs = emptyBuildInputs({ context: '/ctx' });

const WORK = '/runner/_temp/secret-build-work';
const SUFFIX = 'secret-build-0a1b2c3d4e5f';
const DOCKER_C8D: BuilderInfo = { driver: 'docker', ociExport: true };
const DOCKER_CLASSIC: BuilderInfo = { driver: 'docker', ociExport: false };
const CONTAINER: BuilderInfo = { driver: 'docker-container', ociExport: true };
const BUILDERS = [DOCKER_C8D, DOCKER_CLASSIC, CONTAINER];

const IMAGE_TAR = `${WORK}/image.tar`;
const OCI_OUT = `type=oci,dest=${IMAGE_TAR}`;
const IMAGE: PlannedTarget = { kind: 'tar', path: IMAGE_TAR, label: 'image (OCI export)' };
const LOADED: PlannedTarget = { kind: 'loaded-image', label: 'image (loaded untagged)' };
const CACHE_OUT = `type=local,dest=${WORK}/cache,mode=max`;
const CACHE: PlannedTarget = { kind: 'dir', path: `${WORK}/cache`, label: 'build cache (mode=max)', layout: true };
const dir = (dest: string): PlannedTarget => ({ kind: 'dir', path: `${dest}.${SUFFIX}`, label: `output ${dest}` });
const tar = (dest: string): PlannedTarget => ({ kind: 'tar', path: `${dest}.${SUFFIX}`, label: `output ${dest}` });
const move = (dest: string) => ({ from: `${dest}.${SUFFIX}`, to: dest });

const plan = (inputs: Partial<BuildInputs>, mode: LeakCheck = 'error', builder: BuilderInfo = CONTAINER) =>
  planBuilds({ ...empty, ...inputs }, mode, builder, WORK, SUFFIX);

interface Row {
  name: string;
  inputs: Partial<BuildInputs>;
  builder?: BuilderInfo;
  mode?: LeakCheck;
  /** What the verify build exports; everything else of it is the inputs with tags, push and load off. */
  verify: { outputs: string[]; cacheTo?: string[] };
  targets: PlannedTarget[];
  moves?: { from: string; to: string }[];
  /** The publish build's outputs; the rest of it is the inputs with no-cache and pull off. Absent: no publish. */
  publish?: string[];
}

const ROWS: Row[] = [
  {
    name: 'push: verify exports an OCI tarball only; publish pushes the tags, cached (no-cache and pull off)',
    inputs: { push: true, tags: ['ghcr.io/o/app:1', 'ghcr.io/o/app:latest'], 'no-cache': true, pull: true, 'build-args': ['A=1'], platforms: ['linux/amd64'] },
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: []
  },
  {
    name: 'push with the docker driver on the containerd store: same plan',
    inputs: { push: true, tags: ['r/a:1'] },
    builder: DOCKER_C8D,
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: []
  },
  {
    name: 'load: verify exports an OCI tarball only; publish loads with the tags',
    inputs: { load: true, tags: ['app:dev'], 'no-cache': true },
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: []
  },
  {
    name: 'push and load together',
    inputs: { push: true, load: true, tags: ['r/a:1'] },
    mode: 'warn',
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: []
  },
  {
    name: 'no outputs, docker driver: publish with no outputs (the docker driver loads by default)',
    inputs: { tags: ['app:1'] },
    builder: DOCKER_C8D,
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: []
  },
  {
    name: 'no outputs, docker-container driver: the result stays in the build cache, nothing to publish',
    inputs: { tags: ['app:1'] },
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE]
  },
  {
    name: 'no outputs, docker driver on the classic store: verify loads the image untagged',
    inputs: {},
    builder: DOCKER_CLASSIC,
    verify: { outputs: ['type=docker'] },
    targets: [LOADED],
    publish: []
  },
  {
    name: 'push on the classic store: verify loads untagged, publish pushes',
    inputs: { push: true, tags: ['r/a:1'] },
    builder: DOCKER_CLASSIC,
    verify: { outputs: ['type=docker'] },
    targets: [LOADED],
    publish: []
  },
  {
    name: 'a local and a tar output: written beside their dest, moved into place; no image, no publish',
    inputs: { outputs: ['type=local,dest=out', 'type=tar,dest=/abs/ctx.tar'] },
    verify: { outputs: [`type=local,dest=out.${SUFFIX}`, `type=tar,dest=/abs/ctx.tar.${SUFFIX}`] },
    targets: [dir('out'), tar('/abs/ctx.tar')],
    moves: [move('out'), move('/abs/ctx.tar')]
  },
  {
    name: 'file outputs with the docker driver: an output is given, so no default load and no publish',
    inputs: { outputs: ['type=local,dest=out'] },
    builder: DOCKER_C8D,
    verify: { outputs: [`type=local,dest=out.${SUFFIX}`] },
    targets: [dir('out')],
    moves: [move('out')]
  },
  {
    name: 'a bare path is a local output',
    inputs: { outputs: ['dist/site'] },
    verify: { outputs: [`type=local,dest=dist/site.${SUFFIX}`] },
    targets: [dir('dist/site')],
    moves: [move('dist/site')]
  },
  {
    name: 'type=oci,tar=false is a directory; other attributes are kept in place',
    inputs: { outputs: ['type=oci,dest=x,tar=false', 'type=oci,tar=FALSE,dest=y,name=app:1'] },
    verify: { outputs: [`type=oci,dest=x.${SUFFIX},tar=false`, `type=oci,tar=FALSE,dest=y.${SUFFIX},name=app:1`] },
    targets: [dir('x'), dir('y')],
    moves: [move('x'), move('y')]
  },
  {
    name: 'type=oci and type=docker with dest are tarballs; tar=true stays a tarball',
    inputs: { outputs: ['type=oci,dest=img.tar', 'type=docker,dest=d.tar', 'type=oci,dest=t.tar,tar=true'] },
    verify: { outputs: [`type=oci,dest=img.tar.${SUFFIX}`, `type=docker,dest=d.tar.${SUFFIX}`, `type=oci,dest=t.tar.${SUFFIX},tar=true`] },
    targets: [tar('img.tar'), tar('d.tar'), tar('t.tar')],
    moves: [move('img.tar'), move('d.tar'), move('t.tar')]
  },
  {
    name: 'a dest with a comma stays one quoted field',
    inputs: { outputs: ['type=local,"dest=a,b"'] },
    verify: { outputs: [`type=local,"dest=a,b.${SUFFIX}"`] },
    targets: [dir('a,b')],
    moves: [move('a,b')]
  },
  {
    name: 'a file output and push: verify writes both to the runner; publish pushes without the file output',
    inputs: { outputs: ['type=local,dest=out'], push: true, tags: ['r/a:1'] },
    verify: { outputs: [`type=local,dest=out.${SUFFIX}`, OCI_OUT] },
    targets: [dir('out'), IMAGE],
    moves: [move('out')],
    publish: []
  },
  {
    name: 'an image output that pushes: verify exports the tarball, publish keeps the output',
    inputs: { outputs: ['type=image,name=r/a:1,push=true'] },
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: ['type=image,name=r/a:1,push=true']
  },
  {
    name: 'a registry output next to a tar output',
    inputs: { outputs: ['type=tar,dest=fs.tar', 'type=registry,"name=r/a:1,r/a:2"'] },
    verify: { outputs: [`type=tar,dest=fs.tar.${SUFFIX}`, OCI_OUT] },
    targets: [tar('fs.tar'), IMAGE],
    moves: [move('fs.tar')],
    publish: ['type=registry,"name=r/a:1,r/a:2"']
  },
  {
    name: 'type=docker without dest (a load) is published, not written by verify',
    inputs: { outputs: ['type=docker,name=app:1'] },
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: ['type=docker,name=app:1']
  },
  {
    name: 'type=cacheonly is published as it is',
    inputs: { outputs: ['type=cacheonly'] },
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: ['type=cacheonly']
  },
  {
    name: 'a file output and an image load on the classic store',
    inputs: { outputs: ['type=local,dest=out'], load: true },
    builder: DOCKER_CLASSIC,
    verify: { outputs: [`type=local,dest=out.${SUFFIX}`, 'type=docker'] },
    targets: [dir('out'), LOADED],
    moves: [move('out')],
    publish: []
  },
  {
    name: 'cache-to mode=max: verify exports a local mode=max cache under work (a layout dir); the user cache only in publish',
    inputs: { push: true, 'cache-to': ['type=registry,ref=r/a:cache,mode=max'], 'cache-from': ['type=registry,ref=r/a:cache'] },
    verify: { outputs: [OCI_OUT], cacheTo: [CACHE_OUT] },
    targets: [IMAGE, CACHE],
    publish: []
  },
  {
    name: 'cache-to mode=max alone: publish exports the cache',
    inputs: { 'cache-to': ['mode=max,type=gha'] },
    verify: { outputs: [OCI_OUT], cacheTo: [CACHE_OUT] },
    targets: [IMAGE, CACHE],
    publish: []
  },
  {
    name: 'several cache-to, one of them mode=max: one local cache export',
    inputs: { 'cache-to': ['type=inline', 'type=local,dest=/tmp/c,mode=max', 'type=gha,mode=max,scope=x'] },
    // inline cache is part of the image config: the scanned image carries it as the published one will
    verify: { outputs: [OCI_OUT], cacheTo: [CACHE_OUT, 'type=inline'] },
    targets: [IMAGE, CACHE],
    publish: []
  },
  {
    name: 'cache-to mode=min: no cache export in verify',
    inputs: { 'cache-to': ['type=gha,mode=min'] },
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: []
  },
  {
    name: 'cache-to inline / without a mode: no cache export in verify, inline cache kept in the image',
    inputs: { 'cache-to': ['type=inline', 'type=registry,ref=r/a:cache'], push: true },
    verify: { outputs: [OCI_OUT], cacheTo: ['type=inline'] },
    targets: [IMAGE],
    publish: []
  },
  {
    name: 'cache-to mode=maximum is not mode=max',
    inputs: { 'cache-to': ['type=gha,mode=maximum'] },
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: []
  },
  {
    name: 'cache-to with file outputs only: publish exports the cache, outputs without the files',
    inputs: { outputs: ['type=local,dest=out'], 'cache-to': ['type=gha,mode=max'] },
    verify: { outputs: [`type=local,dest=out.${SUFFIX}`], cacheTo: [CACHE_OUT] },
    targets: [dir('out'), CACHE],
    moves: [move('out')],
    publish: ['type=cacheonly']
  },
  {
    name: 'extra-args that do not publish pass through to both builds',
    inputs: { push: true, 'extra-args': ['--ssh=default', '--progress', 'plain', '--attest', 'type=sbom', '-f', 'Dockerfile.ci', '-q'] },
    mode: 'warn',
    verify: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: []
  }
];

describe('planBuilds', () => {
  test.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const b: BuildInputs = { ...empty, ...row.inputs };
    const p = planBuilds(b, row.mode ?? 'error', row.builder ?? CONTAINER, WORK, SUFFIX);
    expect(p.verify).toEqual({ ...b, tags: [], push: false, load: false, outputs: row.verify.outputs, 'cache-to': row.verify.cacheTo ?? [] });
    expect(p.targets).toEqual(row.targets);
    expect(p.moves).toEqual(row.moves ?? []);
    if (row.publish === undefined) expect(p.publish).toBeUndefined();
    else expect(p.publish).toEqual({ ...b, outputs: row.publish, 'no-cache': false, pull: false });
  });

  test('a file output inside the build context is exported to the work dir, so the publishing build sees the same context', () => {
    const p = planBuilds(
      { ...empty, context: '.', outputs: ['type=local,dest=out', 'type=tar,dest=/elsewhere/x.tar'], push: true },
      'error',
      CONTAINER,
      WORK,
      SUFFIX
    );
    expect(p.moves).toEqual([
      { from: `${WORK}/output-0`, to: 'out' },
      { from: `/elsewhere/x.tar.${SUFFIX}`, to: '/elsewhere/x.tar' }
    ]);
    expect(p.verify.outputs.slice(0, 2)).toEqual([`type=local,dest=${WORK}/output-0`, `type=tar,dest=/elsewhere/x.tar.${SUFFIX}`]);
  });

  test('the same plan under error and warn', () => {
    for (const row of ROWS) {
      const b: BuildInputs = { ...empty, ...row.inputs };
      expect(planBuilds(b, 'warn', row.builder ?? CONTAINER, WORK, SUFFIX)).toEqual(planBuilds(b, 'error', row.builder ?? CONTAINER, WORK, SUFFIX));
    }
  });

  test('leak-check off: the inputs unchanged, nothing to scan, no publish', () => {
    for (const row of ROWS) {
      for (const builder of BUILDERS) {
        const b: BuildInputs = { ...empty, ...row.inputs, 'extra-args': ['--push', '-o', 'type=registry'] };
        const p = planBuilds(b, 'off', builder, WORK, SUFFIX);
        expect(p.verify).toBe(b);
        expect(p).toEqual({ verify: b, targets: [], moves: [] });
        expect(p.publish).toBeUndefined();
      }
    }
  });

  test('the inputs are not modified', () => {
    const b: BuildInputs = { ...empty, push: true, tags: ['r/a:1'], outputs: ['type=local,dest=out'], 'cache-to': ['type=gha,mode=max'] };
    const copy = structuredClone(b);
    plan(b);
    expect(b).toEqual(copy);
  });

  describe('dest=- (the build result into the log) is refused in every mode', () => {
    const modes: LeakCheck[] = ['error', 'warn', 'off'];
    test.each(modes.flatMap((mode) => ['-', 'type=tar,dest=-', 'type=oci,dest=-', 'type=docker,DEST=-', 'type=local,dest=-'].map((o) => [mode, o] as const)))(
      '%s: %s',
      (mode, o) => {
        for (const builder of BUILDERS) {
          const run = () => plan({ outputs: ['type=local,dest=ok', o], push: true }, mode, builder);
          expect(run).toThrow(InputError);
          expect(run).toThrow(
            'input "outputs", entry 2: this output goes to stdout, which would write the build result into the log: give dest= a file or directory'
          );
        }
      }
    );
  });

  test('an invalid output is an InputError in every mode, naming the entry', () => {
    for (const mode of ['error', 'warn', 'off'] as const) {
      expect(() => plan({ outputs: ['out', 'dest=x,push=true'] }, mode)).toThrow('input "outputs", entry 2: the output has no type=');
    }
  });

  describe('extra-args that publish around the leak guard', () => {
    const REFUSED: [string[], number][] = [
      [['--push'], 1],
      [['--push=true'], 1],
      [['--load'], 1],
      [['--load=true'], 1],
      [['-o', 'type=registry'], 1],
      [['-otype=registry'], 1],
      [['-o=type=registry'], 1],
      [['--output', 'type=registry'], 1],
      [['--output=type=image,push=true'], 1],
      [['-t', 'r/a:1'], 1],
      [['-tr/a:1'], 1],
      [['--tag', 'r/a:1'], 1],
      [['--tag=r/a:1'], 1],
      [['--cache-to', 'type=gha,mode=max'], 1],
      [['--cache-to=type=registry,ref=r/a:c'], 1],
      [['--ssh=default', '--progress=plain', '--push'], 3],
      [['--build-arg', 'X=1', '-t', 'x'], 3]
    ];
    const modes: LeakCheck[] = ['error', 'warn'];
    test.each(modes.flatMap((mode) => REFUSED.map(([args, entry]) => [mode, args.join(' '), args, entry] as const)))(
      '%s: %s is refused',
      (mode, _text, args, entry) => {
        const run = () => plan({ 'extra-args': args, push: true }, mode);
        expect(run).toThrow(InputError);
        expect(run).toThrow(
          new RegExp(`^input "extra-args", entry ${entry}: this flag publishes the build: use the push, load, tags, outputs or cache-to input`)
        );
      }
    );

    test.each(REFUSED.map(([args]) => [args.join(' '), args] as const))('off: %s is allowed and passed through', (_text, args) => {
      const b: BuildInputs = { ...empty, 'extra-args': args };
      expect(planBuilds(b, 'off', CONTAINER, WORK, SUFFIX).verify['extra-args']).toEqual(args);
    });

    test.each([
      ['--ssh=default'],
      ['--ssh', 'default'],
      ['--progress=plain'],
      ['--attest', 'type=provenance,mode=max'],
      ['--allow', 'network.host'],
      ['--target', 'test', '-f', 'ci/Dockerfile'],
      ['--secret', 'id=x,env=X'],
      ['--iidfile', '/tmp/iid'],
      ['-q'],
      ['--shm-size=2g', '--ulimit', 'nofile=1024:1024']
    ])('%s passes through to verify and publish', (...args) => {
      const p = plan({ 'extra-args': args, push: true });
      expect(p.verify['extra-args']).toEqual(args);
      expect(p.publish?.['extra-args']).toEqual(args);
    });

    test('an error names the entry number only, never the entry text', () => {
      let message = '';
      try {
        plan({ 'extra-args': ['--label', 'x', '--output=type=registry,name=ghcr.io/o/tok-0123456789abcdef'] });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^input "extra-args", entry 3: /);
      expect(message).not.toContain('tok-0123456789abcdef');
      expect(message).not.toContain('--output');
    });

    // pflag reads combined shorthands: `-qo type=registry` is -q then -o type=registry, and `-qt x`
    // is -q then -t x (buildx build has -q/--quiet). The check only looks at entries starting with
    // `-o`/`-t`, so these publish from the build that reads the secrets, before any scan.
    // Suggested fix (src/docker/plan.ts:88, refusePublishingExtraArgs): for an entry `-XYZ` (one dash, not `--`), refuse when
    // any of its shorthand letters up to the first one that takes a value is o or t (or simply when
    // it contains o or t before an `=`).
    test('combined shorthands (-qo type=registry) are refused', () => {
      expect(() => plan({ 'extra-args': ['-qo', 'type=registry'] })).toThrow(InputError);
    });
    test('combined shorthands (-qt r/a:1) are refused', () => {
      expect(() => plan({ 'extra-args': ['-qt', 'r/a:1'] })).toThrow(InputError);
    });
  });

  // buildx lowercases cache-to keys and reads them as CSV (util/buildflags/cache.go:
  // `key := strings.ToLower(parts[0])`, csvvalue.Fields), so `MODE=max` and `"mode=max"` are
  // mode=max exports. The check in plan.ts is a case-sensitive regex on the raw text, so these
  // get no scanned local mode=max export in verify, yet the publish build exports every
  // intermediate layer (builder stages that used the secrets) to the user's cache, unscanned.
  // Suggested fix (src/docker/plan.ts:60, maxCache): parse each cache-to entry like parseOutput (CSV,
  // trimmed lower-case keys) and test attrs.get('mode') === 'max'.
  describe('cache-to mode=max spelled as buildx also reads it', () => {
    test.each(['type=registry,ref=r/a:cache,MODE=max', 'type=gha,Mode=max', 'type=registry,"ref=r/a:cache","mode=max"'])('%s', (c) => {
      const p = plan({ push: true, 'cache-to': [c] });
      expect(p.verify['cache-to']).toEqual([CACHE_OUT]);
      expect(p.targets).toContainEqual(CACHE);
    });
  });

  // buildx writes a tar or oci export without dest (or with an empty one) to stdout, like dest=-
  // (build/opt.go CreateExports: `if entry.Destination == "" && out.Type != client.ExporterDocker {
  // entry.Destination = "-" }`), and runStreamed prints docker's stdout into the log. dest=- is
  // refused in every mode; these are the same thing spelled differently and go through: with the
  // guard off the build result (an OCI tarball's compressed layers are not matched by the scrubber)
  // goes straight into the log, with it on the publish build does it after the scan.
  // Suggested fix (src/docker/plan.ts:41-43, the dest=- check): refuse when (type is tar or oci) and dest is absent or
  // '' or '-'.
  describe('tar and oci outputs without dest (stdout) are refused like dest=-', () => {
    test.each(['type=tar', 'type=oci', 'type=tar,dest=', 'type=oci,name=app:1'])('%s', (o) => {
      for (const mode of ['error', 'off'] as const) {
        expect(() => plan({ outputs: [o] }, mode)).toThrow(
          'input "outputs", entry 1: this output goes to stdout, which would write the build result into the log'
        );
      }
    });
  });

  // BuildKit's oci/docker exporters read tar= with strconv.ParseBool (f and F are false), so
  // `tar=f` writes a directory; plan.ts calls it a tarball and the scanner then fails to read a
  // directory as a tar (fail closed: the step fails with an unreadable result).
  // Suggested fix (src/docker/plan.ts:83, isDirOutput): /^(false|0|f)$/i.
  test('type=oci,dest=x,tar=f is a directory (BuildKit ParseBool)', () => {
    expect(plan({ outputs: ['type=oci,dest=x,tar=f'] }).targets).toEqual([dir('x')]);
  });

  // With the docker driver, an empty output list means "load into the daemon" (buildx build.go:
  // `case 0: if nodeDriver.IsMobyDriver() ... Exports = [{Type: "image"}]`). When every user output
  // is a file output and cache-to is set, the publish build is given no outputs at all and so loads
  // an (untagged) image the user did not ask for and that was not scanned as an image.
  // Suggested fix (src/docker/plan.ts:77-79, publishBuild): give the publish build `type=cacheonly` when the user had
  // outputs but none of them is published by it.
  test('docker driver, file outputs only and cache-to: publish does not fall back to loading an image', () => {
    const p = plan({ outputs: ['type=local,dest=out'], 'cache-to': ['type=gha,mode=min'] }, 'error', DOCKER_C8D);
    expect(p.publish?.outputs).not.toEqual([]);
  });
});

describe('pushes', () => {
  test.each<[Partial<BuildInputs>, boolean]>([
    [{ push: true }, true],
    [{ outputs: ['type=registry'] }, true],
    [{ outputs: ['type=local,dest=out', 'type=image,name=r/a,push=true'] }, true],
    [{ load: true }, false],
    [{ outputs: ['type=image,name=r/a'] }, false],
    [{ outputs: ['type=local,dest=out'] }, false],
    [{}, false]
  ])('%j → %s', (inputs, expected) => {
    expect(pushes({ ...empty, ...inputs })).toBe(expected);
  });
});

describe('pushedNames', () => {
  test.each<[Partial<BuildInputs>, string[]]>([
    [{ push: true, tags: ['r/a:1', 'r/a:2'] }, ['r/a:1', 'r/a:2']],
    [{ tags: ['r/a:1'], outputs: ['type=registry'] }, ['r/a:1']],
    // build-push-action's multi-output: the type=docker name is loaded, not pushed.
    [{ outputs: ['type=image,name=r/a:latest,push=true', 'type=docker,name=app:local', 'type=oci,dest=/tmp/o.tar'] }, ['r/a:latest']],
    [{ outputs: ['type=image,"name=r/a:1,r/b:1",push=true'] }, ['r/a:1', 'r/b:1']],
    [{ tags: ['r/a:1'], load: true }, []],
    [{}, []]
  ])('%j → %j', (inputs, expected) => {
    expect(pushedNames({ ...empty, ...inputs })).toEqual(expected);
  });
});

describe('planBuilds (property)', () => {
  const dest = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_./ -]{0,14}$/).filter((d) => d !== '-' && !d.includes('='));
  const fileSpec = fc
    .tuple(
      fc.constantFrom('local', 'tar', 'oci', 'docker'),
      dest,
      fc.constantFrom<[string, string][]>([], [['tar', 'false']], [['tar', 'true']], [['name', 'app:1']])
    )
    .map(([type, d, extra]): OutputSpec => ({ type, attrs: new Map([['dest', d], ...extra]) }));
  const fileOutput = fc.oneof(
    fileSpec.map(formatOutput),
    dest.filter((d) => !d.includes(',')), // bare path
    fileSpec.map((o) => formatOutput(o).replace('type=', 'TYPE=').replace('dest=', 'Dest='))
  );
  const otherOutput = fc.constantFrom(
    'type=image,name=r/a:1,push=true',
    'type=registry',
    'type=registry,"name=r/a:1,r/a:2"',
    'type=image,name=r/a',
    'type=image,push=false',
    'type=docker',
    'type=docker,name=app:1',
    'type=cacheonly'
  );
  const cacheTo = fc.constantFrom(
    'type=registry,ref=r/a:cache,mode=max',
    'type=gha,mode=min',
    'type=gha,mode=max,scope=b',
    'type=inline',
    'type=local,dest=/tmp/c,mode=max',
    'type=s3,region=eu-west-1,bucket=b,mode=max',
    'r/a:cache'
  );
  const inputs = fc.record({
    push: fc.boolean(),
    load: fc.boolean(),
    tags: fc.array(fc.constantFrom('r/a:1', 'r/a:latest', 'app:dev'), { maxLength: 2 }),
    outputs: fc.array(fc.oneof(fileOutput, otherOutput), { maxLength: 4 }),
    'cache-to': fc.array(cacheTo, { maxLength: 3 }),
    'no-cache': fc.boolean(),
    pull: fc.boolean()
  });

  test('the verify build never pushes, loads, tags, exports a cache outside work, nor writes to a user dest', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom(...BUILDERS), fc.constantFrom<LeakCheck>('error', 'warn'), (over, builder, mode) => {
        const b: BuildInputs = { ...empty, ...over };
        const user = b.outputs.map((o, k) => parseOutput(o, k + 1));
        // A trailing slash names the same destination (`out/` is `out`).
        const userDests = new Set(user.filter(isFileOutput).map((o) => o.attrs.get('dest')!.replace(/(.)\/+$/, '$1')));
        const p = planBuilds(b, mode, builder, WORK, SUFFIX);
        const v = p.verify;

        expect(v.push).toBe(false);
        expect(v.load).toBe(false);
        expect(v.tags).toEqual([]);
        // Only under work, or inline (in the image config, which stays in the OCI export under work).
        for (const c of v['cache-to']) expect([CACHE_OUT, 'type=inline']).toContain(c);
        expect(v['extra-args']).toEqual(b['extra-args']);

        for (const o of v.outputs.map((s, k) => parseOutput(s, k + 1))) {
          expect(isPush(o)).toBe(false);
          expect(['local', 'tar', 'oci', 'docker']).toContain(o.type);
          const d = o.attrs.get('dest');
          if (d === undefined) {
            // only the classic store's untagged load
            expect(formatOutput(o)).toBe('type=docker');
            expect(builder.ociExport).toBe(false);
            continue;
          }
          expect(userDests.has(d)).toBe(false);
          const underWork = d.startsWith(`${WORK}/`);
          const beside = d.endsWith(`.${SUFFIX}`) && userDests.has(d.slice(0, -SUFFIX.length - 1));
          expect(underWork || beside).toBe(true);
        }

        for (const t of p.targets) if (t.kind !== 'loaded-image') expect(t.path.startsWith(`${WORK}/`) || t.path.endsWith(`.${SUFFIX}`)).toBe(true);
        for (const m of p.moves) {
          expect(m.from).toBe(`${m.to}.${SUFFIX}`);
          expect(userDests.has(m.to)).toBe(true);
        }

        // Everything the user publishes is left to the publish build, and no file output.
        const others = user.filter((o) => !isFileOutput(o)).map(formatOutput);
        if (p.publish) {
          // With only file outputs left to move, cacheonly keeps the docker driver from loading an unasked-for image.
          const onlyCache = !b.push && !b.load && others.length === 0 && user.length > 0;
          expect(p.publish.outputs).toEqual(onlyCache ? ['type=cacheonly'] : others);
          expect(p.publish['no-cache']).toBe(false);
          expect(p.publish.pull).toBe(false);
          expect(p.publish.push).toBe(b.push);
          expect(p.publish.load).toBe(b.load);
          expect(p.publish.tags).toEqual(b.tags);
          expect(p.publish['cache-to']).toEqual(b['cache-to']);
        } else {
          expect(b.push || b.load || others.length > 0 || b['cache-to'].length > 0).toBe(false);
        }
      })
    );
  });
});

describe('call', () => {
  test.each([
    ['check', 'check'],
    ['check,format=json', 'check'],
    ['format=json,build', 'build'],
    ['outline', 'outline'],
    [' targets , ignorestatus=true ', 'targets']
  ])('%s is read as buildx reads it: %s', (call, method) => {
    expect(parseCall(call)).toBe(method);
  });

  test.each(['"build"', 'Build', 'check,build', 'check,foo=bar', 'subrequests.describe', 'format=yaml'])('%s is refused: it could read differently', (call) => {
    expect(() => parseCall(call)).toThrow(/^input "call": expected one of build, check, outline, targets/);
  });

  test('call: check builds nothing, so nothing is exported, pushed, loaded or tagged, whatever else is asked', () => {
    const p = plan({ call: 'check', push: true, load: true, tags: ['r/a:1'], outputs: ['type=registry'], 'cache-to': ['type=gha,mode=max'] });
    expect(p.verify).toMatchObject({ push: false, load: false, tags: [], outputs: [], 'cache-to': [] });
    expect(p.publish).toBeUndefined();
  });

  test('extra-args are checked before a call: check plan returns', () => {
    expect(() => plan({ call: 'check', 'extra-args': ['--push'] })).toThrow(/input "extra-args", entry 1: this flag publishes/);
  });
});
