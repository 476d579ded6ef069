/**
 * action.yml as the runner and @github/local-action read it: a strict YAML parse
 * (the `yaml` package, which local-action uses), then the contract with the code:
 * node24, both entry points bundled, and exactly the inputs and outputs of the table.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { INPUTS, OUTPUTS } from '../../../src/inputs/table.js';
import { POST_IF } from '../../../src/post-gate.js';
import { loadAction, loadYaml, ROOT } from '../../support/yaml.js';

describe('action.yml', () => {
  const action = loadAction();

  test("runs on node24 with a main and a post step whose condition is post-gate.ts's, both bundled", () => {
    expect(action.runs.using).toBe('node24');
    expect(action.runs['post-if']).toBe(POST_IF);
    for (const entry of [action.runs.main, action.runs.post!]) expect(fs.existsSync(path.join(ROOT, entry))).toBe(true);
  });

  test('declares exactly the inputs the code reads, with the same defaults', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(INPUTS).sort());
    for (const [name, def] of Object.entries(INPUTS)) {
      const declared = action.inputs[name].default;
      expect([name, declared === undefined ? undefined : String(declared)]).toEqual([name, 'default' in def ? def.default : undefined]);
      expect(action.inputs[name].description).toBeTruthy();
    }
  });

  test('declares exactly the outputs the code sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUTS].sort());
  });

  test('a plain scalar holding ": " is refused, as the runner refuses it', () => {
    const bad = 'inputs:\n  x:\n    description: never secrets: they land in history\n';
    expect(YAML.parseDocument(bad, { strict: true }).errors.length).toBeGreaterThan(0);
  });
});

describe('workflows and templates', () => {
  const files = ['.github/workflows', 'workflow-templates'].flatMap((d) =>
    fs
      .readdirSync(path.join(ROOT, d))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => `${d}/${f}`)
  );
  test.each(files)('%s loads strictly', (f) => {
    expect(loadYaml(f)).toHaveProperty('jobs');
  });
});
