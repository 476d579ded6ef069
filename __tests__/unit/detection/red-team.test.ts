/**
 * Red-team findings against the secret search (src/secrets/) and the image scan
 * (src/leak-guard/image-scan.ts). Each test fails on the code it was written against
 * (ff2571c) and says which claim of docs/security-model.md it breaks. Unit level only: the real classes,
 * no docker.
 */
import { describe, expect, test } from '@jest/globals';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ImageScanner } from '../../../src/leak-guard/image-scan.js';
import { bareCrToLf } from '../../../src/docker/process.js';
import { Redactor, StreamScrubber } from '../../../src/detection/redactor.js';
import { makeTar } from '../../support/tar.js';

/** 42 random-looking bytes, no structure. */
const SECRET = Buffer.from('Zq8vLp3xTn6wRb1yHc5kMd7sFg2jXa4eUo9iVt0hQr');
const redactor = () => Redactor.forSecrets([{ id: 'tok', value: SECRET }]);

/** The longest stretch of `secret` still readable in `out` once line breaks (LF, CR) are dropped. */
function longestLeak(out: string, secret: Buffer | string): number {
  const text = out.replace(/[\r\n]/g, '');
  const s = secret.toString();
  let best = 0;
  for (let i = 0; i + best < s.length; i++) while (i + best < s.length && text.includes(s.slice(i, i + best + 1))) best++;
  return best;
}

/** The longest stretch of `secret` that the hex digits of `out` still spell, read at either parity. */
function longestHexLeak(out: string, secret: Buffer): number {
  const digits = out.replace(/[^0-9a-fA-F]/g, '');
  const decoded = [0, 1].map((k) => Buffer.from(digits.slice(k, k + ((digits.length - k) & ~1)), 'hex').toString('latin1'));
  return Math.max(...decoded.map((d) => longestLeak(d, secret.toString('latin1'))));
}

/** What step `n` printed, as a reader of the log sees it: its lines, prefixes dropped, joined. */

/** The lines one build step printed, prefixes dropped, as a reader of that step's output sees them. */
const stepOutput = (log: string, n: number) =>
  log
    .split('\n')
    .filter((l) => l.startsWith(`#${n} `))
    .map((l) => l.replace(/^#\d+ [\d.]+ /, ''))
    .join('');

/** Ids the image scan reports for an image with one gzip layer holding `content` at `path`. */
async function scanImageWith(r: Redactor, path: string, content: Buffer): Promise<string[]> {
  const layer = gzipSync(await makeTar({ [path]: content }));
  const image = await makeTar({ 'blobs/sha256/aaaa': layer, 'index.json': Buffer.from('{}') });
  const s = new ImageScanner(r);
  await s.scanTar(Readable.from([image]));
  return [...new Set(s.findings.map((f) => f.id))];
}

describe('red team: stretches of 16+ bytes that survive (claims broken)', () => {
  // docs/security-model.md, "What the scrubber and the scan find": "in hex at any width". Hex folded at an odd
  // width (`xxd -p -c 64 | tr -d '\n' | fold -w 33`, or any fixed-width wrapper) puts every other
  // line at an odd offset: views.ts decodes a lone odd-length token from its start only
  // (decodeRunsIn), so those lines decode to garbage. Line 2 below carries 16 whole bytes.
  test('hex folded at an odd width (33): every line is redacted, odd-offset ones too', () => {
    const hex = SECRET.toString('hex');
    const folded = hex.match(/.{1,33}/g)!.join('\n') + '\n';
    const out = redactor().scrub(folded);
    expect(longestHexLeak(out, SECRET)).toBeLessThan(16);
  });

  test('hex folded at an odd width (33): the image scan finds a file holding an odd-offset line', async () => {
    const hex = SECRET.toString('hex');
    // The second line of `fold -w 33`: 33 digits starting in the middle of a byte, 16 whole bytes.
    const line = `${hex.slice(33, 66)}\n`;
    expect(longestHexLeak(line, SECRET)).toBeGreaterThanOrEqual(16);
    expect(await scanImageWith(redactor(), 'app/key.hex', Buffer.from(line))).toEqual(['tok']);
  });

  // docs/security-model.md: "Line breaks ... are looked through" and, under "Masks for later steps", "a bare CR
  // ends a line too" (process.ts turns it into LF *after* the scrubber). The text view only
  // breaks lines at LF, so pieces split by a bare CR are neither one stretch nor separate lines:
  // 24 bytes of the secret end up in the log as two lines of 12.
  test('pieces of a secret separated by bare CRs (a line end for the runner) are looked through', async () => {
    const text = `#7 0.512 ${SECRET.toString().slice(0, 12)}\r${SECRET.toString().slice(12, 24)}\r${SECRET.toString().slice(24)}\n`;
    // As process.ts pipes build output: bare CRs become line feeds before the scrubber.
    const got: Buffer[] = [];
    const t = bareCrToLf();
    t.pipe(redactor().stream()).on('data', (c: Buffer) => got.push(c));
    t.end(text);
    await new Promise((r) => setTimeout(r, 50));
    expect(longestLeak(Buffer.concat(got).toString(), SECRET)).toBeLessThan(16);
  });

  // docs/security-model.md: "after 250 ms of silence it sends them ... (a secret printed in pieces across such
  // pauses is still redacted from the first 16 bytes on)". Hex printed one short line at a time
  // with a pause after each (`xxd -p -c 5 key | while read l; do echo "$l"; sleep 1; done`):
  // a short hex line is found only next to a longer one or when a fixed 16-byte probe happens to
  // land on 8 hexish bytes, so the first four lines (20 bytes) are sent before the search sees
  // 16 decoded bytes. idle() is what the stream's 250 ms timer calls.
  test('hex printed 5 bytes a line with pauses is redacted from the 16th byte on', () => {
    const s = new StreamScrubber(redactor().search);
    const lines = SECRET.toString('hex').match(/.{1,10}/g)!;
    const out: Buffer[] = [s.push(Buffer.from('start\n'))];
    for (const l of lines) {
      out.push(s.push(Buffer.from(`${l}\n`)));
      out.push(s.idle());
    }
    out.push(s.flush());
    expect(longestHexLeak(Buffer.concat(out).toString(), SECRET)).toBeLessThan(16);
  });

  // Parallel steps print their lines in turns: the text view joins each step's lines (views.ts).
  test('a secret wrapped by step #7 is redacted when lines of step #8 are interleaved (raw)', () => {
    const raw = SECRET.toString()
      .match(/.{1,12}/g)!
      .map((l, i) => `#7 0.${500 + i} ${l}\n#8 0.${500 + i} npm WARN deprecated inflight@1.0.6\n`)
      .join('');
    expect(longestLeak(stepOutput(redactor().scrub(raw), 7), SECRET)).toBeLessThan(16);
  });

  test('a secret wrapped by step #7 is redacted when lines of step #8 are interleaved (base64 -w 12)', () => {
    const b64 = SECRET.toString('base64');
    const text = b64
      .match(/.{1,12}/g)!
      .map((l, i) => `#7 0.${500 + i} ${l}\n#8 0.${500 + i} sha256:4f4fb700ef54 1.05MB / 3.2MB 0.${i}s\n`)
      .join('');
    const out = redactor().scrub(text);
    // Stretches of the base64 text itself (20+ chars = 15+ secret bytes) must not survive.
    expect(longestLeak(stepOutput(out, 7), b64)).toBeLessThan(20);
  });

  // docs/security-model.md: "shorter values and lines (4 to 15 bytes) exactly, with their encodings (base64 at
  // each alignment, hex, ...)". Only contiguous hex is an exact variant: a short value in a hex
  // dump's columns (`xxd`, `od -t x1`, `hexdump -C`) is spelled in full and not redacted
  // (the hex view feeds the fragment search only, which needs 16 bytes).
  test('a 13-byte secret in `od -t x1` output is redacted', () => {
    const v = Buffer.from('hunter2-pass!');
    const r = Redactor.forSecrets([{ id: 's', value: v }]);
    const od = `0000000 ${[...v].map((b) => b.toString(16).padStart(2, '0')).join(' ')}\n0000015\n`;
    expect(longestHexLeak(r.scrub(od), v)).toBeLessThan(4);
  });

  test('a 13-byte secret in the hex columns of `xxd` is redacted (not only the ASCII column)', () => {
    const v = Buffer.from('hunter2-pass!');
    const r = Redactor.forSecrets([{ id: 's', value: v }]);
    const out = r.scrub('00000000: 6875 6e74 6572 322d 7061 7373 21         hunter2-pass!\n');
    expect(longestHexLeak(out.split('  ')[0], v)).toBeLessThan(4);
  });

  // docs/security-model.md: "in a JSON or URI escape (values up to 4 KiB)". Only JavaScript's (and Go's) JSON
  // escape is a source: Python's json.dumps (ensure_ascii=True, the default), Java's and .NET's
  // default encoders write non-ASCII as \uXXXX, so a secret with a non-ASCII character every
  // few bytes has no 16-byte stretch in common with any source.
  test("a non-ASCII secret in Python's json.dumps escape is redacted", () => {
    const v = 'pässwörd-für-dën-ßërvér-zügäng-öäü';
    const r = Redactor.forSecrets([{ id: 's', value: Buffer.from(v) }]);
    const py = JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const out = r.scrub(`{"password": ${py}}\n`);
    expect(out).toContain('***');
  });

  // docs/security-model.md: "in a JSON or URI escape". Only encodeURIComponent's form is a source: a form-encoded
  // value (`+` for a blank: curl --data-urlencode's sibling, Python's urlencode/quote_plus), or
  // lowercase percent escapes, share no 16-byte stretch with it when the value has a blank or
  // a reserved character every few bytes (a passphrase).
  test('a passphrase form-encoded (blank as +) is redacted', () => {
    const v = 'correct horse battery staple orange';
    const r = Redactor.forSecrets([{ id: 's', value: Buffer.from(v) }]);
    expect(r.scrub(`password=${v.replaceAll(' ', '+')}\n`)).toContain('***');
  });

  test('a value in lowercase percent escapes is redacted', () => {
    const v = 'Zq8v/Lp3x+Tn6w/Rb1y+Hc5k/Md7s+Fg2j/Xa4e';
    const r = Redactor.forSecrets([{ id: 's', value: Buffer.from(v) }]);
    const lower = encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    expect(r.scrub(`token=${lower}\n`)).toContain('***');
  });
});

describe('red team: redaction corrupts output', () => {
  // docs/security-model.md: "a key printed over 30 lines is one finding, redacted line by line". Values up to
  // 4 KiB are also a fragment source *with* their line breaks (variants.ts partSources), so the
  // raw match of each line runs over its LF: every line of the key is joined onto one log line,
  // and the line after the secret (here "after", or a PEM END line) is appended to it.
  test('a multi-line secret printed by a RUN step keeps its line breaks, and the next line stays a line', () => {
    const v = 'first-line-of-the-secret-AAAA\nsecond-line-of-the-secret-BB\n';
    const r = Redactor.forSecrets([{ id: 'k', value: Buffer.from(v) }]);
    const input = '#7 0.501 before\n#7 0.502 first-line-of-the-secret-AAAA\n#7 0.502 second-line-of-the-secret-BB\n#7 0.503 after\n#7 DONE 0.1s\n';
    const out = r.scrub(input);
    expect(out.split('\n')).toHaveLength(input.split('\n').length);
    expect(out).toContain('\n#7 0.503 after\n');
  });

  test('a PEM key printed by `cat` keeps its END line on a line of its own', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nZq8vLp3xTn6wRb1yHc5kMd7sFg2jXa4eUo9iVt0hQrAbCdEfGh\nQr9iVt0hQrAbCdEfGhZq8vLp3xTn6wRb1yHc5kMd7sFg2jXa4e\n-----END PRIVATE KEY-----\n';
    const r = Redactor.forSecrets([{ id: 'pem', value: Buffer.from(pem) }]);
    const out = r.scrub(`${pem}done\n`);
    expect(out).toContain('\n-----END PRIVATE KEY-----\n');
    expect(out.split('\n')).toHaveLength(`${pem}done\n`.split('\n').length);
  });
});

describe('red team: false positives a real build hits', () => {
  // Any 16-byte stretch of a secret *file* is searched, including its public, boilerplate parts.
  // The most common build secret, an .npmrc (`//registry.npmjs.org/:_authToken=…`), shares
  // "//registry.npmjs.org/" (21 bytes) with every package-lock.json: the image scan fails every
  // Node image built with it ("nothing was published"), and npm's URLs are redacted in the log.
  test('.npmrc secret: package-lock.json in the image is not a finding', async () => {
    const npmrc = Buffer.from('//registry.npmjs.org/:_authToken=npm_Zq8vLp3xTn6wRb1yHc5kMd7sFg2jXa4eUo9i\n');
    const r = Redactor.forSecrets([{ id: 'npmrc', value: npmrc }]);
    const lock = Buffer.from(
      '{\n  "packages": {\n    "node_modules/lodash": {\n      "version": "4.17.21",\n      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"\n    }\n  }\n}\n'
    );
    expect(await scanImageWith(r, 'app/package-lock.json', lock)).toEqual([]);
  });

  test(".npmrc secret: npm's fetch lines are not redacted", () => {
    const npmrc = Buffer.from('//registry.npmjs.org/:_authToken=npm_Zq8vLp3xTn6wRb1yHc5kMd7sFg2jXa4eUo9i\n');
    const r = Redactor.forSecrets([{ id: 'npmrc', value: npmrc }]);
    const line = '#9 3.210 npm http fetch GET 200 https://registry.npmjs.org/lodash 12ms (cache miss)\n';
    expect(r.scrub(line)).toBe(line);
  });

  // A GCP service-account key (the usual secret for Artifact Registry) holds the public token and
  // auth URIs; google-auth, gcloud and every Google client library carry them.
  test('GCP service-account key: google-auth in the image is not a finding', async () => {
    const key = Buffer.from(
      JSON.stringify(
        {
          type: 'service_account',
          project_id: 'acme-prod',
          private_key_id: 'Zq8vLp3xTn6wRb1yHc5kMd7sFg2jXa4e',
          auth_uri: 'https://accounts.google.com/o/oauth2/auth',
          token_uri: 'https://oauth2.googleapis.com/token'
        },
        null,
        2
      )
    );
    const r = Redactor.forSecrets([{ id: 'gcp', value: key }]);
    const lib = Buffer.from('_DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"\n');
    expect(await scanImageWith(r, 'usr/lib/python3/site-packages/google/oauth2/_client.py', lib)).toEqual([]);
  });

  // A kubeconfig secret: its keys ("certificate-authority-data: ", "apiVersion: v1\nclusters:")
  // are in kubectl, helm and every client library, and in any log line that prints them.
  test('kubeconfig secret: kubectl-style text is not redacted', () => {
    const kc = Buffer.from(
      'apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM\n    server: https://10.0.0.1:6443\n  name: prod\nkind: Config\nusers:\n- name: admin\n  user:\n    token: Zq8vLp3xTn6wRb1yHc5kMd7sFg2jXa4eUo9i\n'
    );
    const r = Redactor.forSecrets([{ id: 'kube', value: kc }]);
    expect(r.secretsIn('{"certificate-authority-data": "<redacted>"}')).toEqual([]);
  });

  // A binary secret (keytab, keystore, a key file padded with zeros) with a run of 16 zero bytes:
  // every ELF binary, every image has such runs (and base64 "AAAAAAAAAAAAAAAAAAAAA" from its base64
  // source): every scan fails.
  test('binary secret with a run of zero bytes: an ELF binary is not a finding', async () => {
    const v = Buffer.concat([Buffer.from('Zq8vLp3xTn6wRb1y'), Buffer.alloc(32), Buffer.from('Hc5kMd7sFg2jXa4e')]);
    const r = Redactor.forSecrets([{ id: 'bin', value: v }]);
    const elf = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01'), Buffer.alloc(64), Buffer.from('.text')]);
    expect(await scanImageWith(r, 'usr/bin/tool', elf)).toEqual([]);
  });
});

describe('red team: performance', () => {
  const time = (data: Buffer, chunk: number) => {
    const s = new StreamScrubber(redactor().search);
    const t = process.hrtime.bigint();
    for (let o = 0; o < data.length; o += chunk) s.push(data.subarray(o, o + chunk));
    s.flush();
    return Number(process.hrtime.bigint() - t) / 1e6;
  };

  // docs/security-model.md: "The cost per byte does not depend on the number or length of the secrets" — nor
  // should it explode on a shape of text. A long line of hexish tokens that is not a dump line
  // (starts with a word) makes hexParts call lineStartOf/indexOf (scans to the line's ends) at
  // every 16-byte probe: quadratic in the buffer (chunk + 4 KiB carry). Measured: 6 MB in
  // 64 KiB chunks, 19.7 s vs 0.44 s for prose (45x, ~300 KB/s).
  test('a long line of hexish tokens costs no more than 10x ordinary text', () => {
    const bad = Buffer.from(`x ${'00 '.repeat(700_000)}`);
    const good = Buffer.from(`${'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(20)}\n`.repeat(Math.ceil(bad.length / 1141)));
    const slow = time(bad, 65536);
    const normal = time(good, 65536);
    expect(slow).toBeLessThan(10 * Math.max(normal, 20));
  });

  // Many tiny chunks inside one long line: each push searches the whole carry again (up to
  // 4 KiB of context from the line start), O(4 KiB) per chunk. Measured: a 200 KB line in
  // 1-byte chunks took 44 s (4.5 KB/s).
  test('a long line arriving in 1-byte chunks is scrubbed at a reasonable rate', () => {
    const line = Buffer.from(`#7 0.5 ${'abcdefghij'.repeat(3000)}\n`);
    expect(time(line, 1)).toBeLessThan(2000);
  });
});
