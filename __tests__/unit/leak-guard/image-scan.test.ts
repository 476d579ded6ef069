import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { ImageScanner } from '../../../src/leak-guard/image-scan.js';
import { Redactor } from '../../../src/secrets/redactor.js';
import { ENCODINGS } from '../../support/encodings.js';
import { makeTar } from '../../support/tar.js';

const SECRET = Buffer.from('scan-secret-value-0123');
const redactor = () => Redactor.forSecrets([{ id: 'tok', value: SECRET }]);

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

describe('ImageScanner: what is not file content', () => {
  async function tarWith(entries: (Partial<tar.Header> & { name: string; content?: Buffer })[]): Promise<Buffer> {
    const pack = tar.pack();
    for (const { content, ...h } of entries) {
      if (content) pack.entry(h, content);
      else pack.entry(h);
    }
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }
  const s = SECRET.toString();

  test.each<[string, Partial<tar.Header> & { name: string; content?: Buffer }]>([
    ['a file named after the secret', { name: `d/${s}`, content: Buffer.from('x') }],
    ['a directory named after it', { name: `${s}/`, type: 'directory' }],
    ['a symlink pointing at it', { name: 'link', type: 'symlink', linkname: s }],
    ['a hard link to it', { name: 'hard', type: 'link', linkname: `d/${s}` }],
    ['an owner name', { name: 'f', uname: s, content: Buffer.from('x') }]
  ])('%s is found, in a layer of an image', async (_what, entry) => {
    const layer = gzipSync(await tarWith([entry]));
    const scanner = new ImageScanner(redactor());
    await scanner.scanTar(Readable.from([await makeTar({ 'blobs/sha256/bbbb': layer })]));
    expect(scanner.findings.map((f) => f.id)).toContain('tok');
  });

  test('file and symlink names in a local output directory are found', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-scan-'));
    try {
      fs.writeFileSync(path.join(dir, 'clean'), 'x');
      fs.symlinkSync(s, path.join(dir, 'link'));
      const byLink = new ImageScanner(redactor());
      await byLink.scanDir(dir, '(local output)');
      expect(byLink.findings.map((f) => f.path)).toEqual(['link']);
      fs.rmSync(path.join(dir, 'link'));
      fs.writeFileSync(path.join(dir, s), 'x');
      const byName = new ImageScanner(redactor());
      await byName.scanDir(dir, '(local output)');
      expect(byName.findings.map((f) => f.path)).toEqual([s]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a zstd-compressed layer cannot be read, so it fails the scan instead of passing as clean', async () => {
    const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(100, 7)]);
    const scanner = new ImageScanner(redactor());
    await expect(scanner.scanTar(Readable.from([await makeTar({ 'blobs/sha256/cccc': zstd })]))).rejects.toThrow(
      /zstd-compressed, which the scanner cannot read/
    );
  });

  test('only the JSON documents of an image archive are kept for reading its structure, not every small file', async () => {
    const scanner = new ImageScanner(redactor());
    await scanner.scanTar(
      Readable.from([
        await makeTar({
          'index.json': Buffer.from('{"manifests":[]}'),
          'page.html': Buffer.from('<html>'),
          'site/app.json': Buffer.from('{"name":"app"}'),
          'data.bin': Buffer.alloc(1000, 1)
        })
      ])
    );
    expect([...scanner.documents.keys()]).toEqual(['index.json']);
  });
});

describe('fragments in image files (property)', () => {
  test('16+ bytes of a secret with other bytes, raw, in base64 at any alignment and wrapping or in any hex dump, inside a gzip layer, are found', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Bytes that are not text, as the search takes them (README): no run of four equal bytes, eight or more distinct.
        fc
          .uint8Array({ minLength: 15, maxLength: 120 })
          .map((a) => Buffer.concat([Buffer.from([0xff]), Buffer.from(a)]))
          .filter((b) => new Set(b).size >= 8 && !/(.)\1\1\1/s.test(b.toString('latin1'))),
        fc.constantFrom(...Object.keys(ENCODINGS)),
        fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
        fc.nat(),
        fc.nat(),
        async (secret, encoding, filler, from, len) => {
          const a = from % (secret.length - 15);
          const piece = secret.subarray(a, a + 16 + (len % (secret.length - a - 15)));
          // Line breaks are not counted: a file's own cannot be told from a secret's (see README, leak guard).
          fc.pre(piece.filter((c) => c !== 0x0a).length >= 16);
          fc.pre(!(filler[0] === 0x1f && filler[1] === 0x8b)); // that file would be read as gzip
          // The encoded text on lines of its own, between binary bytes (a dump written into a file).
          const encoded = Buffer.from(ENCODINGS[encoding](Buffer.concat([filler.subarray(0, 5), piece])), 'latin1');
          const file = Buffer.concat([filler, Buffer.from('\n'), encoded, Buffer.from('\n'), filler]);
          const scanner = new ImageScanner(Redactor.forSecrets([{ id: 'frag', value: secret }]));
          const layer = gzipSync(await makeTar({ 'app/config': file }));
          await scanner.scanTar(Readable.from([await makeTar({ 'blobs/sha256/dddd': layer })]));
          expect(scanner.findings.map((f) => f.id)).toEqual(['frag']);
        }
      ),
      { numRuns: 120 }
    );
  });
});
