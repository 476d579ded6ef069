/**
 * Cancellation: the runner sends SIGINT, then SIGTERM, then kills. The vault goes
 * first, synchronously, before anything else can be interrupted; then buildx is told
 * to stop and given a moment, and the action exits non-zero.
 */
import type { ChildProcess } from 'node:child_process';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const CHILD_GRACE_MS = 3000;

export interface Cancellation {
  setChild(child: ChildProcess): void;
  dispose(): void;
}

export function onCancel(cleanup: () => void, report: (msg: string) => void): Cancellation {
  let child: ChildProcess | undefined;
  const handler = (signal: NodeJS.Signals) => {
    try {
      cleanup();
    } finally {
      report(`received ${signal}: secret vault removed, stopping the build`);
      const exit = () => process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 15));
      if (child && child.exitCode === null && child.signalCode === null) {
        child.once('close', exit);
        child.kill(signal);
        setTimeout(() => {
          child?.kill('SIGKILL');
          exit();
        }, CHILD_GRACE_MS).unref();
      } else {
        exit();
      }
    }
  };
  SIGNALS.forEach((s) => process.on(s, handler));
  return {
    setChild: (c) => {
      child = c;
    },
    dispose: () => SIGNALS.forEach((s) => process.off(s, handler))
  };
}
