import { describe, expect, test } from '@jest/globals';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { ImageScanner } from '../../../src/leak-guard/image-scan.js';
import { maskVariants } from '../../../src/secrets/variants.js';
import { Redactor } from '../../../src/secrets/redactor.js';

const SECRET = Buffer.from('scan-secret-value-0123');
const redactor = () => new Redactor(maskVariants(SECRET).map((bytes) => ({ bytes, tag: 'tok' })));

async function makeTar(files: Record<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** A stream that hands out `data` in chunks of the given size. */
const chunked = (data: Buffer, size: number) =>
  Readable.from(
    (function* () {
      for (let o = 0; o < data.length; o += size) yield data.subarray(o, o + size);
    })()
  );

describe('ImageScanner', () => {
  test('finds a secret in a gzip layer inside an OCI-like image tar, across chunk boundaries', async () => {
    const big = Buffer.alloc(300_000, 0x41);
    SECRET.copy(big, 65_530); // straddles a 64 KiB boundary
    const layer = gzipSync(await makeTar({ 'app/big.bin': big, 'app/clean.txt': Buffer.from('nothing here') }));
    const image = await makeTar({ 'blobs/sha256/aaaa': layer, 'index.json': Buffer.from('{"clean": true}') });
    for (const size of [1, 7, 4096, 65_536]) {
      const s = new ImageScanner(redactor());
      await s.scanTar(chunked(image, size));
      expect(s.findings).toEqual([{ id: 'tok', layer: 'blobs/sha256/aaaa', path: 'app/big.bin' }]);
      expect(s.stats.files).toBe(3);
    }
  });

  test('finds encoded variants in plain files at the top level (image config)', async () => {
    const config = Buffer.from(JSON.stringify({ history: [{ created_by: `echo ${SECRET.toString('base64')}` }] }));
    const s = new ImageScanner(redactor());
    await s.scanTar(Readable.from([await makeTar({ 'abc.json': config })]));
    expect(s.findings).toEqual([{ id: 'tok', layer: 'abc.json', path: 'abc.json' }]);
  });

  test('a clean image has no findings', async () => {
    const s = new ImageScanner(redactor());
    await s.scanTar(Readable.from([await makeTar({ 'x/layer.tar': await makeTar({ 'etc/passwd': Buffer.from('root:x:0:0') }) })]));
    expect(s.findings.length).toBe(0);
  });
});
