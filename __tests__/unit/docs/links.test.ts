/**
 * The documentation's links and paths against the tree: every relative link in README.md,
 * CONTRIBUTING.md, SECURITY.md and docs/ points at a file or folder that exists, every
 * `#anchor` at a heading of its target (GitHub's slugs), and every backticked repository
 * path (`src/leak-guard/plan.ts`, `__tests__/e2e/`) exists. Code blocks are not read.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../support/yaml.js';

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = `${dir}/${d.name}`;
    if (d.isDirectory()) return markdownFiles(rel);
    return d.name.endsWith('.md') ? [rel] : [];
  });
}

const DOCS = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', ...markdownFiles('docs')];

/** The text without fenced code blocks (their lines become empty, so line numbers stay). */
function prose(text: string): string {
  let fence: string | undefined;
  return text
    .split('\n')
    .map((line) => {
      const m = /^\s*(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = undefined;
        return '';
      }
      if (m) {
        fence = m[1];
        return '';
      }
      return line;
    })
    .join('\n');
}

/** GitHub's heading anchor: the heading's text as rendered, lower-cased, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .replace(/(^|\s)_+|_+(\s|$)/g, '$1$2');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown file offers: its headings (duplicates numbered as GitHub does) and explicit HTML ids. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(text).matchAll(/^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** Inline links `[text](target)`, images and reference definitions, outside code. */
function links(text: string): string[] {
  const body = prose(text).replace(/`[^`\n]*`/g, '');
  const inline = [...body.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const refs = [...body.matchAll(/^\s{0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...refs];
}

const TOP = ['src', '__tests__', 'scripts', 'docs', 'bench', 'examples', '.github', '.ci', 'workflow-templates', 'dist'];
const REPO_PATH = new RegExp(`^(?:${TOP.map((t) => t.replace('.', '\\.')).join('|')})/[\\w./@-]*$`);

/** Inline code that is a path in this repository (under one of its top folders, no placeholders). */
function repoPaths(text: string): string[] {
  return [...prose(text).matchAll(/`([^`\n]+)`/g)].map((m) => m[1].replace(/:\d+$/, '')).filter((p) => REPO_PATH.test(p));
}

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

describe.each(DOCS)('%s', (file) => {
  const text = read(file);

  test('relative links point at files that exist, and anchors at headings of their target', () => {
    const broken: string[] = [];
    for (const link of links(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
      const [target, anchor] = link.split('#', 2);
      const resolved = target ? path.join(path.dirname(path.join(ROOT, file)), decodeURIComponent(target)) : path.join(ROOT, file);
      if (!fs.existsSync(resolved)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      if (anchor !== undefined) {
        if (!resolved.endsWith('.md')) broken.push(`${link}: an anchor into a file that is not Markdown`);
        else if (!anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${link}: no heading with that anchor`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('backticked repository paths exist', () => {
    expect(repoPaths(text).filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([]);
  });
});

describe('the checks themselves', () => {
  test("GitHub's slugs", () => {
    expect(slug('Migrating from docker/build-push-action')).toBe('migrating-from-dockerbuild-push-action');
    expect(slug('Build, scan, then publish the scanned bytes')).toBe('build-scan-then-publish-the-scanned-bytes');
    expect(slug('The `call` input: what *check* does')).toBe('the-call-input-what-check-does');
    expect(slug('[1.0.0] - 2026-12-06')).toBe('100---2026-12-06');
    expect(slug('Runs without secrets: forks and Dependabot')).toBe('runs-without-secrets-forks-and-dependabot');
    expect([...anchors('# A\n## B\n## B\n```\n# not a heading\n```\n')]).toEqual(['a', 'b', 'b-1']);
  });

  test('links, not code; paths only where they look like repository paths', () => {
    const sample = 'See [x](docs/a.md#b), ![i](img.png "t") and `[no](link.md)`.\n```\n[no](code.md)\n```\n[ref]: ../up.md\n';
    expect(links(sample)).toEqual(['docs/a.md#b', 'img.png', '../up.md']);
    const paths = 'the `src/leak-guard/plan.ts`, `publish.ts`, `__tests__/unit/<folder>/`, `docker buildx build`, `src/x.ts:12`, `.github/workflows/`';
    expect(repoPaths(paths)).toEqual(['src/leak-guard/plan.ts', 'src/x.ts', '.github/workflows/']);
  });

  test('a broken link and a stale path are found', () => {
    expect(links('[gone](docs/nothing-here.md)').filter((l) => !fs.existsSync(path.join(ROOT, l)))).toEqual(['docs/nothing-here.md']);
    expect(anchors(read('docs/security-model.md')).has('shared-builders')).toBe(true);
    expect(anchors(read('docs/security-model.md')).has('no-such-section')).toBe(false);
  });
});
