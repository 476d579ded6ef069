/**
 * The README's quick start works as pasted: the secrets its workflow gives are exactly the
 * ones its Dockerfile mounts, so the preflight is quiet (no unused secret warning, no
 * missing secret error, nothing written), and likewise for examples/npm-token with the
 * secrets CI and .env.example give it.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { Redactor } from '../../../src/detection/redactor.js';
import { preflight } from '../../../src/leak-guard/preflight/index.js';
import { loadYaml, ROOT } from '../../support/yaml.js';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
const block = (lang: string) => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section)?.[1] ?? '';

interface Step {
  uses?: string;
  with?: Record<string, string>;
}

/** The ids of `secrets: id=value` lines. */
const secretIds = (w: Record<string, string> = {}) =>
  (w.secrets ?? '').split('\n').flatMap((l) => (/^\s*([\w.-]+)=/.exec(l) ? [/^\s*([\w.-]+)=/.exec(l)![1]] : []));

function findings(dockerfile: string, ids: string[]) {
  return preflight({
    dockerfile,
    providedIds: ids,
    providedSshIds: [],
    contextSecretFiles: [],
    allowMissingOptional: false,
    redactor: Redactor.exact(ids.map((id) => ({ bytes: Buffer.from(`Quick-Start-Value-0123456789-${id}`), tag: id })))
  }).filter((f) => f.severity !== 'notice');
}

describe('the quick start', () => {
  const steps = (YAML.parse(block('yaml')) as { jobs: Record<string, { steps: Step[] }> }).jobs.build.steps;
  const action = steps.find((s) => s.uses?.startsWith('secret-build/secret-build@'))!;

  test('pins the action as owner/secret-build@<sha> # vX.Y.Z, with only inputs action.yml declares', () => {
    expect(block('yaml')).toMatch(/uses: secret-build\/secret-build@<sha> # vX\.Y\.Z\n/);
    const declared = Object.keys((loadYaml('action.yml') as { inputs: object }).inputs);
    expect(Object.keys(action.with ?? {}).filter((k) => !declared.includes(k))).toEqual([]);
    expect(action.with?.['secret-envs']).toBeUndefined();
  });

  test('its Dockerfile mounts every secret the workflow gives, and the preflight has nothing to say', () => {
    const ids = secretIds(action.with);
    expect(ids).toEqual(['npm_token']);
    expect(findings(block('dockerfile'), ids)).toEqual([]);
  });
});

describe('examples/npm-token', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'examples/npm-token/Dockerfile'), 'utf8');

  test('the secrets CI gives it are exactly the ones it mounts', () => {
    const ci = loadYaml('.github/workflows/ci.yml') as { jobs: Record<string, { steps: Step[] }> };
    const step = Object.values(ci.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.with?.context === 'examples/npm-token')!;
    expect(findings(dockerfile, secretIds(step.with))).toEqual([]);
  });

  test('and so are those of .env.example', () => {
    const env = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const secrets = /^INPUT_SECRETS=(.*)$/m.exec(env)![1];
    expect(findings(dockerfile, secretIds({ secrets }))).toEqual([]);
  });
});
