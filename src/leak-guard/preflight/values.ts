/** A secret's value written in the Dockerfile itself. */
import { lineOf, type Model } from './model.js';
import type { Finding, PreflightInput } from './types.js';

/**
 * Whether a value given as a secret looks like one: at least 8 bytes, and either not one
 * line of printable ASCII (a key or credentials file), or upper case, lower case and
 * digits together (passwords, base62/base64 tokens), or at least 20 bytes with 4 or more
 * letters and 4 or more digits and no blank (hex and base32 tokens). A short or plain
 * value (a user name such as `${{ github.actor }}`, a registry host) passed as a secret is
 * often also public, so finding it in a LABEL proves nothing.
 */
export function plausiblySecret(value: Buffer): boolean {
  const text = value.toString('latin1');
  if (value.length < 8) return false;
  if (!/^[\x20-\x7e]*$/.test(text)) return true;
  const count = (re: RegExp) => (text.match(re) ?? []).length;
  if (count(/[a-z]/g) && count(/[A-Z]/g) && count(/[0-9]/g)) return true;
  return value.length >= 20 && count(/[A-Za-z]/g) >= 4 && count(/[0-9]/g) >= 4 && !/\s/.test(text);
}

export function secretValues(model: Model, input: PreflightInput): Finding[] {
  const plausible = input.plausibleSecretIds && new Set(input.plausibleSecretIds);
  return model.instructions.flatMap((ins) =>
    input.redactor.secretsIn(ins.getTextContent()).map((id) =>
      !plausible || plausible.has(id)
        ? {
            rule: 'secret-value-in-dockerfile' as const,
            severity: 'error' as const,
            line: lineOf(ins),
            message: `the Dockerfile contains the value of secret "${id}": it would be stored in the image or its history; mount it with RUN --mount=type=secret,id=${id}`
          }
        : {
            rule: 'secret-value-in-dockerfile' as const,
            severity: 'warning' as const,
            line: lineOf(ins),
            message: `the Dockerfile contains the value of secret "${id}", a value that does not look secret (short or plain, e.g. a user name); if it is one, mount it with RUN --mount=type=secret,id=${id}`
          }
    )
  );
}
