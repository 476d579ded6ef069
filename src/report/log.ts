/**
 * The action's only way to print, annotate, set outputs and state, or fail. A Log is
 * made from the resolved secrets and registers every variant with the runner
 * (`::add-mask::`) and with the action's own scrubber as it is made, so nothing can
 * be printed before the masks exist: there is no other printer to reach for.
 */
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { Redactor } from '../detection/redactor.js';
import type { Secret } from '../secrets/values.js';
import { runnerMasks } from '../detection/variants.js';
import type { OutputName } from '../inputs/table.js';

export type AnnotationProperties = core.AnnotationProperties;

/** What could make the runner read a printed line as a command: a line break (LF or a bare CR ends a line), `::`, or the old `##[` form anywhere in a line. */
const MAY_COMMAND = /[\r\n]|::|##\[/;

/** What this process saved for the post step, as the post step will get it (the last value of each name). */
const saved = new Map<string, string>();
export const savedState = (name: string): string | undefined => saved.get(name);

export class Log {
  private constructor(readonly redactor: Redactor) {}

  /** Registers every secret with the runner (what it cannot derive itself: runnerMasks), then returns the Log. */
  static forSecrets(secrets: readonly Secret[]): Log {
    const redactor = Redactor.forSecrets(secrets);
    for (const text of new Set(secrets.flatMap((s) => runnerMasks(s.value)))) core.setSecret(text);
    return new Log(redactor);
  }

  scrub(text: string): string {
    return this.redactor.scrub(text);
  }

  /**
   * A plain line. core.info prints it as it is, so text that the runner could read as a
   * workflow command (a line break, then `::…` or `##[…`; names from the image are such
   * text) is printed inside the stop-commands fence instead. Annotations, groups, debug
   * lines, outputs and state are escaped by @actions/core.
   */
  info(msg: string): void {
    const text = this.scrub(msg);
    if (!MAY_COMMAND.test(text)) return core.info(text);
    const token = randomBytes(16).toString('hex');
    process.stdout.write(`::stop-commands::${token}\n${text}\n::${token}::\n`);
  }

  debug(msg: string): void {
    core.debug(this.scrub(msg));
  }

  notice(msg: string, props?: AnnotationProperties): void {
    core.notice(this.scrub(msg), props);
  }

  warning(msg: string, props?: AnnotationProperties): void {
    core.warning(this.scrub(msg), props);
  }

  error(msg: string, props?: AnnotationProperties): void {
    core.error(this.scrub(msg), props);
  }

  /** Fails the step with one error annotation, on a file and line when there is one. */
  fail(msg: string, props?: AnnotationProperties): void {
    if (!props) return core.setFailed(this.scrub(msg));
    core.error(this.scrub(msg), props);
    process.exitCode = 1;
  }

  /** A collapsible group in the log around `fn`. */
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    core.startGroup(this.scrub(title));
    try {
      return await fn();
    } finally {
      core.endGroup();
    }
  }

  setOutput(name: OutputName, value: string): void {
    core.setOutput(name, this.scrub(value));
  }

  saveState(name: string, value: string): void {
    // Recorded first: if the state file cannot be written, main still knows what it made.
    saved.set(name, value);
    core.saveState(name, value);
  }

  /**
   * Runs `fn` with untrusted output (what docker and the Dockerfile's RUN steps print)
   * fenced off: between `::stop-commands::<token>` and `::<token>::` the runner acts on
   * no workflow command, and the token is random, so the output cannot end the fence.
   */
  async fenced<T>(fn: () => Promise<T>): Promise<T> {
    const token = randomBytes(16).toString('hex');
    process.stdout.write(`::stop-commands::${token}\n`);
    try {
      return await fn();
    } finally {
      process.stdout.write(`\n::${token}::\n`);
    }
  }

  /** The job summary, rendered by the caller from values that pass the scrubber here. */
  async summary(write: (s: typeof core.summary, scrub: (t: string) => string) => typeof core.summary): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await write(core.summary, (t) => this.scrub(t)).write();
  }
}
