/**
 * The preflight as the real-file corpus tests run it: given exactly the secret and ssh ids
 * the Dockerfile mounts (so missing or unused ids stay quiet), no build context (only what
 * the Dockerfile itself shows counts) and a redactor for a harmless value. The findings as
 * `severity@line`, sorted.
 */
import { preflight } from '../../src/leak-guard/preflight/index.js';
import { buildModel } from '../../src/leak-guard/preflight/model.js';
import { mountsOf } from '../../src/leak-guard/preflight/mounts.js';
import { Redactor } from '../../src/detection/redactor.js';

export function corpusFindings(text: string): string[] {
  const mounts = buildModel(text, undefined).steps.flatMap(mountsOf);
  const ids = (type: string) => [...new Set(mounts.filter((m) => m.type === type && m.id && !m.step.onbuild).map((m) => m.id!))];
  return preflight({
    dockerfile: text,
    providedIds: ids('secret'),
    providedSshIds: ids('ssh'),
    contextSecretFiles: [],
    allowMissingOptional: false,
    redactor: Redactor.exact([{ bytes: Buffer.from('Harmless-Value-0123456789'), tag: 'unrelated' }])
  })
    .map((f) => `${f.severity}@${f.line ?? '-'}`)
    .sort();
}
