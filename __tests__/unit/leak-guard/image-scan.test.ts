import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { ImageScanner, MAX_DEPTH } from '../../../src/leak-guard/image-scan.js';
import { Redactor } from '../../../src/detection/redactor.js';
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
  test('each finding says the forms it was found in: raw, base64, hex, a piece, in a hex dump', async () => {
    const hexDump = (b: Buffer) =>
      b
        .toString('hex')
        .match(/.{1,32}/g)!
        .map((l, k) => `${(k * 16).toString(16).padStart(8, '0')}: ${l}`)
        .join('\n');
    const files = {
      'raw.txt': SECRET,
      'b64.txt': Buffer.from(SECRET.toString('base64')),
      'hex.txt': Buffer.from(SECRET.toString('hex')),
      'piece.txt': SECRET.subarray(2, 20),
      'dump.txt': Buffer.from(hexDump(Buffer.concat([Buffer.from('xx'), SECRET])))
    };
    const s = new ImageScanner(redactor());
    await s.scanTar(Readable.from([await makeTar(files)]));
    const forms = Object.fromEntries(s.findings.map((f) => [f.path, f.forms]));
    expect(forms['raw.txt']).toEqual(['raw']);
    expect(forms['b64.txt']).toEqual(['base64']);
    expect(forms['piece.txt']).toEqual(['a piece of: raw']);
    expect(forms['hex.txt'].join()).toMatch(/hex/);
    expect(forms['dump.txt'].join()).toMatch(/in a hex dump/);
    // Forms are words of the search, never the value or a piece of it.
    expect(JSON.stringify(s.findings)).not.toContain(SECRET.subarray(0, 8).toString('latin1'));
  });

  test('finds a secret in a gzip layer inside an OCI-like image tar, across chunk boundaries', async () => {
    const big = Buffer.alloc(300_000, 0x41);
    SECRET.copy(big, 65_530); // straddles a 64 KiB boundary
    const layer = gzipSync(await makeTar({ 'app/big.bin': big, 'app/clean.txt': Buffer.from('nothing here') }));
    const image = await makeTar({ 'blobs/sha256/aaaa': layer, 'index.json': Buffer.from('{"clean": true}') });
    for (const size of [1, 7, 4096, 65_536]) {
      const s = new ImageScanner(redactor());
      await s.scanTar(chunked(image, size));
      expect(s.findings).toEqual([{ id: 'tok', layer: 'blobs/sha256/aaaa', path: 'app/big.bin', forms: ['raw'] }]);
      expect(s.stats.files).toBe(3);
    }
  });

  test('finds encoded variants in plain files at the top level (image config)', async () => {
    const config = Buffer.from(JSON.stringify({ history: [{ created_by: `echo ${SECRET.toString('base64')}` }] }));
    const s = new ImageScanner(redactor());
    await s.scanTar(Readable.from([await makeTar({ 'abc.json': config })]));
    expect(s.findings).toEqual([{ id: 'tok', layer: 'abc.json', path: 'abc.json', forms: ['base64'] }]);
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
        // Bytes that are not text, as the search takes them (docs/security-model.md): no run of four equal bytes, eight or more distinct.
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
          // Line breaks are not counted: a file's own cannot be told from a secret's (see docs/security-model.md, "What the scrubber and the scan find").
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

/**
 * Archives inside every output kind are opened, to a budget of depth and bytes, past which
 * the scan fails closed. The same secret, wrapped in every shape of tar and gzip nesting up
 * to the limit, is found in an image export, an OCI directory, a local directory and a tar
 * output; one level deeper, the scan throws instead of passing.
 */
describe('ImageScanner: archives at every level of every output kind', () => {
  const fsm = () => import('node:fs');
  const secretFile = Buffer.concat([Buffer.from('const token = "'), SECRET, Buffer.from('";\n')]);

  /** `secretFile` wrapped by `shape`, innermost first: 't' a tar holding the previous level, 'g' its gzip. */
  async function wrap(shape: string): Promise<{ bytes: Buffer; name: string }> {
    let bytes: Buffer = secretFile;
    let name = 'main.js';
    for (const k of shape) {
      if (k === 'g') {
        bytes = gzipSync(bytes);
        name = `${name}.gz`;
      } else {
        bytes = await makeTar({ [name]: bytes });
        name = `${name.replace(/\.(js|gz|tar)$/, '')}-${name.length}.tar`;
      }
    }
    return { bytes, name };
  }

  /** Nesting shapes with `levels` archive levels: tar and gzip in any order. */
  const shape = (levels: number) => fc.array(fc.constantFrom('t', 'g'), { minLength: levels, maxLength: levels }).map((a) => a.join(''));

  async function inLocalDir(bytes: Buffer, name: string): Promise<ImageScanner> {
    const fs = await fsm();
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-scan-nest-'));
    try {
      fs.mkdirSync(path.join(dir, 'dist'));
      fs.writeFileSync(path.join(dir, 'dist', name), bytes);
      const s = new ImageScanner(redactor());
      await s.scanDir(dir, 'output dist');
      return s;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('a local output: dist.tar holding main.js.gz (precompressed assets) is found', async () => {
    const { bytes } = await wrap('gt');
    const s = await inLocalDir(bytes, 'dist.tar');
    expect(s.findings).toEqual([{ id: 'tok', layer: 'output dist', path: 'main.js.gz', forms: ['raw'] }]);
  });

  test('an OCI directory output (type=oci,tar=false): a gzip file inside a gzip layer is found', async () => {
    const layer = gzipSync(await makeTar({ 'srv/app.js.gz': gzipSync(secretFile) }));
    const s = await inLocalDir(layer, 'aaaa');
    expect(s.findings.map((f) => f.path)).toEqual(['srv/app.js.gz']);
  });

  test('any nesting up to the limit is opened, in a local output and in an image export', async () => {
    // The image export itself is one level (its tar), so the secret may be MAX_DEPTH - 1 deeper there.
    await fc.assert(
      fc.asyncProperty(shape(MAX_DEPTH - 1), async (sh) => {
        const { bytes, name } = await wrap(sh);
        expect((await inLocalDir(bytes, name)).findings.map((f) => f.id)).toEqual(['tok']);
        const s = new ImageScanner(redactor());
        await s.scanTar(Readable.from([await makeTar({ [`blobs/sha256/${'a'.repeat(64)}`]: bytes })]));
        expect(s.findings.map((f) => f.id)).toEqual(['tok']);
      }),
      { numRuns: 25 }
    );
  });

  test('one level past the limit fails closed, naming the file, instead of passing', async () => {
    await fc.assert(
      fc.asyncProperty(shape(MAX_DEPTH + 1), async (sh) => {
        const { bytes, name } = await wrap(sh);
        await expect(inLocalDir(bytes, name)).rejects.toThrow(`holds archives nested deeper than ${MAX_DEPTH}, which the scanner does not open`);
      }),
      { numRuns: 10 }
    );
  });

  test('past the byte budget (a decompression bomb) the scan fails closed', async () => {
    const saved = process.env.SECRET_BUILD_SCAN_MAX_BYTES;
    process.env.SECRET_BUILD_SCAN_MAX_BYTES = String(1 << 20);
    try {
      const bomb = gzipSync(Buffer.alloc(8 << 20));
      await expect(inLocalDir(bomb, 'zeros.gz')).rejects.toThrow(/more than 1048576 bytes after decompression \(SECRET_BUILD_SCAN_MAX_BYTES\)/);
    } finally {
      if (saved === undefined) delete process.env.SECRET_BUILD_SCAN_MAX_BYTES;
      else process.env.SECRET_BUILD_SCAN_MAX_BYTES = saved;
    }
  });
});

/** Shapes an adversarial review used to hide a secret from the scan of an archive in the image. */
describe('ImageScanner: what tar and gzip readers pass over quietly', () => {
  test('bytes after a gzip member (a NUL, then the secret) fail the scan instead of going unread', async () => {
    for (const gap of [Buffer.alloc(1), Buffer.alloc(512)]) {
      const leak = Buffer.concat([gzipSync(Buffer.from('hello\n')), gap, SECRET]);
      const s = new ImageScanner(redactor());
      await expect(s.scanTar(Readable.from([await makeTar({ 'blobs/sha256/aaaa': gzipSync(await makeTar({ 'leak.gz': leak })) })]))).rejects.toThrow(
        'leak.gz has data after the end of its gzip stream, which the scanner does not read'
      );
    }
  });

  test('two gzip members back to back (what gzip writes for concatenated input) are both read', async () => {
    const s = new ImageScanner(redactor());
    const two = Buffer.concat([gzipSync(Buffer.from('hello\n')), gzipSync(SECRET)]);
    await s.scanTar(Readable.from([await makeTar({ 'app/two.gz': two })]));
    expect(s.findings.map((f) => f.path)).toEqual(['app/two.gz']);
  });

  test.each(['contiguous-file'] as const)('an entry of type %s (typeflag 7) that carries data is read like a file', async (type) => {
    const pack = tar.pack();
    pack.entry({ name: 'leak7', type, size: SECRET.length }, SECRET);
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
    const s = new ImageScanner(redactor());
    await s.scanTar(Readable.from([await makeTar({ 'layer.tar': Buffer.concat(chunks) })]));
    expect(s.findings.map((f) => f.path)).toEqual(['leak7']);
  });
});
