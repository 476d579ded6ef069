/** Cuts `data` at the given points and streams the pieces through a fresh scrubber: output must not depend on where chunks end. */
import { StreamScrubber } from '../../src/detection/redactor.js';
import type { SecretSearch } from '../../src/detection/search.js';

export function streamIn(search: SecretSearch, data: Buffer, cuts: number[]): Buffer {
  const s = new StreamScrubber(search);
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    out.push(s.push(data.subarray(prev, p)));
    prev = p;
  }
  out.push(s.flush());
  return Buffer.concat(out);
}
