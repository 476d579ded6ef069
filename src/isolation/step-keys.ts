/**
 * Keys that make a step's identity depend on the secrets it mounts. BuildKit keeps a
 * secret's content out of a step's cache key, so a step cached (or running at the same
 * time in another build) with another value of the secret is reused as if it were this
 * one. The action gives each RUN that mounts secrets one more secret mount, never
 * provided and not required, whose id is derived from those secrets' values
 * (dockerfile.ts): a new value is a new step; the same value keeps the cache.
 *
 * The id is part of the build definition: a shared builder's history and a mode=max
 * provenance record it, and public images publish their provenance. So it must not let
 * anyone find the value: each secret's part is scrypt (N=2^14, r=8, p=1: ~16 MiB and
 * ~50–90 ms a guess here, on purpose) of the value, salted with the repository and the
 * id; the step's id is a hash of those parts. A guess of a value costs one scrypt; a
 * token of 20 random characters is out of reach, a short password is not: the security
 * model (docs/security-model.md, "Shared builders") says so.
 */
import { createHash, scrypt } from 'node:crypto';

const COST = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
/** The prefix of the ids: a secret the action never provides, so the mount is never there. */
export const KEY_PREFIX = 'secret-build-key-';

const ABSENT = Buffer.from('absent');

/** The salt of a secret's part: per repository and id, so parts cannot be compared across repositories or ids. */
export function saltOf(id: string, repository: string): string {
  return `secret-build step key v1\0${repository}\0${id}`;
}

/** Each secret's part, derived on libuv's threads (they run while the main thread does other work). */
export async function secretParts(secrets: readonly { id: string; value: Buffer }[], repository: string): Promise<Map<string, Buffer>> {
  const parts = await Promise.all(
    secrets.map(
      (s) =>
        new Promise<[string, Buffer]>((resolve, reject) =>
          scrypt(s.value, saltOf(s.id, repository), 32, COST, (e, key) => (e ? reject(e) : resolve([s.id, key])))
        )
    )
  );
  return new Map(parts);
}

/** The id of the mount that keys a step on the secrets `ids`: the same ids and values give the same id. Pure. */
export function stepKey(ids: readonly string[], parts: ReadonlyMap<string, Buffer>): string {
  const h = createHash('sha256').update('secret-build step key v1\0');
  for (const id of [...new Set(ids)].sort()) {
    // A mount of a secret the action does not give is keyed as absent (`absent:…` ids, isolation/dockerfile.ts).
    const part = id.startsWith('absent:') ? ABSENT : parts.get(id);
    if (!part) throw new Error(`no key part for secret "${id}"`);
    h.update(`${id}\0`).update(part).update('\0');
  }
  return `${KEY_PREFIX}${h.digest('hex').slice(0, 32)}`;
}
