/**
 * The malformed-input matrix, run through the bundled action as the runner runs it. None
 * of these cases reaches docker, so they run without a daemon: each fails before
 * anything is written, names the input and entry, and prints no value or variant.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { everythingVisible, leaksIn, leftovers, runAction, trackedWorkspaces } from './harness.js';

const SECRET = `fault-secret-${randomBytes(8).toString('hex')}`;

const newWorkspace = trackedWorkspaces(afterEach);

/** Each case: inputs and env, the input and entry the error must name. Values are never printed. */
const BAD_INPUTS: [string, Record<string, string>, Record<string, string>, RegExp][] = [
  ['bad id characters', { secrets: `bad id=${SECRET}` }, {}, /input "secrets", entry 1: the id/],
  // A slash is fine (buildx and BuildKit take auth_secret/AWS_KMS_TOKEN); a `$` is not among the characters ids may use.
  ['id with a dollar', { secrets: `ok=${SECRET}\na$b=${SECRET}x` }, {}, /input "secrets", entry 2: the id may only use letters/],
  ['duplicate id in secrets', { secrets: `a=${SECRET}\na=${SECRET}2` }, {}, /input "secrets", entry 2: uses the same id as input "secrets", entry 1/],
  ['duplicate id across inputs', { secrets: `a=${SECRET}`, 'secret-envs': 'a=HOME' }, {}, /input "secret-envs", entry 1: uses the same id/],
  ['empty value (an undefined secret)', { secrets: 'a=' }, {}, /no value for secret "a" \(input "secrets", entry 1, empty\): is each secret defined/],
  ['value too short to mask', { secrets: 'a=abc' }, {}, /input "secrets", entry 1: .*shorter than 4 bytes/],
  ['no = sign', { secrets: `${SECRET}` }, {}, /input "secrets", entry 1: expected id=value/],
  ['unquoted multi-line value', { secrets: `pem=-----BEGIN-----\n${SECRET}\n-----END-----` }, {}, /input "secrets", entry 2: expected id=value/],
  ['unterminated quote', { secrets: `"a=${SECRET}` }, {}, /input "secrets", entry 1: quoted entry has no closing/],
  [
    'a preflight rule that does not exist (a typo would silence nothing)',
    { secrets: `a=${SECRET}`, 'preflight-ignore': 'credential-name\nno-such-rule' },
    {},
    /input "preflight-ignore", entry 2: "no-such-rule" is not a preflight rule \(the rules: secret-not-given, /
  ],
  ['missing env var', { 'secret-envs': 'a=SB_NOT_SET_ANYWHERE' }, {}, /no value for secret "a" \(input "secret-envs", entry 1, variable unset or empty\)/],
  ['empty env var', { 'secret-envs': 'a=SB_EMPTY' }, { SB_EMPTY: '' }, /no value for secret "a" \(input "secret-envs", entry 1, variable unset or empty\)/],
  // Any name without `=` is a name, as buildx passes it (MY-TOKEN); one with `=` cannot be.
  ['invalid env name', { 'secret-envs': 'a=B=C' }, {}, /input "secret-envs", entry 1: not a valid environment variable name/],
  ['missing file', { 'secret-files': 'a=nope.key' }, {}, /input "secret-files", entry 1: file not found/],
  ['directory as file', { 'secret-files': 'a=.' }, {}, /input "secret-files", entry 1: not a regular file/],
  [
    'a pseudo file (/proc/self/environ: the whole environment, secrets-json included)',
    { 'secret-files': 'a=/proc/self/environ' },
    {},
    /input "secret-files", entry 1: the file is on a pseudo filesystem/
  ],
  [
    'a call value buildx reads as a build ("build", quoted)',
    { secrets: `a=${SECRET}`, call: '"build"' },
    {},
    /input "call": expected one of build, check, outline, targets/
  ],
  [
    'a second --call in extra-args',
    { secrets: `a=${SECRET}`, call: 'check', 'extra-args': '--call=build' },
    {},
    /input "extra-args", entry 1: this flag is set by the action/
  ],
  ['a device', { 'secret-files': 'a=/dev/zero' }, {}, /input "secret-files", entry 1: not a regular file/],
  [
    'a secret pasted as the path is not quoted',
    { 'secret-files': `a=${SECRET}` },
    {},
    /input "secret-files", entry 1: file not found \(paths are relative to the working directory\)/
  ],
  ['empty file', { 'secret-files': 'a=empty.key' }, {}, /input "secret-files", entry 1: the secret value is empty/],
  [
    'file over BuildKit limit',
    { 'secret-files': 'a=big.key' },
    {},
    /input "secret-files", entry 1: the secret is 1048576 bytes; BuildKit accepts at most 512000/
  ],
  ['value too short, from env', { 'secret-envs': 'a=SB_SHORT' }, { SB_SHORT: 'xyz' }, /input "secret-envs", entry 1: .*shorter than 4 bytes/],
  ['text after closing quote', { secrets: `"a=${SECRET}" more` }, {}, /input "secrets", entry 1: text after the closing double quote/],
  ['blank id', { secrets: ` =${SECRET}` }, {}, /input "secrets", entry 1: the id/],
  ['secret-files without path', { 'secret-files': 'a=' }, {}, /input "secret-files", entry 1: the path is empty/],
  ['secret in tags', { secrets: `a=${SECRET}`, tags: `img:${SECRET}` }, {}, /input "tags", entry 1: contains the value of secret "a"/],
  [
    'secret in build-args',
    { secrets: `a=${SECRET}`, 'build-args': `X=1\nTOKEN=${SECRET}` },
    {},
    /input "build-args", entry 2: contains the value of secret "a"/
  ],
  ['secret in labels', { secrets: `a=${SECRET}`, labels: `k=${SECRET}` }, {}, /input "labels", entry 1: contains the value of secret "a"/],
  [
    '--secret in extra-args',
    { secrets: `a=${SECRET}`, 'extra-args': `--secret=id=b,env=HOME` },
    {},
    /input "extra-args", entry 1: this flag is set by the action/
  ],
  ['unicode in an id', { secrets: `clé=${SECRET}` }, {}, /input "secrets", entry 1: the id/],
  ['CRLF lines with a bad second id', { secrets: `a=${SECRET}\r\nb c=${SECRET}x\r\n` }, {}, /input "secrets", entry 2: the id/],
  [
    'duplicate id between secret-envs and secret-files',
    { 'secret-envs': 'k=HOME', 'secret-files': 'k=Dockerfile' },
    {},
    /input "secret-files", entry 1: uses the same id as input "secret-envs", entry 1/
  ],
  ['secret-map without secrets-json', { 'secret-map': 'k=NPM_TOKEN' }, {}, /input "secrets-json": is empty but secret-map names secrets/],
  [
    'secrets-json that is not JSON',
    { 'secrets-json': `{"NPM_TOKEN": "${SECRET}"`, 'secret-map': 'k=NPM_TOKEN' },
    {},
    /input "secrets-json": is not a JSON object/
  ],
  [
    'secret value in extra-args',
    { secrets: `a=${SECRET}`, 'extra-args': `--annotation=x=${SECRET}` },
    {},
    /input "extra-args", entry 1: contains the value of secret "a"/
  ],
  ['bad boolean', { push: 'yes' }, {}, /input "push": expected true or false/],
  ['bad leak-check', { 'leak-check': 'maybe' }, {}, /input "leak-check": expected error, warn or off/],
  ['comma in tmpfs-dir', { 'tmpfs-dir': '/dev/shm/a,b' }, {}, /input "tmpfs-dir": the path may not contain commas/],
  ['secret value in tmpfs-dir', { secrets: `a=${SECRET}`, 'tmpfs-dir': `/dev/shm/${SECRET}` }, {}, /input "tmpfs-dir": contains the value of secret "a"/]
];

describe('bad inputs fail fast', () => {
  test.each(BAD_INPUTS)('%s', async (_name, inputs, env, message) => {
    const w = newWorkspace({ Dockerfile: 'FROM secret-build-base:latest\n', 'empty.key': '', 'big.key': 'k'.repeat(1024 * 1024) });
    const run = await runAction(w, inputs, env);
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(new RegExp(`::error::${message.source}`));
    expect(run.children).toEqual([]);
    expect(leftovers(w.runtimeDir)).toEqual([]);
    expect(leaksIn(everythingVisible(run), [SECRET, ...Object.values(env).filter((v) => v.length >= 4)])).toEqual([]);
  });
});
