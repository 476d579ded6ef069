/**
 * Which paths of the build context never reach the builder (`.dockerignore`), and
 * which a COPY/ADD source takes in. Both use Docker's pattern rules, through
 * @balena/dockerignore (a port of Docker's own fileutils matcher): patterns relative
 * to the context root, `**` across elements, `!` re-includes, last match wins, and a
 * pattern that names a directory covers what is in it.
 */
import factory from '@balena/dockerignore';
import * as fs from 'node:fs';
import * as path from 'node:path';

// CommonJS (`module.exports = factory`) typed as an ES module with a default export.
const dockerignore = factory as unknown as (typeof factory)['default'];

export type PathFilter = (rel: string) => boolean;

export function parseDockerignore(text: string): PathFilter {
  const ig = dockerignore({ ignorecase: false }).add(text.split(/\r?\n/));
  return (rel) => ig.ignores(rel);
}

/** The rules for a build: `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's .dockerignore. */
export function readDockerignore(context: string, dockerfile: string): PathFilter {
  for (const f of [`${dockerfile}.dockerignore`, path.join(context, '.dockerignore')]) {
    try {
      return parseDockerignore(fs.readFileSync(f, 'utf8'));
    } catch {
      // try the next one
    }
  }
  return () => false;
}

/** Whether a COPY/ADD source (a path, a directory, or a glob) takes in the context path `rel`. */
export function sourceCovers(src: string, rel: string): boolean {
  const clean = path.posix.normalize(src.replace(/^\/+/, ''));
  if (clean === '.' || clean === './') return true;
  return parseDockerignore(clean)(rel);
}
