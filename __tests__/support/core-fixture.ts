/** A typed stand-in for @actions/core: inputs come from a Map, everything printed, masked or saved is recorded. */
import type * as Core from '@actions/core';

/**
 * How `getInput` treats whitespace: the runner's @actions/core trims unless
 * `trimWhitespace: false`; @github/local-action's stub trims only with `trimWhitespace: true`.
 */
export type GetInputStyle = 'runner' | 'local-action';

export type CoreModule = Pick<
  typeof Core,
  'getInput' | 'setSecret' | 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'setFailed' | 'setOutput' | 'saveState' | 'getState'
>;

export type MessageLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'failed';

export interface CoreFixture {
  /** Input name → raw value, as the workflow (or the runner's default) gives it. */
  inputs: Map<string, string>;
  style: GetInputStyle;
  inputCalls: { name: string; options?: Core.InputOptions }[];
  secrets: string[];
  messages: { level: MessageLevel; text: string }[];
  outputs: Map<string, string>;
  state: Map<string, string>;
  /** Everything recorded, as one string: for "never contains" assertions. */
  everything(): string;
  reset(style?: GetInputStyle): void;
  /** Pass to `jest.unstable_mockModule('@actions/core', () => fixture.module)`. */
  module: CoreModule;
}

const text = (m: string | Error): string => (typeof m === 'string' ? m : m.message);

export function coreFixture(style: GetInputStyle = 'runner'): CoreFixture {
  const f: CoreFixture = {
    inputs: new Map(),
    style,
    inputCalls: [],
    secrets: [],
    messages: [],
    outputs: new Map(),
    state: new Map(),
    everything: () =>
      [...f.messages.map((m) => m.text), ...[...f.outputs].map(([k, v]) => `${k}=${v}`), ...[...f.state].map(([k, v]) => `${k}=${v}`)].join('\n'),
    reset(s = f.style) {
      f.style = s;
      f.inputs.clear();
      f.inputCalls.length = 0;
      f.secrets.length = 0;
      f.messages.length = 0;
      f.outputs.clear();
      f.state.clear();
    },
    module: {
      getInput(name: string, options?: Core.InputOptions): string {
        f.inputCalls.push({ name, options });
        const val = f.inputs.get(name) ?? '';
        if (options?.required && !val) throw new Error(`Input required and not supplied: ${name}`);
        if (f.style === 'runner') return options?.trimWhitespace === false ? val : val.trim();
        return options?.trimWhitespace === true ? val.trim() : val;
      },
      setSecret: (s: string) => void f.secrets.push(s),
      debug: (m: string) => void f.messages.push({ level: 'debug', text: m }),
      info: (m: string) => void f.messages.push({ level: 'info', text: m }),
      notice: (m: string | Error) => void f.messages.push({ level: 'notice', text: text(m) }),
      warning: (m: string | Error) => void f.messages.push({ level: 'warning', text: text(m) }),
      error: (m: string | Error) => void f.messages.push({ level: 'error', text: text(m) }),
      setFailed: (m: string | Error) => void f.messages.push({ level: 'failed', text: text(m) }),
      setOutput: (name: string, value: unknown) => void f.outputs.set(name, String(value)),
      saveState: (name: string, value: unknown) => void f.state.set(name, String(value)),
      getState: (name: string) => f.state.get(name) ?? ''
    }
  };
  return f;
}
