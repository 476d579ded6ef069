/**
 * Cancellation: the runner sends SIGINT, then SIGTERM, then kills. The open secret
 * session goes first, synchronously, before anything else can be interrupted; then the
 * running child is told to stop and given a moment; then what the build left unscanned
 * (leak-guard/exports.ts) is removed, and the action exits non-zero.
 */
import type { ChildProcess } from 'node:child_process';
import * as os from 'node:os';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const CHILD_GRACE_MS = 3000;

export interface Disposable {
  dispose(): unknown;
}

export interface Cancellation {
  /** What to dispose first on a signal (the open secret session), or undefined once it is closed. */
  track(resource: Disposable | undefined): void;
  /** Disposed on a signal after the tracked resource (the build's exports), until the returned function forgets it. */
  cleanup(resource: Disposable): () => void;
  setChild(child: ChildProcess): void;
  dispose(): void;
}

export function onCancel(report: (msg: string) => void): Cancellation {
  let child: ChildProcess | undefined;
  let resource: Disposable | undefined;
  const cleanups = new Set<Disposable>();
  const handler = (signal: NodeJS.Signals) => {
    try {
      resource?.dispose();
    } finally {
      report(`received ${signal}: secret vault removed, stopping the build`);
      // The exports go once the child is gone: buildx may still be writing one.
      stopChild(child, signal, () => {
        runCleanups(cleanups, report);
        process.exit(128 + os.constants.signals[signal]);
      });
    }
  };
  SIGNALS.forEach((s) => process.on(s, handler));
  return {
    track: (r) => {
      resource = r;
    },
    cleanup: (r) => {
      cleanups.add(r);
      return () => cleanups.delete(r);
    },
    setChild: (c) => {
      child = c;
    },
    dispose: () => SIGNALS.forEach((s) => process.off(s, handler))
  };
}

/** Each on its own: one that fails (a disk gone) does not keep the others or the exit from running. */
function runCleanups(cleanups: Set<Disposable>, report: (msg: string) => void): void {
  for (const c of cleanups) {
    try {
      c.dispose();
    } catch (e) {
      report(`could not remove what the build left: ${(e as Error).message}`);
    }
  }
}

function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, exit: () => void): void {
  if (!child || child.exitCode !== null || child.signalCode !== null) return exit();
  child.once('close', exit);
  child.kill(signal);
  setTimeout(() => {
    child.kill('SIGKILL');
    exit();
  }, CHILD_GRACE_MS).unref();
}
