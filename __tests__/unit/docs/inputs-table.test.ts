/**
 * The README's inputs and outputs tables are generated (npm run docs: scripts/inputs-table.mjs)
 * from src/inputs/table.ts and action.yml. They fail here when either changes without the
 * README, and the script is checked to notice drift and to rewrite only between its markers.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INPUTS, OUTPUTS } from '../../../src/inputs/table.js';
import { ROOT } from '../../support/yaml.js';

const SCRIPT = path.join(ROOT, 'scripts/inputs-table.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
const readme = () => fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const between = (text: string, name: string) => text.slice(text.indexOf(`<!-- ${name}:start -->`), text.indexOf(`<!-- ${name}:end -->`));

describe('the README inputs and outputs tables', () => {
  test('are what npm run docs writes from src/inputs/table.ts and action.yml (fix: npm run docs)', () => {
    const r = run('--check');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('name every input of the table and every output, each once, in a row of its own', () => {
    const inputs = between(readme(), 'inputs-table');
    for (const name of Object.keys(INPUTS)) expect(inputs.split('\n').filter((l) => l.startsWith(`| \`${name}\` `))).toHaveLength(1);
    const outputs = between(readme(), 'outputs-table');
    for (const name of OUTPUTS) expect(outputs.split('\n').filter((l) => l.startsWith(`| \`${name}\` `))).toHaveLength(1);
  });

  test('the script notices a drifted table and rewrites only the part between the markers', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    try {
      const file = path.join(dir, 'README.md');
      const good = readme();
      const drifted = good
        .replace(/^\| `leak-check` .*$/m, '| `leak-check` | `warn` | old | stale row |')
        .replace('## Why', '## Why (text outside the markers)');
      expect(drifted).toContain('stale row');
      fs.writeFileSync(file, drifted);
      expect(run('--check', '--readme', file).status).toBe(1);
      expect(fs.readFileSync(file, 'utf8')).toBe(drifted);
      expect(run('--readme', file).status).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe(good.replace('## Why', '## Why (text outside the markers)'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
