/**
 * What actions/runner does between a JavaScript action's main and post steps, as the e2e
 * harness and the bench reproduce it (src/Runner.Worker):
 * - file commands: GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV records, applied when the
 *   step ends however it ended (ActionRunner.cs, `finally { ProcessFiles }`); GITHUB_ENV's
 *   become the job's environment, the last record of a name winning;
 * - job.status after main (StepsRunner.cs, ExecutionContext.ApplyContinueOnError);
 * - action.yml's `post-if`, evaluated with GitHub's own expression library
 *   (@actions/expressions) against what StepsRunner gives a post step's condition: the
 *   env context (the job's environment and the step's `env:`), `github.action` (the
 *   step's name, the same as main's GITHUB_ACTION) and the status functions, which read
 *   job.status in a post step (Expressions/SuccessFunction.cs, FailureFunction.cs,
 *   CancelledFunction.cs).
 */
import * as fs from 'node:fs';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';

/** Parses `name<<delimiter\nvalue\ndelimiter` records (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV), the last of a name winning. */
export function readFileCommands(file: string): Record<string, string> {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]] = m[3];
  return out;
}

/**
 * What the job looks like to the post step after main ended: a step whose process exits
 * non-zero or is killed has the result Failed; `continue-on-error: true` turns that into
 * Succeeded before the job sees it; job.status becomes failure only from a Failed result,
 * and a cancelled job is cancelled whatever its steps did.
 */
export interface JobAfterMain {
  main: { code: number | null; signal: NodeJS.Signals | null };
  continueOnError: boolean;
  cancelled: boolean;
}
export type JobStatus = 'success' | 'failure' | 'cancelled';

export function jobStatus(j: JobAfterMain): JobStatus {
  if (j.cancelled) return 'cancelled';
  const failed = j.main.code !== 0 || j.main.signal !== null;
  return failed && !j.continueOnError ? 'failure' : 'success';
}

/** What a post step's condition is evaluated against. */
export interface PostContext {
  status: JobStatus;
  /** The env context: the job's environment after main (GITHUB_ENV applied) and the step's `env:`. */
  env: Record<string, string | undefined>;
  /** github.action: the step's name in the job, as main had it in GITHUB_ACTION. */
  action: string;
}

/**
 * Whether the runner starts the post step: action.yml's `post-if` (default `always()`)
 * evaluated as the runner does, `success() && (…)` when it calls no status function.
 */
export function postStepRuns(postIf: string | undefined, job: PostContext): boolean {
  const given = (postIf ?? 'always()').trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const condition = /\b(always|success|failure|cancelled)\s*\(/i.test(given) ? given : `success() && (${given})`;
  const status = (name: string, value: boolean) => ({ name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) });
  const functions = [
    status('always', true),
    status('success', job.status === 'success'),
    status('failure', job.status === 'failure'),
    status('cancelled', job.status === 'cancelled')
  ];
  const lexed = new Lexer(condition).lex();
  const expr = new Parser(lexed.tokens, ['env', 'github'], functions).parse();
  const strings = (o: Record<string, string | undefined>) =>
    new data.Dictionary(...Object.entries(o).flatMap(([key, v]) => (v === undefined ? [] : [{ key, value: new data.StringData(v) }])));
  const context = new data.Dictionary({ key: 'env', value: strings(job.env) }, { key: 'github', value: strings({ action: job.action }) });
  return truthy(new Evaluator(expr, context, new Map(functions.map((f) => [f.name, f]))).evaluate());
}
