/**
 * The preflight's rules as data (issue 24): every finding names a rule of the table, every
 * rule has its page, a comment or the preflight-ignore input silences a rule where it says
 * and nowhere else (the finding kept, marked), and the weaknesses measured on unseen files:
 * ONBUILD, undeclared credential variables, ARG/ENV values, broken secret plumbing, each
 * line reported, ids with `/`.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preflight, RULE_IDS, RULES, rulePage, type PreflightInput, type RuleId } from '../../../src/leak-guard/preflight/index.js';
import { literalCredential } from '../../../src/leak-guard/preflight/names.js';
import { Redactor } from '../../../src/detection/redactor.js';

const ROOT = path.join(import.meta.dirname, '../../..');
const base: Omit<PreflightInput, 'dockerfile'> = {
  providedIds: [],
  contextSecretFiles: [],
  allowMissingOptional: false,
  redactor: Redactor.exact([{ bytes: Buffer.from('Secret-Value-123'), tag: 'tok' }])
};
const df = (...lines: string[]) => lines.join('\n');
const run = (dockerfile: string, over: Partial<PreflightInput> = {}) => preflight({ ...base, dockerfile, ...over });
/** `severity@line rule`, and `(ignored)` for a silenced one. */
const said = (dockerfile: string, over: Partial<PreflightInput> = {}) =>
  run(dockerfile, over).map((f) => `${f.severity}@${f.line ?? '-'} ${f.rule}${f.ignored ? ` (ignored by ${f.ignored})` : ''}`);

describe('the rule table', () => {
  test('every rule has its page with what it catches, why, a bad and a good example', () => {
    for (const id of RULE_IDS) {
      const page = fs.readFileSync(path.join(ROOT, rulePage(id)), 'utf8');
      expect(page.split('\n')[0]).toBe(`# ${id}: ${RULES[id].title}`);
      for (const part of ['## What it catches', '## Why it matters', '## Bad', '## Good']) expect({ id, has: page.includes(part) }).toEqual({ id, has: true });
      expect(page).toContain(`Default severity: **${RULES[id].severity}**`);
    }
    // And no page for a rule that is not in the table.
    const pages = fs.readdirSync(path.join(ROOT, 'docs/rules')).filter((f) => f !== 'README.md');
    expect(pages.sort()).toEqual(RULE_IDS.map((id) => `${id}.md`).sort());
  });

  test('every finding of the synthetic corpus names a rule of the table', () => {
    const dir = path.join(ROOT, '__tests__/fixtures/preflight-cases');
    const rules = new Set<string>();
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.Dockerfile'))) {
      for (const finding of run(fs.readFileSync(path.join(dir, f), 'utf8'), { providedIds: ['npm'] })) rules.add(finding.rule);
    }
    for (const r of rules) expect(RULE_IDS).toContain(r);
    expect(rules.size).toBeGreaterThanOrEqual(10);
  });
});

describe('silencing a rule: a comment above the instruction, or the run', () => {
  const leaky = ['FROM node', 'ARG NPM_TOKEN', 'RUN echo "//r/:_authToken=${NPM_TOKEN}" > /root/.npmrc'];
  test('# secret-build:ignore=<rule> right above silences that rule on that instruction only, and keeps the finding, marked', () => {
    const text = df(leaky[0], '# secret-build:ignore=credential-name', leaky[1], leaky[2]);
    expect(said(text)).toEqual(['warning@3 credential-name (ignored by comment)', 'error@4 credential-written']);
  });
  test('several ids, several comment lines, other comments between: all read; a blank line ends the block', () => {
    expect(
      said(df(leaky[0], leaky[1], '# secret-build:ignore=secret-written,credential-written', '# why: the file is removed by the entrypoint', leaky[2]))
    ).toEqual(['warning@2 credential-name', 'error@5 credential-written (ignored by comment)']);
    expect(said(df(leaky[0], leaky[1], '# secret-build:ignore=credential-written', '', leaky[2]))).toEqual([
      'warning@2 credential-name',
      'error@5 credential-written'
    ]);
  });
  test('a comment naming another rule, or an unknown id, silences nothing', () => {
    expect(said(df(leaky[0], leaky[1], '# secret-build:ignore=secret-printed,no-such-rule', leaky[2]))).toEqual([
      'warning@2 credential-name',
      'error@4 credential-written'
    ]);
  });
  test('the run (preflight-ignore) silences the rule on every line', () => {
    expect(said(df(...leaky, 'ARG API_TOKEN'), { ignoreRules: ['credential-name'] })).toEqual([
      'warning@2 credential-name (ignored by input)',
      'warning@4 credential-name (ignored by input)',
      'error@3 credential-written'
    ]);
  });
  test('property: a finding is silenced exactly when its rule is named above its instruction or for the run', () => {
    const rules = fc.constantFrom<RuleId>(...RULE_IDS);
    fc.assert(
      fc.property(fc.array(rules, { maxLength: 3 }), fc.array(rules, { maxLength: 3 }), (above, forRun) => {
        const text = df(leaky[0], leaky[1], ...(above.length ? [`# secret-build:ignore=${above.join(',')}`] : []), leaky[2]);
        for (const f of run(text, { ignoreRules: forRun })) {
          const byComment = f.line === (above.length ? 4 : 3) && above.includes(f.rule);
          expect(f.ignored).toBe(byComment ? 'comment' : forRun.includes(f.rule) ? 'input' : undefined);
        }
      })
    );
  });
});

describe('ARG and ENV values weigh the name rule', () => {
  test.each([
    ['ENV API_SECRET="s3cr3t-9f8e7d6c5b4a"', 'error@2 credential-literal'],
    ['ENV DJANGO_SECRET_KEY=django-insecure-7h$x', 'warning@2 credential-name'],
    ['ARG GITHUB_TOKEN=ghp_Zq8vR2mK4tLp9xWcY3nB7dF1hJ6sA0eU5iO2', 'error@2 credential-literal'],
    ['ENV DB_URL_PASSWORD=postgres://app:Hunter2pass@db/app', 'error@2 credential-literal'],
    ['ENV API_PASSWORD=""', 'notice@2 credential-name'],
    ['ARG NPM_TOKEN=', 'notice@2 credential-name'],
    ['ARG NPM_TOKEN', 'warning@2 credential-name'],
    ['ENV SECRET_KEY=changeme123', 'warning@2 credential-name'],
    ['ENV AUTH_URL=https://auth.example.com/v2', 'warning@2 credential-name'],
    ['ENV AUTH_HEADER_NAME=Authorization', 'warning@2 credential-name'],
    ['ENV PASSWORD_MIN_LENGTH=12', 'warning@2 credential-name'],
    ['ENV API_KEY=${API_KEY}', 'warning@2 credential-name'],
    ['ENV API_KEY=<your-key-here>', 'warning@2 credential-name']
  ])('%s → %s', (line, finding) => {
    expect(said(df('FROM a', line))).toEqual([finding]);
  });
  test('property: a value with a variable, a blank, or no digit is never a literal credential', () => {
    fc.assert(
      fc.property(fc.string(), (s) =>
        expect(literalCredential(`${s}$X`) || literalCredential(`${s} x1`) || literalCredential(s.replace(/[0-9]/g, ''))).toBe(false)
      )
    );
  });
});

describe('broken secret plumbing', () => {
  // Given every id the Dockerfile mounts, so that only the plumbing speaks.
  const said = (dockerfile: string) =>
    run(dockerfile, { providedIds: ['npm', 'npmrc', 't'] })
      .filter((f) => f.rule !== 'secret-unused')
      .map((f) => `${f.severity}@${f.line} ${f.rule}`);
  test('env= without target=, and the command reads /run/secrets/<id>: no file is mounted there', () => {
    expect(said(df('FROM a', 'RUN --mount=type=secret,id=npm,env=NPM_TOKEN cat /run/secrets/npm | npm login --stdin'))).toEqual([
      'warning@2 secret-env-without-file'
    ]);
    // With the target, or reading the variable, or another mount putting the file there: fine.
    expect(said(df('FROM a', 'RUN --mount=type=secret,id=npm,env=NPM_TOKEN,target=/run/secrets/npm cat /run/secrets/npm | npm login --stdin'))).toEqual([]);
    expect(said(df('FROM a', 'RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci'))).toEqual([]);
    expect(said(df('FROM a', 'RUN --mount=type=secret,id=npm,env=T --mount=type=secret,id=npm cat /run/secrets/npm | npm login --stdin'))).toEqual([]);
    // Another secret's file whose name starts the same is not this one.
    expect(
      said(df('FROM a', 'RUN --mount=type=secret,id=npm,env=T --mount=type=secret,id=npmrc,target=/run/secrets/npmrc npm ci --userconfig /run/secrets/npmrc'))
    ).toEqual([]);
  });
  test('export TOKEN=$(cat /run/secrets/x) in a RUN of its own: gone in the next RUN', () => {
    expect(said(df('FROM a', 'RUN --mount=type=secret,id=t export TOKEN=$(cat /run/secrets/t)', 'RUN npm ci'))).toEqual(['warning@2 export-in-own-run']);
    expect(said(df('FROM a', 'RUN --mount=type=secret,id=t,env=T export TOKEN=$T && export OTHER=1'))).toEqual(['warning@2 export-in-own-run']);
    // Used in the same RUN: fine.
    expect(said(df('FROM a', 'RUN --mount=type=secret,id=t export TOKEN=$(cat /run/secrets/t) && npm ci'))).toEqual([]);
    // Exporting something that is not the secret: not this rule.
    expect(said(df('FROM a', 'RUN --mount=type=secret,id=t export PATH=/x:$PATH'))).toEqual([]);
  });
});

describe('ids with a slash, as buildx and BuildKit accept them', () => {
  test('a mount of auth_secret/AWS_KMS_TOKEN is matched to the id given, and its default file is the last part', () => {
    const text = df('FROM a', 'RUN --mount=type=secret,id=auth_secret/AWS_KMS_TOKEN,env=AWS_KMS_TOKEN aws kms decrypt');
    expect(said(text, { providedIds: ['auth_secret/AWS_KMS_TOKEN'] })).toEqual([]);
    expect(said(text)).toEqual(['error@2 secret-not-given']);
    const file = df('FROM a', 'RUN --mount=type=secret,id=auth/tok cat /run/secrets/tok > /app/t');
    expect(said(file, { providedIds: ['auth/tok'] })).toEqual(['error@2 secret-written']);
  });
});

describe('the held-out set of 2026-12 (measured before this fix)', () => {
  test('mix hex.organization auth --key stores the key in ~/.hex/hex.config', () => {
    const text = df('FROM elixir', 'ARG HEX_TOKEN', 'RUN mix local.hex --force && mix hex.organization auth acme --key ${HEX_TOKEN} && mix deps.get');
    expect(said(text)).toEqual(['warning@2 credential-name', 'error@3 token-stored-by-tool']);
    expect(
      said(df('FROM elixir', 'RUN --mount=type=secret,id=hex,env=HEX_KEY mix hex.organization auth acme --key $HEX_KEY && mix deps.get'), {
        providedIds: ['hex']
      })
    ).toEqual(['error@2 token-stored-by-tool']);
    expect(said(df('FROM elixir', 'RUN --mount=type=secret,id=hex,env=HEX_KEY mix deps.get'), { providedIds: ['hex'] })).toEqual([]);
  });
});
