/**
 * leak-guard/exports.ts against a scripted fake `docker` first on PATH: what main could not
 * remove stays in its saved state, so the post step's test (post-gate.ts leftBehind) finds
 * it and the runner starts the post step.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { coreFixture } from '../../support/core-fixture.js';
import { installFakes } from '../../support/fake-programs.js';

const core = coreFixture();
jest.unstable_mockModule('@actions/core', () => core.module);
const { Exports } = await import('../../../src/leak-guard/exports.js');
const { Log, savedState } = await import('../../../src/report/log.js');
const { leftBehind } = await import('../../../src/post-gate.js');

/** `docker image rm`: as $FAKE/rm says (ok, gone, down), recording each call. */
const FAKE = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE/calls"
case "$(cat "$FAKE/rm")" in
  ok) exit 0 ;;
  gone) echo "Error response from daemon: No such image: $4" >&2; exit 1 ;;
  *) echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1 ;;
esac
`;
let fake: string;
const saved = process.env.PATH;
beforeAll(() => {
  fake = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-exports-'));
  process.env.PATH = installFakes(fake, { docker: FAKE }).PATH;
  process.env.FAKE = fake;
});
afterAll(() => {
  process.env.PATH = saved;
  fs.rmSync(fake, { recursive: true, force: true });
});
beforeEach(() => core.reset());

describe('Exports.dispose and the loaded image', () => {
  test.each([
    ['ok', true],
    ['gone', true],
    ['down', false]
  ])('docker image rm answering %s: the image is %s gone from the state', (answer, gone) => {
    fs.writeFileSync(path.join(fake, 'rm'), answer);
    const exports = new Exports(Log.forSecrets([]));
    exports.loaded('sha256:feed');
    expect(savedState('loaded-image')).toBe('sha256:feed');
    if (gone) exports.dispose();
    else expect(() => exports.dispose()).toThrow(/could not remove the unscanned image sha256:feed; the post step will try again/);
    expect(savedState('loaded-image')).toBe(gone ? '' : 'sha256:feed');
    expect(leftBehind(savedState)).toBe(!gone);
    expect(fs.readFileSync(path.join(fake, 'calls'), 'utf8')).toContain('image rm --force sha256:feed');
  });
});
