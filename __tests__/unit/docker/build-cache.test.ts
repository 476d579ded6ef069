/** docker/build-cache.ts: the records a blocked build made, by the builder's clock. */
import { describe, expect, test } from '@jest/globals';
import { goTime, recordsWithin } from '../../../src/docker/build-cache.js';

const rec = (ID: string, CreatedAt: string) => JSON.stringify({ ID, CreatedAt, Description: 'mount / from exec /bin/sh -c true', Type: 'regular' });

describe('recordsWithin', () => {
  test("Go's time as du prints it, to the millisecond, any offset", () => {
    expect(goTime('2026-12-06 15:19:27.677112027 +0000 UTC')).toBe(Date.parse('2026-12-06T15:19:27.677Z'));
    expect(goTime('2026-12-06 17:19:27 +0200 CEST')).toBe(Date.parse('2026-12-06T15:19:27Z'));
    expect(goTime('About a minute ago')).toBeNaN();
  });

  test('only records created inside the window; malformed lines and ids are skipped', () => {
    const start = Date.parse('2026-12-06T15:19:27Z');
    const du = [
      rec('before1', '2026-12-06 15:19:26.999000000 +0000 UTC'),
      rec('inside1', '2026-12-06 15:19:27.000000000 +0000 UTC'),
      rec('inside2', '2026-12-06 15:19:29.500000000 +0000 UTC'),
      rec('after1', '2026-12-06 15:19:30.001000000 +0000 UTC'),
      rec('bad|id', '2026-12-06 15:19:28.000000000 +0000 UTC'),
      'WARNING: not json',
      '{"ID": "nodate"}'
    ].join('\n');
    expect(recordsWithin(du, start, start + 3000)).toEqual(['inside1', 'inside2']);
  });
});
