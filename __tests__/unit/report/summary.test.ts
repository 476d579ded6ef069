/** The job summary's finding tables: one row a finding, hostile names escaped, rows capped, never a value. */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Redactor } from '../../../src/detection/redactor.js';
import {
  CELL_CHARS,
  cellText,
  findingTables,
  MAX_ROWS,
  newReport,
  summaryRows,
  withFacts,
  type Facts,
  type ImageFinding
} from '../../../src/report/summary.js';

const SECRET = 'ghp_Zq8LmN3pR5tV7xY9aB2cD4eF6gH8jK0l';
const scrub = (t: string) => Redactor.forSecrets([{ id: 'gh', value: Buffer.from(SECRET) }]).scrub(t);

const image = (over: Partial<ImageFinding> = {}): ImageFinding => ({
  id: 'gh',
  platform: 'linux/arm64',
  layer: 'blobs/sha256/0123abcd',
  path: 'app/.npmrc',
  step: 'RUN /bin/sh -c cp /run/secrets/gh /app/.npmrc # buildkit',
  forms: ['raw', 'base64'],
  ...over
});

const facts = (over: Partial<Facts>): Facts => ({ checks: [], notScanned: [], ...over });
/** The table's body rows as text, tags stripped. */
const rowsOf = (f: Facts, title: string) =>
  findingTables(f, scrub)
    .find((t) => t.title === title)!
    .rows.slice(1)
    .map((r) => r.map((c) => (typeof c === 'string' ? c.replace(/<[^>]+>/g, ' ').trim() : c.data)));

describe('finding tables', () => {
  test('an image finding: id, platform, layer, path, the step from the history, the forms', () => {
    expect(rowsOf(facts({ imageFindings: [image()] }), 'Secrets found in what the build produced')).toEqual([
      ['gh', 'linux/arm64', 'blobs/sha256/0123abcd  app/.npmrc  step:  RUN /bin/sh -c cp /run/secrets/gh /app/.npmrc # buildkit', 'raw; base64']
    ]);
  });

  test('a preflight finding: severity, rule, file:line, message', () => {
    const f = facts({
      preflightFindings: [{ severity: 'error', rule: 'credential-written', file: 'app/Dockerfile', line: 7, message: 'RUN writes it' }]
    });
    expect(rowsOf(f, 'Dockerfile preflight findings')).toEqual([['error', 'credential-written', 'app/Dockerfile&#58;7', 'RUN writes it']]);
  });

  test('what was skipped, and why', () => {
    const f = facts({ skipped: [{ what: 'Dockerfile preflight', why: 'the context is remote' }] });
    expect(rowsOf(f, 'Skipped')).toEqual([['Dockerfile preflight', 'the context is remote']]);
  });

  test('no findings and nothing skipped: no tables', () => {
    expect(findingTables(facts({}))).toEqual([]);
  });

  test(`more than ${MAX_ROWS} findings: ${MAX_ROWS} rows, then one that counts the rest`, () => {
    const many = Array.from({ length: MAX_ROWS + 12 }, (_, k) => image({ path: `f${k}` }));
    const rows = rowsOf(facts({ imageFindings: many }), 'Secrets found in what the build produced');
    expect(rows).toHaveLength(MAX_ROWS + 1);
    expect(rows.at(-1)![0]).toBe('… and 12 more, see the annotations');
  });

  test('withFacts keeps the rows of both, in order', () => {
    const a = withFacts(newReport(), { imageFindings: [image({ path: 'a' })], skipped: [{ what: 'x', why: 'y' }] });
    const b = withFacts(a, { imageFindings: [image({ path: 'b' })], preflightFindings: [] });
    expect(b.imageFindings!.map((f) => f.path)).toEqual(['a', 'b']);
    expect(b.skipped).toEqual([{ what: 'x', why: 'y' }]);
  });
});

describe('hostile text from the image', () => {
  test.each([
    ['a pipe and a backtick', 'a|b`c`', 'a&#124;b&#96;c&#96;'],
    ['HTML', '<script>alert(1)</script>', '&#60;script&#62;alert(1)&#60;/script&#62;'],
    ['a blank line and Markdown after it', 'x\n\n# Title\n[link](http://e)', 'x\\n\\n# Title\\n&#91;link&#93;(http&#58;//e)'],
    ['a workflow command', '::error::pwned', '&#58;&#58;error&#58;&#58;pwned'],
    ['a mention', '@octocat', '&#64;octocat'],
    ['control characters', 'a\r\tb\u001bc\u2028d', 'a\\r\\tb\\x1bc\\u2028d']
  ])('%s', (_name, text, want) => {
    expect(cellText(text, (t) => t)).toBe(want);
  });

  test('any path, id, step or form: the rendered tables have no line break, no raw markup, no secret, and stay small (property)', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.string({ unit: fc.constantFrom('|', '`', '<', '>', '&', '\n', '\r', ':', '@', '"', "'", '\u2028', '[', ']', 'a', ' ', '*', '_'), maxLength: 60 }),
      fc.constant(`x${SECRET}y`),
      fc.constant(Buffer.from(SECRET).toString('base64'))
    );
    const finding = fc.record({
      id: hostile,
      platform: fc.option(hostile, { nil: undefined }),
      layer: hostile,
      path: hostile,
      step: fc.option(hostile, { nil: undefined }),
      forms: fc.array(hostile, { maxLength: 3 })
    });
    fc.assert(
      fc.property(
        fc.array(finding, { maxLength: MAX_ROWS + 5 }),
        fc.array(fc.record({ what: hostile, why: hostile }), { maxLength: 3 }),
        (imageFindings, skipped) => {
          const html = findingTables(facts({ imageFindings, skipped }), scrub)
            .flatMap((t) => t.rows.flat())
            .map((c) => (typeof c === 'string' ? c : c.data))
            .join('');
          expect(html).not.toMatch(/[\r\n\u2028\u2029|`@]/);
          // The only tags are the ones the renderer writes.
          expect(html.replace(/<\/?(code|br)>/g, '')).not.toMatch(/[<>]/);
          expect(html).not.toContain(SECRET);
          expect(html).not.toContain(Buffer.from(SECRET).toString('base64'));
          // A cell holds at most CELL_CHARS characters, each at most 8 once escaped: far below the 1 MiB a summary may hold.
          expect(html.length).toBeLessThan((MAX_ROWS + 1) * 6 * CELL_CHARS * 8);
        }
      ),
      { numRuns: 150 }
    );
  });

  test('the overview rows keep line breaks as references: a blank line in an error cannot end the HTML block', () => {
    const rows = summaryRows({ ...newReport(), error: 'line one\n\n# not a heading', notScanned: ['a\nb'] });
    for (const [, v] of rows) expect(v).not.toMatch(/[\r\n]/);
    expect(rows.find(([k]) => k === 'Error')![1]).toBe('<pre>line one&#10;&#10;# not a heading</pre>');
  });
});
