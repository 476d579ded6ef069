/**
 * planGuard: the one build exports only to the runner (an OCI tarball or, on the classic
 * store, an untagged load; file outputs beside their destination; each cache as a local
 * layout), and the publication says where exactly those scanned bytes go. Table-driven over
 * (inputs, builder), plus properties.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { BuilderInfo } from '../../../src/docker/builder.js';
import { formatOutput, isFileOutput, isPush, parseOutput, type OutputSpec } from '../../../src/docker/output-spec.js';
import { ActionError, InputError } from '../../../src/errors.js';
import { parseCall } from '../../../src/inputs/call.js';
import type { LeakCheck } from '../../../src/inputs/read.js';
import type { BuildInputs } from '../../../src/inputs/table.js';
import { CLASSIC_MULTI_PLATFORM, needsSkopeo, planGuard, type PlannedTarget, type Publication } from '../../../src/leak-guard/plan.js';
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
const OCI = { kind: 'oci' as const, path: IMAGE_TAR };
const dir = (dest: string): PlannedTarget => ({ kind: 'dir', path: `${dest}.${SUFFIX}`, label: `output ${dest}` });
const tar = (dest: string): PlannedTarget => ({ kind: 'tar', path: `${dest}.${SUFFIX}`, label: `output ${dest}` });
const move = (dest: string) => ({ from: `${dest}.${SUFFIX}`, to: dest });
const push = (name: string, more: { byDigest?: boolean; insecure?: boolean } = {}) => ({ name, byDigest: false, insecure: false, ...more });
const cacheDir = (k: number, label = `build cache ${k + 1}`): PlannedTarget => ({ kind: 'dir', path: `${WORK}/cache-${k}`, label, layout: true });

const plan = (inputs: Partial<BuildInputs>, mode: LeakCheck = 'error', builder: BuilderInfo = CONTAINER) =>
  planGuard({ ...empty, ...inputs }, mode, builder, WORK, SUFFIX);

interface Row {
  name: string;
  inputs: Partial<BuildInputs>;
  builder?: BuilderInfo;
  /** What the one build exports; everything else of it is the inputs with tags, push and load off. */
  build: { outputs: string[]; cacheTo?: string[] };
  targets: PlannedTarget[];
  publish: Partial<Publication>;
}

const ROWS: Row[] = [
  {
    name: 'push: the build exports an OCI tarball only; each tag gets the scanned export',
    inputs: { push: true, tags: ['ghcr.io/o/app:1', 'ghcr.io/o/app:latest'], 'no-cache': true, pull: true, 'build-args': ['A=1'], platforms: ['linux/amd64'] },
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI, pushes: [push('ghcr.io/o/app:1'), push('ghcr.io/o/app:latest')] }
  },
  {
    name: 'push to a loopback registry: plain HTTP is allowed there, as dockerd allows it',
    inputs: { push: true, tags: ['127.0.0.1:5000/a:1', 'localhost:5000/a:1'] },
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI, pushes: [push('127.0.0.1:5000/a:1', { insecure: true }), push('localhost:5000/a:1', { insecure: true })] }
  },
  {
    name: 'load: the export is loaded with the tags',
    inputs: { load: true, tags: ['app:dev'], 'no-cache': true },
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI, load: ['app:dev'] }
  },
  {
    name: 'push and load together: one export, both',
    inputs: { push: true, load: true, tags: ['r/a:1'] },
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI, pushes: [push('r/a:1')], load: ['r/a:1'] }
  },
  {
    name: 'no outputs, docker driver: loaded with the tags (the docker driver loads by default)',
    inputs: { tags: ['app:1'] },
    builder: DOCKER_C8D,
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI, load: ['app:1'] }
  },
  {
    name: 'no outputs, docker-container driver: scanned, nothing published',
    inputs: { tags: ['app:1'] },
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI }
  },
  {
    name: 'no outputs, docker driver on the classic store: loaded untagged, and that is all',
    inputs: {},
    builder: DOCKER_CLASSIC,
    build: { outputs: ['type=docker'] },
    targets: [LOADED],
    publish: { image: { kind: 'loaded' }, load: [] }
  },
  {
    name: 'push on the classic store: the loaded image is pushed by the engine',
    inputs: { push: true, tags: ['r/a:1'] },
    builder: DOCKER_CLASSIC,
    build: { outputs: ['type=docker'] },
    targets: [LOADED],
    publish: { image: { kind: 'loaded' }, pushes: [push('r/a:1')] }
  },
  {
    name: 'a local and a tar output: written beside their dest, moved into place; no image',
    inputs: { outputs: ['type=local,dest=out', 'type=tar,dest=/abs/ctx.tar'] },
    build: { outputs: [`type=local,dest=out.${SUFFIX}`, `type=tar,dest=/abs/ctx.tar.${SUFFIX}`] },
    targets: [dir('out'), tar('/abs/ctx.tar')],
    publish: { moves: [move('out'), move('/abs/ctx.tar')] }
  },
  {
    name: 'file outputs with the docker driver: an output is given, so no default load',
    inputs: { outputs: ['type=local,dest=out'] },
    builder: DOCKER_C8D,
    build: { outputs: [`type=local,dest=out.${SUFFIX}`] },
    targets: [dir('out')],
    publish: { moves: [move('out')] }
  },
  {
    name: 'a bare path is a local output',
    inputs: { outputs: ['dist/site'] },
    build: { outputs: [`type=local,dest=dist/site.${SUFFIX}`] },
    targets: [dir('dist/site')],
    publish: { moves: [move('dist/site')] }
  },
  {
    name: 'type=oci,tar=false is a directory; other attributes are kept in place',
    inputs: { outputs: ['type=oci,dest=x,tar=false', 'type=oci,tar=FALSE,dest=y,name=app:1'] },
    build: { outputs: [`type=oci,dest=x.${SUFFIX},tar=false`, `type=oci,tar=FALSE,dest=y.${SUFFIX},name=app:1`] },
    targets: [dir('x'), dir('y')],
    publish: { moves: [move('x'), move('y')] }
  },
  {
    name: 'type=oci and type=docker with dest are tarballs; tar=true stays a tarball',
    inputs: { outputs: ['type=oci,dest=img.tar', 'type=docker,dest=d.tar', 'type=oci,dest=t.tar,tar=true'] },
    build: { outputs: [`type=oci,dest=img.tar.${SUFFIX}`, `type=docker,dest=d.tar.${SUFFIX}`, `type=oci,dest=t.tar.${SUFFIX},tar=true`] },
    targets: [tar('img.tar'), tar('d.tar'), tar('t.tar')],
    publish: { moves: [move('img.tar'), move('d.tar'), move('t.tar')] }
  },
  {
    name: 'a dest with a comma stays one quoted field',
    inputs: { outputs: ['type=local,"dest=a,b"'] },
    build: { outputs: [`type=local,"dest=a,b.${SUFFIX}"`] },
    targets: [dir('a,b')],
    publish: { moves: [move('a,b')] }
  },
  {
    name: 'a file output and push: both written to the runner, both scanned',
    inputs: { outputs: ['type=local,dest=out'], push: true, tags: ['r/a:1'] },
    build: { outputs: [`type=local,dest=out.${SUFFIX}`, OCI_OUT] },
    targets: [dir('out'), IMAGE],
    publish: { image: OCI, pushes: [push('r/a:1')], moves: [move('out')] }
  },
  {
    name: 'an image output that pushes: its names, and the attributes that shape the image go to the export',
    inputs: { outputs: ['type=image,name=r/a:1,push=true,oci-mediatypes=true,compression=zstd,force-compression=true,annotation.org.x=y'] },
    build: { outputs: [`${OCI_OUT},oci-mediatypes=true,compression=zstd,force-compression=true,annotation.org.x=y`] },
    targets: [IMAGE],
    publish: { image: OCI, pushes: [push('r/a:1')] }
  },
  {
    name: 'a registry output with several names next to a tar output',
    inputs: { outputs: ['type=tar,dest=fs.tar', 'type=registry,"name=r/a:1,r/a:2"'] },
    build: { outputs: [`type=tar,dest=fs.tar.${SUFFIX}`, OCI_OUT] },
    targets: [tar('fs.tar'), IMAGE],
    publish: { image: OCI, pushes: [push('r/a:1'), push('r/a:2')], moves: [move('fs.tar')] }
  },
  {
    name: 'a registry output without name= takes the tags; push-by-digest and registry.insecure are read',
    inputs: { tags: ['r.example/a:1'], outputs: ['type=registry,push-by-digest=true,registry.insecure=true'] },
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI, pushes: [push('r.example/a:1', { byDigest: true, insecure: true })] }
  },
  {
    name: 'type=docker without dest is a load under its name',
    inputs: { outputs: ['type=docker,name=app:1'] },
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI, load: ['app:1'] }
  },
  {
    name: "build-push-action's multi-output: a push, a load under another name and an OCI file",
    inputs: { outputs: ['type=image,name=r/a:latest,push=true', 'type=docker,name=app:local', 'type=oci,dest=/tmp/o.tar'] },
    build: { outputs: [`type=oci,dest=/tmp/o.tar.${SUFFIX}`, OCI_OUT] },
    targets: [tar('/tmp/o.tar'), IMAGE],
    publish: { image: OCI, pushes: [push('r/a:latest')], load: ['app:local'], moves: [move('/tmp/o.tar')] }
  },
  {
    name: 'type=image without push on the docker driver stores the image there: a load',
    inputs: { outputs: ['type=image,name=app:1'] },
    builder: DOCKER_C8D,
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI, load: ['app:1'] }
  },
  {
    name: 'type=cacheonly publishes nothing and exports no image (and keeps the docker driver from loading one)',
    inputs: { outputs: ['type=cacheonly'] },
    builder: DOCKER_C8D,
    build: { outputs: ['type=cacheonly'] },
    targets: [],
    publish: {}
  },
  {
    name: 'a file output and an image load on the classic store',
    inputs: { outputs: ['type=local,dest=out'], load: true },
    builder: DOCKER_CLASSIC,
    build: { outputs: [`type=local,dest=out.${SUFFIX}`, 'type=docker'] },
    targets: [dir('out'), LOADED],
    publish: { image: { kind: 'loaded' }, load: [], moves: [move('out')] }
  },
  {
    name: "cache-to type=registry: the build writes the user's cache as a local layout under work, which is scanned and pushed",
    inputs: { push: true, tags: ['r/a:1'], 'cache-to': ['type=registry,ref=r/a:cache,mode=max'], 'cache-from': ['type=registry,ref=r/a:cache'] },
    build: { outputs: [OCI_OUT], cacheTo: [`type=local,mode=max,dest=${WORK}/cache-0`] },
    targets: [IMAGE, cacheDir(0)],
    publish: { image: OCI, pushes: [push('r/a:1')], caches: [{ from: `${WORK}/cache-0`, ref: 'r/a:cache', insecure: false }] }
  },
  {
    name: 'a bare cache-to is a registry ref; mode=min stays min (only what goes out is exported and scanned)',
    inputs: { 'cache-to': ['127.0.0.1:5000/a:cache', 'type=registry,ref=r/a:c2,MODE=min,image-manifest=true'] },
    build: { outputs: [OCI_OUT], cacheTo: [`type=local,dest=${WORK}/cache-0`, `type=local,mode=min,image-manifest=true,dest=${WORK}/cache-1`] },
    targets: [IMAGE, cacheDir(0), cacheDir(1)],
    publish: {
      image: OCI,
      caches: [
        { from: `${WORK}/cache-0`, ref: '127.0.0.1:5000/a:cache', insecure: true },
        { from: `${WORK}/cache-1`, ref: 'r/a:c2', insecure: false }
      ]
    }
  },
  {
    name: 'cache-to type=local: written beside its dest, scanned as a layout, moved; inline stays in the image config',
    inputs: { 'cache-to': ['type=inline', 'type=local,dest=/tmp/c,mode=max'] },
    build: { outputs: [OCI_OUT], cacheTo: ['type=inline', `type=local,dest=/tmp/c.${SUFFIX},mode=max`] },
    targets: [IMAGE, { kind: 'dir', path: `/tmp/c.${SUFFIX}`, label: 'build cache 2', layout: true }],
    publish: { image: OCI, moves: [move('/tmp/c')] }
  },
  {
    name: 'extra-args that do not publish pass through',
    inputs: { push: true, tags: ['r/a:1'], 'extra-args': ['--ssh=default', '--progress', 'plain', '--attest', 'type=sbom', '-f', 'Dockerfile.ci', '-q'] },
    build: { outputs: [OCI_OUT] },
    targets: [IMAGE],
    publish: { image: OCI, pushes: [push('r/a:1')] }
  }
];

const publication = (p: Partial<Publication>): Publication => ({ pushes: [], caches: [], moves: [], ...p });

describe('planGuard', () => {
  test.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const b: BuildInputs = { ...empty, ...row.inputs };
    const p = planGuard(b, 'error', row.builder ?? CONTAINER, WORK, SUFFIX);
    expect(p.build).toEqual({ ...b, tags: [], push: false, load: false, outputs: row.build.outputs, 'cache-to': row.build.cacheTo ?? [] });
    expect(p.targets).toEqual(row.targets);
    const expected = publication(row.publish);
    expect(p.publish).toEqual(Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined)));
  });

  test('a file output inside the build context is exported to the work dir', () => {
    const p = planGuard(
      { ...empty, context: '.', outputs: ['type=local,dest=out', 'type=tar,dest=/elsewhere/x.tar'], push: true, tags: ['r/a:1'] },
      'error',
      CONTAINER,
      WORK,
      SUFFIX
    );
    expect(p.publish?.moves).toEqual([
      { from: `${WORK}/output-0`, to: 'out' },
      { from: `/elsewhere/x.tar.${SUFFIX}`, to: '/elsewhere/x.tar' }
    ]);
    expect(p.build.outputs.slice(0, 2)).toEqual([`type=local,dest=${WORK}/output-0`, `type=tar,dest=/elsewhere/x.tar.${SUFFIX}`]);
  });

  test('the same plan under error and warn', () => {
    for (const row of ROWS) {
      const b: BuildInputs = { ...empty, ...row.inputs };
      expect(planGuard(b, 'warn', row.builder ?? CONTAINER, WORK, SUFFIX)).toEqual(planGuard(b, 'error', row.builder ?? CONTAINER, WORK, SUFFIX));
    }
  });

  test('leak-check off: the inputs unchanged, nothing to scan, nothing for the guard to publish', () => {
    for (const row of ROWS) {
      for (const builder of BUILDERS) {
        const b: BuildInputs = { ...empty, ...row.inputs, 'extra-args': ['--push', '-o', 'type=registry'] };
        const p = planGuard(b, 'off', builder, WORK, SUFFIX);
        expect(p.build).toBe(b);
        expect(p).toEqual({ build: b, targets: [] });
      }
    }
  });

  test('the inputs are not modified', () => {
    const b: BuildInputs = { ...empty, push: true, tags: ['r/a:1'], outputs: ['type=local,dest=out'], 'cache-to': ['type=local,dest=c,mode=max'] };
    const copy = structuredClone(b);
    plan(b);
    expect(b).toEqual(copy);
  });

  test.each(['type=gha,mode=max', 'type=s3,region=eu-west-1,bucket=b', 'type=azblob,name=x', 'mode=max,type=GHA', 'type=foo'])(
    'cache-to %s cannot be fed from the scanned cache: refused, naming the alternatives',
    (c) => {
      for (const mode of ['error', 'warn'] as const) {
        const run = () => plan({ push: true, tags: ['r/a:1'], 'cache-to': ['type=inline', c] }, mode);
        expect(run).toThrow(InputError);
        expect(run).toThrow(
          /^input "cache-to", entry 2: type=\S+ cannot be published from the scanned build: .*type=registry.*type=local.*type=inline.*leak-check: off/
        );
      }
      // Without the guard buildx exports it as asked.
      expect(plan({ 'cache-to': [c] }, 'off').build['cache-to']).toEqual([c]);
    }
  );

  test('push without a name to push to is refused before the build', () => {
    expect(() => plan({ push: true })).toThrow('input "tags": push needs at least one tag (or name= in the output) to push to');
    expect(() => plan({ outputs: ['type=registry'] })).toThrow(InputError);
  });

  test('two image outputs that ask for different bytes are refused: one scanned image is published', () => {
    expect(() => plan({ outputs: ['type=image,name=r/a:1,push=true,compression=zstd', 'type=registry,name=r/b:1,compression=gzip'] })).toThrow(
      'input "outputs": two image outputs ask for different compression= values: the leak guard publishes one scanned image, so give them the same'
    );
  });

  test("an image output's dest= or tar= cannot move the export away from where it is scanned", () => {
    const p = plan({ outputs: ['type=registry,name=r/a:1,dest=/tmp/elsewhere,tar=false,compression=gzip'] });
    expect(p.build.outputs).toEqual([`${OCI_OUT},compression=gzip`]);
    expect(p.targets).toEqual([IMAGE]);
  });

  test('unknown output types are refused, naming the entry', () => {
    expect(() => plan({ outputs: ['type=local,dest=o', 'type=wasm'] })).toThrow('input "outputs", entry 2: unknown output type "wasm"');
    expect(() => plan({ outputs: ['type=local'] })).toThrow('input "outputs", entry 1: type=local needs dest=');
  });

  test("two platforms on the classic store: buildx's own message, before any build", () => {
    for (const platforms of [['linux/amd64', 'linux/arm64'], ['linux/amd64,linux/arm64']]) {
      const run = () => plan({ platforms, load: true }, 'error', DOCKER_CLASSIC);
      expect(run).toThrow(ActionError);
      expect(run).toThrow(CLASSIC_MULTI_PLATFORM);
    }
    expect(plan({ platforms: ['linux/arm64'], load: true }, 'error', DOCKER_CLASSIC).build.platforms).toEqual(['linux/arm64']);
  });

  test('needsSkopeo: pushing an OCI export or a cache; not a load, not the classic store', () => {
    expect(needsSkopeo(plan({ push: true, tags: ['r/a:1'] }).publish)).toBe(true);
    expect(needsSkopeo(plan({ 'cache-to': ['r/a:c'] }).publish)).toBe(true);
    expect(needsSkopeo(plan({ load: true }).publish)).toBe(false);
    expect(needsSkopeo(plan({ push: true, tags: ['r/a:1'] }, 'error', DOCKER_CLASSIC).publish)).toBe(false);
    expect(needsSkopeo(plan({ push: true, tags: ['r/a:1'] }, 'off').publish)).toBe(false);
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
        const run = () => plan({ 'extra-args': args, push: true, tags: ['r/a:1'] }, mode);
        expect(run).toThrow(InputError);
        expect(run).toThrow(
          new RegExp(`^input "extra-args", entry ${entry}: this flag publishes the build: use the push, load, tags, outputs or cache-to input`)
        );
      }
    );

    test.each(REFUSED.map(([args]) => [args.join(' '), args] as const))('off: %s is allowed and passed through', (_text, args) => {
      const b: BuildInputs = { ...empty, 'extra-args': args };
      expect(planGuard(b, 'off', CONTAINER, WORK, SUFFIX).build['extra-args']).toEqual(args);
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
    ])('%s passes through to the build', (...args) => {
      const p = plan({ 'extra-args': args, push: true, tags: ['r/a:1'] });
      expect(p.build['extra-args']).toEqual(args);
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
    // Fixed in refusePublishingExtraArgs: for an entry `-XYZ` (one dash, not `--`), refuse when
    // any of its shorthand letters up to the first one that takes a value is o or t (or simply when
    // it contains o or t before an `=`).
    test('combined shorthands (-qo type=registry) are refused', () => {
      expect(() => plan({ 'extra-args': ['-qo', 'type=registry'] })).toThrow(InputError);
    });
    test('combined shorthands (-qt r/a:1) are refused', () => {
      expect(() => plan({ 'extra-args': ['-qt', 'r/a:1'] })).toThrow(InputError);
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
});

describe('planGuard (property)', () => {
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
    'type=registry,name=r/a:9',
    'type=registry,"name=r/a:1,r/a:2"',
    'type=image,name=r/a',
    'type=image,name=r/b,push=false',
    'type=docker',
    'type=docker,name=app:1',
    'type=cacheonly'
  );
  const cacheTo = fc.constantFrom('type=registry,ref=r/a:cache,mode=max', 'type=inline', 'type=local,dest=/tmp/c,mode=max', 'type=local,dest=cc', 'r/a:cache');
  const inputs = fc.record({
    push: fc.boolean(),
    load: fc.boolean(),
    tags: fc.array(fc.constantFrom('r/a:1', 'r/a:latest', 'app:dev'), { minLength: 1, maxLength: 2 }),
    outputs: fc.array(fc.oneof(fileOutput, otherOutput), { maxLength: 4 }),
    'cache-to': fc.array(cacheTo, { maxLength: 3 }),
    'no-cache': fc.boolean(),
    pull: fc.boolean()
  });

  test('the build never publishes; everything it writes is under work or beside a destination, and is scanned', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom(...BUILDERS), fc.constantFrom<LeakCheck>('error', 'warn'), (over, builder, mode) => {
        const b: BuildInputs = { ...empty, ...over };
        const user = b.outputs.map((o, k) => parseOutput(o, k + 1));
        const userDests = new Set(user.filter(isFileOutput).map((o) => o.attrs.get('dest')!.replace(/(.)\/+$/, '$1')));
        const p = planGuard(b, mode, builder, WORK, SUFFIX);
        const v = p.build;
        expect(v.push).toBe(false);
        expect(v.load).toBe(false);
        expect(v.tags).toEqual([]);
        expect(v['extra-args']).toEqual(b['extra-args']);
        const written: string[] = [];
        for (const o of v.outputs.map((s, k) => parseOutput(s, k + 1))) {
          expect(isPush(o)).toBe(false);
          expect(['local', 'tar', 'oci', 'docker', 'cacheonly']).toContain(o.type);
          if (o.type === 'cacheonly') continue;
          const d = o.attrs.get('dest');
          if (d === undefined) {
            // only the classic store's untagged load
            expect(formatOutput(o)).toBe('type=docker');
            expect(builder.ociExport).toBe(false);
            continue;
          }
          written.push(d);
        }
        for (const c of v['cache-to']) {
          if (c === 'type=inline') continue;
          const o = parseOutput(c, 1);
          expect(o.type).toBe('local');
          written.push(o.attrs.get('dest')!);
        }
        const scanned = new Set(p.targets.flatMap((t) => (t.kind === 'loaded-image' ? [] : [t.path])));
        for (const d of written) {
          expect(userDests.has(d)).toBe(false);
          expect(d.startsWith(`${WORK}/`) || d.endsWith(`.${SUFFIX}`)).toBe(true);
          // Nothing is written that is not scanned.
          expect(scanned.has(d)).toBe(true);
        }
      })
    );
  });

  test('everything published comes from a scanned target: pushes and loads from the image, caches and moves from a scanned path', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom(...BUILDERS), (over, builder) => {
        const b: BuildInputs = { ...empty, ...over };
        let p;
        try {
          p = planGuard(b, 'error', builder, WORK, SUFFIX);
        } catch (e) {
          // Two image outputs that ask for different bytes are refused, never half-planned.
          expect(e).toBeInstanceOf(InputError);
          return;
        }
        const pub = p.publish!;
        const scanned = new Set(p.targets.map((t) => (t.kind === 'loaded-image' ? 'loaded' : t.path)));
        if (pub.pushes.length || pub.load) {
          expect(pub.image).toBeDefined();
          expect(scanned.has(pub.image!.kind === 'oci' ? pub.image!.path : 'loaded')).toBe(true);
        }
        for (const c of pub.caches) expect(scanned.has(c.from)).toBe(true);
        for (const m of pub.moves) expect(scanned.has(m.from)).toBe(true);
        // Every name the user pushes to is pushed, from the scanned image.
        const asked = [
          ...(b.push ? b.tags : []),
          ...b.outputs
            .map((o, k) => parseOutput(o, k + 1))
            .filter(isPush)
            .flatMap((o) => (o.attrs.has('name') ? o.attrs.get('name')!.split(',') : b.tags))
        ];
        expect(new Set(pub.pushes.map((x) => x.name))).toEqual(new Set(asked));
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
    expect(p.build).toMatchObject({ push: false, load: false, tags: [], outputs: [], 'cache-to': [] });
    expect(p.publish).toBeUndefined();
  });

  test('extra-args are checked before a call: check plan returns', () => {
    expect(() => plan({ call: 'check', 'extra-args': ['--push'] })).toThrow(/input "extra-args", entry 1: this flag publishes/);
  });
});
