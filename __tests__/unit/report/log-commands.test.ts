/**
 * No text the action prints becomes a workflow command it did not mean to issue, whatever
 * bytes it holds (a file name from the image, a link target, a PAX record, a message):
 * the real @actions/core writes to stdout, and a model of the runner's command parser
 * reads it (a line starting with `::` after trimming, or `##[` anywhere in a line; LF or a
 * bare CR ends a line; `::stop-commands::<token>` turns commands off until `::<token>::`).
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import fc from 'fast-check';
import { Log } from '../../../src/report/log.js';
import { runnerCommands } from '../../support/runner-commands.js';

let out: string[];
beforeEach(() => {
  out = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    out.push(String(chunk));
    rest.find((r): r is () => void => typeof r === 'function')?.();
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** Strings an attacker would try first, and arbitrary ones, control characters included. */
const hostile = fc.oneof(
  fc.constantFrom(
    'x\n::warning::pwned',
    'x\n::add-mask::secret-build',
    'a\r::stop-commands::abc\n::error::b',
    '  ::error file=x::y',
    'text ##[add-mask]word',
    '##[set-output name=x;]y',
    '%0A::warning::x',
    'name\u0085::warning::x'
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.array(fc.constantFrom('::', '\n', '\r', '##[', 'warning', 'add-mask', '::stop-commands::', ' ', 'x', '%'), { maxLength: 12 }).map((a) => a.join(''))
);

describe('what the Log prints never issues a command it did not mean', () => {
  const log = Log.forSecrets([]);

  test('info: no command at all', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        out = [];
        log.info(`secret-build image scan: could not scan ${s}`);
        expect(runnerCommands(out.join(''))).toEqual([]);
        // The text itself is still printed, whole.
        expect(out.join('')).toContain(s.replace(/\r/g, '\r'));
      })
    );
  });

  test.each(['notice', 'warning', 'error'] as const)('%s: exactly one %s annotation, holding the whole text', (level) => {
    fc.assert(
      fc.property(hostile, (s) => {
        out = [];
        log[level](`leak guard: secret "tok" found in the built image: ${s}`, { title: 'secret-build leak guard', file: 'Dockerfile', startLine: 2 });
        // The runner trims each line before it unescapes the data: trailing blanks of the text are not compared.
        const text = `leak guard: secret "tok" found in the built image: ${s}`;
        const escaped = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').trimEnd();
        expect(runnerCommands(out.join(''))).toEqual([{ name: level, data: escaped.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%') }]);
      })
    );
  });

  test('debug and group titles: one command each, holding the text', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        out = [];
        log.debug(s);
        await log.group(s, () => Promise.resolve());
        expect(runnerCommands(out.join('')).map((c) => c.name)).toEqual(['debug', 'group', 'endgroup']);
      })
    );
  });
});

describe('the model of the runner parser', () => {
  test('reads what it should', () => {
    expect(runnerCommands('a\n::warning::x\n')).toEqual([{ name: 'warning', data: 'x' }]);
    expect(runnerCommands('a\r::add-mask::x')).toEqual([{ name: 'add-mask', data: 'x' }]);
    expect(runnerCommands('  ::error file=a,line=1::m%0Ab')).toEqual([{ name: 'error', data: 'm\nb' }]);
    expect(runnerCommands('foo ##[add-mask]bar')).toHaveLength(1);
    expect(runnerCommands('::stop-commands::t\n::warning::x\n::t::\n::notice::y')).toEqual([{ name: 'notice', data: 'y' }]);
  });
});
