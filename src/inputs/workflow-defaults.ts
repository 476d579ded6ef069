/**
 * build-push-action's defaults that come from the workflow rather than from action.yml:
 * the Git context and the provenance attestation. Read from the runner's environment
 * (and the event payload it writes); pure but for reading that file.
 */
import * as fs from 'node:fs';

/**
 * The default context: the workflow's own repository as a Git context,
 * `<server>/<owner>/<repo>.git#<sha>` (build-push-action's "fragment" format), or with
 * BUILDX_SEND_GIT_QUERY_AS_INPUT true its "query" format `….git?ref=<sha>` (which needs
 * buildx 0.29: build-push-action checks the version, this action leaves it to buildx);
 * also what `{{defaultContext}}` stands for in `context` and `build-contexts`.
 */
export const DEFAULT_CONTEXT = '{{defaultContext}}';

export function defaultGitContext(env: NodeJS.ProcessEnv): string | undefined {
  const server = env.GITHUB_SERVER_URL;
  const repo = env.GITHUB_REPOSITORY;
  if (!server || !repo) return undefined;
  const raw = env.GITHUB_REF ?? '';
  const ref = raw && !raw.startsWith('refs/') ? `refs/heads/${raw}` : raw;
  const at = env.GITHUB_SHA || ref;
  const url = `${server.replace(/\/+$/, '')}/${repo}.git`;
  if (at && envSwitch(env, 'BUILDX_SEND_GIT_QUERY_AS_INPUT', false)) return `${url}?ref=${at}`;
  return `${url}${at ? `#${at}` : ''}`;
}

/**
 * A switch build-push-action reads from the environment (DOCKER_BUILD_SUMMARY,
 * DOCKER_BUILD_CHECKS_ANNOTATIONS, BUILDX_SEND_GIT_QUERY_AS_INPUT): `fallback` when unset,
 * else Go's boolean words (`1`, `t`, `true`… / `0`, `f`, `false`…).
 */
export function envSwitch(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = (env[name] ?? '').trim();
  if (/^(1|t|true)$/i.test(v)) return true;
  if (/^(0|f|false)$/i.test(v)) return false;
  return fallback;
}

/** A context BuildKit fetches itself (Git or HTTP), not a directory on the runner. */
export function isRemoteContext(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(context);
}

/**
 * The secret BuildKit uses to fetch a Git context from the workflow's own server,
 * `GIT_AUTH_TOKEN.<host>`, when one of the contexts is there.
 */
export function gitAuthSecretId(contexts: string[], env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_SERVER_URL) return undefined;
  let host: string;
  try {
    host = new URL(env.GITHUB_SERVER_URL).host;
  } catch {
    return undefined;
  }
  return contexts.some((c) => contextHost(c) === host) ? `GIT_AUTH_TOKEN.${host}` : undefined;
}

/** The host a remote context is fetched from, compared exactly: a substring match would hand the token to another host's Dockerfile. */
function contextHost(context: string): string | undefined {
  const url = context.replace(/^[\w.-]+=(?=[a-z][a-z0-9+.-]*:\/\/|git@)/i, ''); // a build-contexts entry is name=url
  const scp = /^git@([^:/]+):/.exec(url);
  if (scp) return scp[1];
  if (!isRemoteContext(url)) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** The workflow run, as build-push-action names the builder in provenance. */
function builderId(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run, GITHUB_RUN_ATTEMPT: attempt } = env;
  if (!server || !repo || !run) return undefined;
  return `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${run}${attempt ? `/attempts/${attempt}` : ''}`;
}

function repositoryIsPrivate(env: NodeJS.ProcessEnv): boolean {
  try {
    const payload = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8')) as { repository?: { private?: unknown } };
    return payload.repository?.private === true;
  } catch {
    return false;
  }
}

/**
 * build-push-action's provenance when the input is empty: `mode=max` for a public
 * repository, `mode=min,inline-only=true` for a private one, with the run as builder-id;
 * none when BUILDX_NO_DEFAULT_ATTESTATIONS is set or the image goes to the docker
 * exporter (load), which cannot store attestations on the classic image store. Added only
 * on a builder that build-push-action adds it on (docker/builder.ts takesDefaultProvenance).
 */
export function defaultProvenance(env: NodeJS.ProcessEnv, loads: boolean): string {
  if (loads || /^(1|true)$/i.test(env.BUILDX_NO_DEFAULT_ATTESTATIONS ?? '')) return '';
  const id = builderId(env);
  const mode = repositoryIsPrivate(env) ? 'mode=min,inline-only=true' : 'mode=max';
  return id ? `${mode},builder-id=${id}` : mode;
}
