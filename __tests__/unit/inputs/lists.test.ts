/** parseList against docker/build-push-action's list syntax (@docker/actions-toolkit `Util.getInputList`/`getList`), with their published cases. */
import { describe, expect, test } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { InputError } from '../../../src/errors.js';
import { parseList, type ListOptions } from '../../../src/inputs/lists.js';

/**
 * A reference port of actions-toolkit's `Util.getList`, fed the way `getInputList`
 * feeds it (`core.getInput` trims unless `trimWhitespace: false`).
 */
function toolkitGetInputList(text: string, o: ListOptions = {}): string[] {
  const input = o.trimWhitespace === false ? text : text.trim();
  if (input === '') return [];
  const records = parse(input, { columns: false, relaxQuotes: true, relaxColumnCount: true, skipEmptyLines: true, quote: o.quote });
  const res: string[] = [];
  for (const record of records) {
    if (record.length === 1) res.push(...(o.ignoreComma ? [record[0]] : record[0].split(',')));
    else if (!o.ignoreComma) res.push(...record);
    else res.push(record.join(','));
  }
  return res.filter((item) => item).map((item) => (o.trimWhitespace === false ? item : item.trim()));
}

const noComma: ListOptions = { ignoreComma: true };
const outputsOpts: ListOptions = { ignoreComma: true, quote: false };
const PGP = `-----BEGIN PGP PRIVATE KEY BLOCK-----

lQdGBF6tzaABEACjFbX7PFEG6vDPN2MPyxYW7/3o/sonORj4HXUFjFxxJxktJ3x3
N1ayHPJ1lqIeoiY7jVbq0ZdEVGkd3YsKG9ZMdZkzGzY6PQPC/+M8OnzOiOPwUdWc
=WbwB
-----END PGP PRIVATE KEY BLOCK-----`;
const KEEP_QUOTES = `type=image,"name=ghcr.io/nginxinc/nginx-unprivileged,docker.io/nginxinc/nginx-unprivileged",push-by-digest=true,name-canonical=true,push=true`;

// [name, text, options, expected]: actions-toolkit __tests__/util.test.ts `describe('getInputList')`
// (the same cases as build-push-action's former __tests__/context.test.ts), then
// build-push-action __tests__/context.test.ts getArgs cases that exercise list inputs.
const UPSTREAM: [string, string, ListOptions, string[]][] = [
  ['single line', 'bar', {}, ['bar']],
  ['empty', '', {}, []],
  ['multiline', 'bar\nbaz', {}, ['bar', 'baz']],
  ['empty lines', 'bar\n\nbaz', {}, ['bar', 'baz']],
  ['comma', 'bar,baz', {}, ['bar', 'baz']],
  ['empty result', 'bar,baz,', {}, ['bar', 'baz']],
  ['different new lines', 'bar\r\nbaz', {}, ['bar', 'baz']],
  ['different new lines and comma', 'bar\r\nbaz,bat', {}, ['bar', 'baz', 'bat']],
  ['multiline and ignoring comma', 'user/app:cache\ntype=local,src=path/to/dir', noComma, ['user/app:cache', 'type=local,src=path/to/dir']],
  ['multiline and ignoring comment (# is not a comment)', 'foo=bar\nbar=qux#baz', {}, ['foo=bar', 'bar=qux#baz']],
  ['different new lines and ignoring comma', 'user/app:cache\r\ntype=local,src=path/to/dir', noComma, ['user/app:cache', 'type=local,src=path/to/dir']],
  ['do not escape surrounding quotes', '"env.no_proxy=localhost,127.0.0.1,.mydomain"', outputsOpts, ['"env.no_proxy=localhost,127.0.0.1,.mydomain"']],
  ['escape surrounding quotes', 'linux/amd64\n"linux/arm64,linux/arm/v7"', {}, ['linux/amd64', 'linux/arm64', 'linux/arm/v7']],
  [
    'multiline values',
    'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\n"MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc"\nFOO=bar',
    noComma,
    ['GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789', 'MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc', 'FOO=bar']
  ],
  [
    'multiline values with empty lines',
    'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\n"MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc"\nFOO=bar\n"EMPTYLINE=aaaa\n\nbbbb\nccc"',
    noComma,
    ['GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789', 'MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc', 'FOO=bar', 'EMPTYLINE=aaaa\n\nbbbb\nccc']
  ],
  [
    'preserves trailing new lines when trimming is disabled',
    '"PRIVATE_SSH_KEY=TESTESTTESTESTTESTESTTESTEST\nTESTESTTESTESTTESTESTTESTEST\nTESTESTTESTESTTESTESTTESTEST\n\n\n"\n',
    { ignoreComma: true, trimWhitespace: false },
    ['PRIVATE_SSH_KEY=TESTESTTESTESTTESTESTTESTEST\nTESTESTTESTESTTESTESTTESTEST\nTESTESTTESTESTTESTESTTESTEST\n\n\n']
  ],
  [
    'multiline values without quotes',
    'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\nMYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc\nFOO=bar',
    noComma,
    ['GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789', 'MYSECRET=aaaaaaaa', 'bbbbbbb', 'ccccccccc', 'FOO=bar']
  ],
  ['large multiline values', `"GPG_KEY=${PGP}"\nFOO=bar`, noComma, [`GPG_KEY=${PGP}`, 'FOO=bar']],
  [
    'multiline values escape quotes',
    'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\n"MYSECRET=aaaaaaaa\nbbbb""bbb\nccccccccc"\nFOO=bar',
    noComma,
    ['GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789', 'MYSECRET=aaaaaaaa\nbbbb"bbb\nccccccccc', 'FOO=bar']
  ],
  ['keep quotes (outputs)', KEEP_QUOTES, outputsOpts, [KEEP_QUOTES]],
  // build-push-action getArgs cases
  [
    'build-args with a quoted multi-line arg',
    'MY_ARG=val1,val2,val3\nARG=val\n"MULTILINE=aaaa\nbbbb\nccc"',
    noComma,
    ['MY_ARG=val1,val2,val3', 'ARG=val', 'MULTILINE=aaaa\nbbbb\nccc']
  ],
  ['tags with a space after the comma', 'name/app:7.4, name/app:latest', {}, ['name/app:7.4', 'name/app:latest']],
  [
    'labels with a comma in a value',
    'org.opencontainers.image.title=buildkit\norg.opencontainers.image.description=concurrent, cache-efficient, and Dockerfile-agnostic builder toolkit',
    noComma,
    ['org.opencontainers.image.title=buildkit', 'org.opencontainers.image.description=concurrent, cache-efficient, and Dockerfile-agnostic builder toolkit']
  ],
  [
    'labels with quotes inside a value',
    'org.opencontainers.image.title=filter_results_top_n\norg.opencontainers.image.description=Reference implementation of operation "filter results (top-n)"',
    noComma,
    [
      'org.opencontainers.image.title=filter_results_top_n',
      'org.opencontainers.image.description=Reference implementation of operation "filter results (top-n)"'
    ]
  ],
  ['build-args with #', 'FOO=bar#baz', noComma, ['FOO=bar#baz']],
  [
    'outputs keeping a quoted name list',
    'type=image,"name=localhost:5000/name/app:latest,localhost:5000/name/app:foo",push-by-digest=true,name-canonical=true,push=true',
    outputsOpts,
    ['type=image,"name=localhost:5000/name/app:latest,localhost:5000/name/app:foo",push-by-digest=true,name-canonical=true,push=true']
  ]
];

// [name, text, options, expected]: this action's own cases.
const OWN: [string, string, ListOptions, string[]][] = [
  ['a quoted entry loses its quotes', '"VERSION=24.10"', noComma, ['VERSION=24.10']],
  [
    'a quoted label keeps its comma',
    'a=b\n"org.opencontainers.image.description=fast, small"',
    noComma,
    ['a=b', 'org.opencontainers.image.description=fast, small']
  ],
  ['a quoted multi-line build arg', '"CERT=line1\nline2"\nX=y', noComma, ['CERT=line1\nline2', 'X=y']],
  ['outputs with quote:false keep quotes', '"type=local,dest=out"', outputsOpts, ['"type=local,dest=out"']],
  ['# lines are entries, not comments', '# not a comment\nA=1', noComma, ['# not a comment', 'A=1']],
  ['# lines split on commas without ignoreComma', '#a,b', {}, ['#a', 'b']],
  ['entries are trimmed', '  a  ,  b \n\t c\t', {}, ['a', 'b', 'c']],
  ['blank text', ' \n\t\n ', {}, []],
  // As upstream: empty entries are dropped before trimming, so a whitespace-only entry stays as ''.
  ['a whitespace-only entry becomes empty (filter, then trim)', 'a, ,b', {}, ['a', '', 'b']],
  ['empty entries are dropped', 'a,,b,\n,', {}, ['a', 'b']],
  ['trimWhitespace:false keeps whitespace', ' a \n b', { trimWhitespace: false }, [' a ', ' b']],
  ['a quoted field among others without ignoreComma', 'a,"b,c",d', {}, ['a', 'b,c', 'd']],
  ['a quoted field among others with ignoreComma', 'type=x,"n=a,b"', noComma, ['type=x,n=a,b']],
  ['a quote inside a field is kept (relaxQuotes)', 'a"b,c', {}, ['a"b', 'c']]
];

describe('parseList: build-push-action compatibility', () => {
  test.each(UPSTREAM)('upstream: %s', (_name, text, o, expected) => {
    expect(parseList('in', text, o)).toEqual(expected);
    expect(toolkitGetInputList(text, o)).toEqual(expected);
  });

  test.each(OWN)('%s', (_name, text, o, expected) => {
    expect(parseList('in', text, o)).toEqual(expected);
    expect(toolkitGetInputList(text, o)).toEqual(expected);
  });

  test('agrees with the toolkit reference on any text (property)', () => {
    const piece = fc.constantFrom('a', 'b=1', ',', '"', '""', '\n', '\r\n', ' ', '\t', '#', 'x y');
    const textArb = fc.array(piece, { maxLength: 24 }).map((p) => p.join(''));
    const optsArb = fc.record({ ignoreComma: fc.boolean(), quote: fc.constantFrom<false | undefined>(false, undefined), trimWhitespace: fc.boolean() });
    fc.assert(
      fc.property(textArb, optsArb, (text, o) => {
        let ours: string[] | 'error';
        let theirs: string[] | 'error';
        try {
          ours = parseList('in', text, o);
        } catch {
          ours = 'error';
        }
        try {
          theirs = toolkitGetInputList(text, o);
        } catch {
          theirs = 'error';
        }
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 500 }
    );
  });
});

describe('parseList: errors', () => {
  test.each([
    ['an unclosed quote', '"abc'],
    ['an unclosed quote on a later line', 'x\n"abc,def'],
    ['an unclosed quote after a comma', 'a,"b'],
    ['an escaped quote that never closes', '"a""']
  ])('%s is an InputError naming the input', (_name, text) => {
    expect(() => parseList('build-args', text, noComma)).toThrow(InputError);
    expect(() => parseList('build-args', text, noComma)).toThrow(/^input "build-args": not a valid list \(unbalanced double quotes/);
  });

  test('with quote:false a lone quote is an ordinary character', () => {
    expect(parseList('outputs', '"abc', outputsOpts)).toEqual(['"abc']);
  });

  test('an unbalanced quote error never contains the entry text (property)', () => {
    const token = fc.stringMatching(/^ghp_[A-Za-z0-9]{20,36}$/);
    const noQuote = fc.string({ maxLength: 40 }).map((s) => s.replaceAll('"', ''));
    fc.assert(
      fc.property(noQuote, token, noQuote, fc.boolean(), (before, secret, after, ignoreComma) => {
        const text = `${before}\n"${secret}${after}`;
        let message: string | undefined;
        try {
          parseList('build-args', text, { ignoreComma });
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          message = (e as Error).message;
        }
        expect(message).toMatch(/^input "build-args": /);
        expect(message).not.toContain(secret);
      })
    );
  });

  test('whatever the text, an error never contains a token from it (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/);
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), token, fc.string({ maxLength: 30 }), (before, secret, after) => {
        try {
          parseList('labels', `${before}${secret}${after}`, noComma);
        } catch (e) {
          expect((e as Error).message).not.toContain(secret);
        }
      })
    );
  });
});
