import type { Facts } from './report/summary.js';

/**
 * A problem with the action's inputs. Messages name the input and the entry number,
 * never any text of the entry itself: an entry may be (part of) a secret.
 */
export class InputError extends Error {
  constructor(input: string, message: string, entry?: number) {
    super(entry === undefined ? `input "${input}": ${message}` : `input "${input}", entry ${entry}: ${message}`);
    this.name = 'InputError';
  }
}

/** A failure with a known cause and a hint on how to fix it; `line`: the Dockerfile line it is about. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly line?: number
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

/**
 * Secrets the workflow meant to pass but that reached the action empty or absent: an
 * undefined `${{ secrets.X }}`, or a run that gets no secrets at all (a pull request
 * from a fork, Dependabot). Each entry is named by input, entry and id, never by value.
 */
export class MissingSecretsError extends Error {
  constructor(readonly missing: { id: string; where: string }[]) {
    super(`no value for secret${missing.length === 1 ? '' : 's'} ${missing.map((m) => `"${m.id}" (${m.where})`).join(', ')}`);
    this.name = 'MissingSecretsError';
  }
}

/**
 * A phase that failed after it had found something out (the preflight's counts, the
 * scan's findings): the error it failed with, as `cause`, and those facts, for the summary.
 */
export class PhaseFailure extends Error {
  constructor(
    readonly cause: unknown,
    readonly facts: Facts
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'PhaseFailure';
  }
}

/** The error itself and the facts behind it: a PhaseFailure unwrapped, any other error with none. */
export function unwrapFailure(e: unknown): { cause: unknown; facts: Facts } {
  return e instanceof PhaseFailure ? { cause: e.cause, facts: e.facts } : { cause: e, facts: { checks: [], notScanned: [] } };
}

/** The text to show for an error: ours as they are, anything else with its name. */
export function messageOf(e: unknown): string {
  if (e instanceof InputError || e instanceof ActionError) return e.message;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
