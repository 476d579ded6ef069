/** onCancel: on SIGINT/SIGTERM/SIGHUP the tracked resource is disposed first and synchronously, then the child is stopped and the exit code is 128+n. */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { onCancel, type Cancellation } from '../../src/cancel.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Signal = (typeof SIGNALS)[number];

let children: ChildProcess[];
let cancels: Cancellation[];
let foreign: Map<Signal, ((...args: unknown[]) => void)[]>;
let exits: (string | number | null | undefined)[];
let exited: Promise<string | number | null | undefined>;
let events: string[];

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  children = [];
  cancels = [];
  events = [];
  exits = [];
  // Listeners that are not ours (a test runner's) must not see the simulated signals.
  foreign = new Map(SIGNALS.map((s) => [s, process.listeners(s) as ((...args: unknown[]) => void)[]]));
  SIGNALS.forEach((s) => process.removeAllListeners(s));
  let resolveExit: (code: string | number | null | undefined) => void = () => {};
  exited = new Promise((r) => (resolveExit = r));
  jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
    events.push(`exit ${code}`);
    exits.push(code);
    resolveExit(code);
    return undefined as never;
  });
});

afterEach(() => {
  cancels.forEach((c) => c.dispose());
  children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
  jest.restoreAllMocks();
  jest.useRealTimers();
  for (const [s, ls] of foreign) ls.forEach((l) => process.on(s, l));
});

function cancellation(): Cancellation {
  const c = onCancel((m) => events.push(`report ${m}`));
  cancels.push(c);
  return c;
}

/** A real child that is running (and, with ignoreTerm, ignoring SIGTERM) when this resolves. */
async function child(ignoreTerm = false): Promise<ChildProcess> {
  const script = ignoreTerm ? "trap '' TERM; echo ready; exec sleep 30" : 'echo ready; exec sleep 30';
  const c = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('error', reject);
    c.stdout?.once('data', () => resolve());
  });
  return c;
}

describe('onCancel', () => {
  test.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129]
  ] as const)('%s: dispose first and synchronously, then the child is stopped, then exit %i', async (signal, code) => {
    const c = cancellation();
    const running = await child();
    c.setChild(running);
    c.track({
      dispose: () => events.push(`dispose (child running: ${running.exitCode === null && running.signalCode === null && !running.killed})`)
    });
    c.cleanup({ dispose: () => events.push(`exports (child exited: ${running.exitCode !== null || running.signalCode !== null})`) });

    process.emit(signal, signal);

    // Synchronously: the resource is gone and the child has been signalled; exit waits for the child.
    expect(events).toEqual(['dispose (child running: true)', `report received ${signal}: secret vault removed, stopping the build`]);
    expect(running.killed).toBe(true);
    expect(exits).toEqual([]);

    await expect(exited).resolves.toBe(code);
    expect(running.signalCode).toBe(signal);
    // The build's exports go once the child that may be writing them is gone.
    expect(events).toContain('exports (child exited: true)');
    expect(exits).toEqual([code]);
  });

  test('the vault first, then (with the child gone) each cleanup still registered (the build exports); one that throws is reported and the exit follows; a forgotten one is not called', () => {
    const c = cancellation();
    c.track({ dispose: () => events.push('vault') });
    c.cleanup({
      dispose: () => {
        events.push('exports');
        throw new Error('disk gone');
      }
    });
    const forget = c.cleanup({ dispose: () => events.push('forgotten') });
    forget();
    process.emit('SIGTERM', 'SIGTERM');
    expect(events).toEqual([
      'vault',
      'report received SIGTERM: secret vault removed, stopping the build',
      'exports',
      'report could not remove what the build left: disk gone',
      'exit 143'
    ]);
    expect(exits).toEqual([143]);
  });

  test('without a child, exit follows at once', () => {
    const c = cancellation();
    const dispose = jest.fn();
    c.track({ dispose });
    process.emit('SIGINT', 'SIGINT');
    expect(dispose).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([130]);
  });

  test('a child that has already exited is not waited for', async () => {
    const c = cancellation();
    const done = await child();
    const closed = new Promise((r) => done.once('close', r));
    done.kill('SIGKILL');
    await closed;
    c.setChild(done);
    process.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([143]);
  });

  test('a child that ignores the signal is killed after the 3 s grace, then exit', async () => {
    const c = cancellation();
    const stubborn = await child(true);
    c.setChild(stubborn);
    c.track({ dispose: () => events.push('dispose') });
    process.emit('SIGTERM', 'SIGTERM');
    expect(events[0]).toBe('dispose');
    jest.advanceTimersByTime(2999);
    expect(exits).toEqual([]);
    expect(stubborn.signalCode).toBeNull();
    jest.advanceTimersByTime(1);
    await expect(exited).resolves.toBe(143);
    await new Promise((r) => (stubborn.signalCode ? r(null) : stubborn.once('close', r)));
    expect(stubborn.signalCode).toBe('SIGKILL');
  });

  test('track(undefined) after the session closed: nothing is disposed', () => {
    const c = cancellation();
    const dispose = jest.fn();
    c.track({ dispose });
    c.track(undefined);
    process.emit('SIGTERM', 'SIGTERM');
    expect(dispose).not.toHaveBeenCalled();
    expect(exits).toEqual([143]);
  });

  test('a dispose that throws still reports and stops the child', async () => {
    const c = cancellation();
    const running = await child();
    c.setChild(running);
    c.track({
      dispose: () => {
        throw new Error('vault busy');
      }
    });
    expect(() => process.emit('SIGTERM', 'SIGTERM')).toThrow('vault busy');
    expect(events[0]).toMatch(/^report received SIGTERM/);
    expect(running.killed).toBe(true);
    await expect(exited).resolves.toBe(143);
  });

  test('dispose() removes the handlers', () => {
    const c = cancellation();
    SIGNALS.forEach((s) => expect(process.listenerCount(s)).toBe(1));
    const dispose = jest.fn();
    c.track({ dispose });
    c.dispose();
    SIGNALS.forEach((s) => expect(process.listenerCount(s)).toBe(0));
    SIGNALS.forEach((s) => process.emit(s, s));
    expect(dispose).not.toHaveBeenCalled();
    expect(exits).toEqual([]);
  });
});
