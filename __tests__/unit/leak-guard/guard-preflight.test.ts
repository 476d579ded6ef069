import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { credentialFilesIn } from '../../../src/leak-guard/guard.js';
import { parseDockerignore } from '../../../src/leak-guard/dockerignore.js';
import { Redactor } from '../../../src/detection/redactor.js';

describe('guard: credential files of the build context', () => {
  test('found by name, with .dockerignore status and whether a config file holds a literal credential', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-'));
    const put = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    put('.env', 'DB=x');
    put('.npmrc', '//r/:_authToken=${NPM_TOKEN}\n');
    put('web/.npmrc', '//r/:_authToken=npm_abcdef123456\n');
    put('nuget.config', '<add key="ClearTextPassword" value="%NUGET_PAT%" />');
    put('conf/pip.conf', '[global]\nindex-url = https://u:Given-Secret-99@pypi/simple\n');
    put('keys/id_rsa', 'k');
    put('node_modules/x/.env', 'skipped');
    put('src/main.ts', '');
    const redactor = Redactor.exact([{ bytes: Buffer.from('Given-Secret-99'), tag: 'pip' }]);
    const found = credentialFilesIn(dir, parseDockerignore('keys/\n'), redactor).sort((a, b) => a.relPath.localeCompare(b.relPath));
    expect(found).toEqual([
      { relPath: '.env', ignored: false, literal: true },
      { relPath: '.npmrc', ignored: false, literal: false },
      { relPath: 'conf/pip.conf', ignored: false, literal: true },
      { relPath: 'nuget.config', ignored: false, literal: false },
      { relPath: 'web/.npmrc', ignored: false, literal: true }
    ]);
    fs.rmSync(dir, { recursive: true });
  });
});
