/**
 * The Layout section of docs/architecture.md against the tree: every file or folder it names exists, and
 * every folder and file of src/ is named (a folder's files in its description, by name;
 * leak-guard/preflight/ as a folder).
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../support/yaml.js';

/** The Layout block: each entry's first column (paths) and its description (continuation lines joined). */
function layout(): { paths: string[]; text: string }[] {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const block = /## Layout\n\n```\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/architecture.md has no Layout block');
  const entries: { paths: string[]; text: string }[] = [];
  for (const line of block.split('\n').filter(Boolean)) {
    if (/^\s/.test(line)) entries[entries.length - 1].text += ` ${line.trim()}`;
    else {
      const m = /^(\S+(?:, \S+)*(?: \S+\/)?)\s{2,}(.*)$/.exec(line);
      if (!m) throw new Error(`Layout line without two columns: ${line}`);
      entries.push({ paths: m[1].split(/,? /), text: m[2] });
    }
  }
  return entries;
}

const files = (dir: string) => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true });

describe('the Layout in docs/architecture.md matches the tree', () => {
  const entries = layout();
  const named = entries.flatMap((e) => e.paths);

  test('every path it names exists', () => {
    const missing = named.filter((p) => !p.includes('<') && !fs.existsSync(path.join(ROOT, p)));
    expect(missing).toEqual([]);
  });

  test('every folder of src/ is named, and every file of a named folder is in its description', () => {
    const folders = files('src')
      .filter((d) => d.isDirectory())
      .map((d) => `src/${d.name}/`);
    expect(folders.filter((f) => !named.includes(f))).toEqual([]);
    const unlisted = entries.flatMap((e) =>
      e.paths
        .filter((p) => p.startsWith('src/') && p.endsWith('/'))
        .flatMap((dir) =>
          files(dir)
            .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
            .filter((name) => !new RegExp(`(^|[\\s(,])${name.replace(/[.]/g, '\\.')}([\\s),:;]|$)`).test(e.text))
            .map((name) => `${dir}${name}`)
        )
    );
    expect(unlisted).toEqual([]);
  });

  test('every file directly in src/ is named', () => {
    const top = files('src')
      .filter((d) => d.isFile())
      .map((d) => `src/${d.name}`);
    expect(top.filter((f) => !named.includes(f))).toEqual([]);
  });
});
