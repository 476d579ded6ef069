/**
 * Why a run has no secrets, from the workflow's event. Pull requests from forks and
 * Dependabot's runs get no repository secrets by design. The event is read as
 * @actions/github's `context` reads it (GITHUB_EVENT_NAME, GITHUB_ACTOR and the JSON
 * at GITHUB_EVENT_PATH), without that package: three fields were all it was used for,
 * and it brought Octokit and a second HTTP client (a 1.1 MB chunk) into the bundle.
 */
import * as fs from 'node:fs';

export interface SecretlessRun {
  reason: string;
  remedies: string;
}

interface Repo {
  full_name?: string;
  fork?: boolean;
}

interface EventContext {
  eventName?: string;
  actor?: string;
  payload: { pull_request?: unknown };
}

/** As @actions/github's Context: no GITHUB_EVENT_PATH or no file there is an empty payload; a file that is not JSON is an error. */
function eventContext(env: NodeJS.ProcessEnv): EventContext {
  const file = env.GITHUB_EVENT_PATH;
  const payload = file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as EventContext['payload']) : {};
  return { eventName: env.GITHUB_EVENT_NAME, actor: env.GITHUB_ACTOR, payload };
}

export function secretlessRun(env: NodeJS.ProcessEnv = process.env): SecretlessRun | undefined {
  const context = eventContext(env);
  const pr = context.payload.pull_request as { head?: { repo?: Repo }; base?: { repo?: Repo } } | undefined;
  const head = pr?.head?.repo;
  const fromFork = !!pr && context.eventName === 'pull_request' && (head?.fork === true || (!!head?.full_name && head.full_name !== pr.base?.repo?.full_name));
  if (fromFork) {
    return {
      reason: `this is a pull request from a fork (${head?.full_name ?? 'another repository'}), and GitHub gives such runs no secrets`,
      remedies:
        'build without secrets for forks (on-missing-secrets: skip skips the build with a notice), or build after review with a maintainer-triggered workflow; do not switch to pull_request_target for code from forks'
    };
  }
  if (context.actor === 'dependabot[bot]') {
    return {
      reason: 'this run was started by Dependabot, which gets only Dependabot secrets',
      remedies: 'add the secrets as Dependabot secrets (Settings → Secrets and variables → Dependabot), or set on-missing-secrets: skip'
    };
  }
  return undefined;
}
