/**
 * .dockerignore matching as BuildKit does it: patterns relative to the context root,
 * `*` and `?` within a path element, `**` across elements, `!` re-includes, the last
 * matching pattern wins, and a pattern that matches a directory covers what is in it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Rule {
  re: RegExp;
  exclude: boolean;
}

export function parseDockerignore(text: string): Rule[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const exclude = !l.startsWith('!');
      return { re: pathPattern(exclude ? l : l.slice(1).trim()), exclude };
    });
}

/** A context-relative glob as a RegExp that also matches everything below what it names. */
export function pathPattern(glob: string): RegExp {
  const clean = path.posix.normalize(glob.replace(/^\/+/, '')).replace(/\/$/, '');
  return clean === '.' ? /^/ : new RegExp(`^${globToRe(clean)}(/.*)?$`);
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function globToRe(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += escapeRe(c);
  }
  return re;
}

export function isIgnored(rules: Rule[], rel: string): boolean {
  let ignored = false;
  for (const r of rules) if (r.re.test(rel)) ignored = r.exclude;
  return ignored;
}

/** The rules for a build: `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's .dockerignore. */
export function readDockerignore(context: string, dockerfile: string): Rule[] {
  for (const f of [`${dockerfile}.dockerignore`, path.join(context, '.dockerignore')]) {
    try {
      return parseDockerignore(fs.readFileSync(f, 'utf8'));
    } catch {
      // try the next one
    }
  }
  return [];
}
