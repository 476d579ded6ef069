/** overlapping: which build records ran at the same time as ours (pure). */
import { describe, expect, test } from '@jest/globals';
import { concurrentNames, overlapping } from '../../../src/docker/history.js';

const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 3, 0, s)).toISOString();
const ours = { ref: 'ours', name: 'ours', created_at: at(10), completed_at: at(20) };

describe('overlapping', () => {
  test.each<[string, { ref: string; created_at: string; completed_at?: string }, boolean]>([
    ['started before, ended during', { ref: 'a', created_at: at(5), completed_at: at(12) }, true],
    ['started during, ended after', { ref: 'b', created_at: at(15), completed_at: at(30) }, true],
    ['inside', { ref: 'c', created_at: at(11), completed_at: at(19) }, true],
    ['still running', { ref: 'd', created_at: at(12) }, true],
    ['ended before ours began', { ref: 'e', created_at: at(1), completed_at: at(9) }, false],
    ['began after ours ended', { ref: 'f', created_at: at(21), completed_at: at(25) }, false]
  ])('%s: %s', (_name, other, overlaps) => {
    expect(overlapping([ours, other], 'ours', Date.parse(at(40))).map((r) => r.ref)).toEqual(overlaps ? [other.ref] : []);
  });

  test('our own record, and records without a start, are not others', () => {
    expect(overlapping([ours, { ref: 'x' }], 'ours')).toEqual([]);
    expect(overlapping([{ ref: 'y', created_at: at(12) }], 'ours')).toEqual([]);
  });
});

describe('concurrentNames', () => {
  const line = (r: object) => JSON.stringify(r);
  test('a build that has just started (empty name) is named by its id, never by an empty string', () => {
    const history = [
      line({ ref: 'default/default/ours', name: 'ours', created_at: at(10), completed_at: at(20) }),
      line({ ref: 'default/default/k3x9', name: '', created_at: at(12) }),
      line({ ref: 'default/default/n4m3', name: 'app', created_at: at(11), completed_at: at(13) }),
      'not json',
      line({ ref: 'default/default/old', name: 'old', created_at: at(1), completed_at: at(2) })
    ].join('\n');
    expect(concurrentNames(history, 'default/default/ours', Date.parse(at(40)))).toEqual(['k3x9', 'app']);
  });
});
