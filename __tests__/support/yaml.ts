/** YAML as the runner and @github/local-action load it: strictly, with the `yaml` package. Shared by every harness. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Strict: duplicate keys, unresolved tags and any warning fail the load. */
export function loadYaml(file: string): unknown {
  const doc = YAML.parseDocument(fs.readFileSync(path.resolve(ROOT, file), 'utf8'), { strict: true, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length || doc.warnings.length) throw new Error(`${file}: ${[...doc.errors, ...doc.warnings].map((e) => e.message).join('\n')}`);
  return doc.toJS();
}

export interface ActionYml {
  runs: { using: string; main: string; post?: string; 'post-if'?: string };
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description?: string }>;
}

export const loadAction = (): ActionYml => loadYaml('action.yml') as ActionYml;

/** INPUT_* as the runner sets them: every input with a default gets it unless the workflow gives a value. */
export function runnerInputs(given: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, def] of Object.entries(loadAction().inputs)) if (def.default !== undefined) env[`INPUT_${name.toUpperCase()}`] = String(def.default);
  for (const [name, value] of Object.entries(given)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return env;
}
