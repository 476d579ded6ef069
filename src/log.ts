/**
 * The action's only way to print, annotate or fail: everything passes the scrubber
 * first, so even a secret the runner's masking misses never reaches the log.
 */
import * as core from '@actions/core';
import { maskVariants, textVariants } from './mask-variants.js';
import { Redactor, type TaggedPattern } from './scrubber.js';
import type { Secret } from './secret-values.js';

let redactor = new Redactor([]);

export function getRedactor(): Redactor {
  return redactor;
}

/** The variants of every secret, each tagged with its secret id. */
export function secretPatterns(secrets: Secret[]): TaggedPattern[] {
  return secrets.flatMap((s) => maskVariants(s.value).map((bytes) => ({ bytes, tag: s.id })));
}

/**
 * Registers every secret with the runner (`::add-mask::`, one line of text each) and
 * with our own scrubber. Must run before anything else is printed.
 */
export function registerSecrets(secrets: Secret[]): void {
  const patterns = secretPatterns(secrets);
  for (const text of textVariants(patterns.map((p) => p.bytes))) core.setSecret(text);
  redactor = new Redactor([...patternsOf(redactor), ...patterns]);
}

function patternsOf(r: Redactor): TaggedPattern[] {
  return r.matcher.patterns.map((bytes, k) => ({ bytes, tag: r.tags[k] }));
}

export const scrub = (text: string): string => redactor.scrub(text);

export const info = (msg: string): void => core.info(scrub(msg));
export const debug = (msg: string): void => core.debug(scrub(msg));
export const warning = (msg: string, props?: core.AnnotationProperties): void => core.warning(scrub(msg), props);
export const error = (msg: string, props?: core.AnnotationProperties): void => core.error(scrub(msg), props);
export const setFailed = (msg: string): void => core.setFailed(scrub(msg));
export const setOutput = (name: string, value: string): void => core.setOutput(name, scrub(value));
