/**
 * What the bundles load at start (docs/architecture.md, "What loads at start"): no HTTP client anywhere (the
 * stand-in of src/bundle/http-client.ts lets webpack drop @actions/core's unused OIDC
 * code), the Dockerfile parser only in a chunk of its own, and a post entry that loads
 * @actions/core only when a vault is left; no @actions/exec or @actions/io (the stand-in of
 * src/bundle/exec.ts), so none of node's modules that only they need. And the stand-ins
 * themselves: were @actions/core's getIDToken or platform details ever asked for, the real
 * package would load and do the same.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { BearerCredentialHandler } from '@actions/http-client/lib/auth';
import { HttpClient } from '../../src/bundle/http-client.js';
import { getExecOutput } from '../../src/bundle/exec.js';
import { ROOT } from '../support/yaml.js';

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const chunks = (dir: string) => fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.js'));

describe('the bundles', () => {
  test('hold no HTTP client: undici is in no file of dist/', () => {
    for (const dir of ['dist/main', 'dist/post']) for (const f of chunks(dir)) expect([f, read(path.join(dir, f)).includes('undici')]).toEqual([f, false]);
  });

  test('hold no @actions/exec or @actions/io: nothing requires node:assert, string_decoder or timers', () => {
    for (const dir of ['dist/main', 'dist/post'])
      for (const f of chunks(dir)) {
        const text = read(path.join(dir, f));
        expect([
          f,
          /node_modules\/@actions\/(exec|io)\//.test(text),
          /createRequire\(import\.meta\.url\)\("(node:)?(assert|string_decoder|timers)"\)/.test(text)
        ]).toEqual([f, false, false]);
      }
  });

  test("main's entry file does not hold the Dockerfile parser (loaded when the preflight runs)", () => {
    expect(read('dist/main/index.js')).not.toContain('DockerfileParser');
    expect(chunks('dist/main').some((f) => read(path.join('dist/main', f)).includes('DockerfileParser'))).toBe(true);
  });

  test("post's entry file does not hold @actions/core (loaded only when a vault is left)", () => {
    expect(read('dist/post/index.js')).not.toContain('./node_modules/@actions/core/');
    expect(read('dist/post/index.js')).toContain('STATE_');
  });
});

describe('the @actions/exec stand-in', () => {
  test("runs the real getExecOutput: @actions/core's platform details would still work", async () => {
    expect(await getExecOutput('sh', ['-c', 'echo out; echo err >&2'], { silent: true })).toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
  });
});

describe('the HTTP client stand-in', () => {
  test('loads the real client on the first request: same handlers, same JSON result', async () => {
    const seen: { auth?: string; ua?: string; url?: string }[] = [];
    const server = http.createServer((req, res) => {
      seen.push({ auth: req.headers.authorization, ua: req.headers['user-agent'], url: req.url });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ value: 'id-token' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const client = new HttpClient('actions/oidc-client', [new BearerCredentialHandler('request-token')], { allowRetries: false });
      const res = await client.getJson<{ value: string }>(`http://127.0.0.1:${port}/token?audience=x`);
      expect(res.result).toEqual({ value: 'id-token' });
      expect(seen).toEqual([{ auth: 'Bearer request-token', ua: 'actions/oidc-client', url: '/token?audience=x' }]);
    } finally {
      server.close();
    }
  });
});
