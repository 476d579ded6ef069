/**
 * The workflow's own repository as a Git context (build-push-action's default context),
 * contexts BuildKit fetches itself, and the token BuildKit fetches them with. Pure.
 */
import { envSwitch } from './env-switches.js';

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

/** A token taken out of a Git context's URL, to be mounted as BuildKit's GIT_AUTH_TOKEN.<host>. */
export interface UrlToken {
  id: string;
  input: 'context' | 'build-contexts';
  entry: number;
  value: string;
}

/** `https://<userinfo>@…` (also after a build-contexts `name=`): the scheme, the user info, the rest. */
const URL_USERINFO = /^([\w.-]+=)?(https?:\/\/)([^@/?#]*)@([^/?#]+)(.*)$/is;

/**
 * A Git context URL with a token in it (build-push-action's README: `https://<token>@github.com/…#ref`),
 * the token moved out: on argv it would be in every process listing, the log and the builder's
 * history record. BuildKit sends GIT_AUTH_TOKEN.<host> as the password of that host's fetches
 * (user `x-access-token`): `https://<token>@` gives the token, `user:password` its password (the
 * user name is dropped; GitHub, GitLab and Azure DevOps take any user name with a token).
 */
export function takeUrlToken(text: string, input: UrlToken['input'], entry: number): { text: string; token?: UrlToken } {
  const m = URL_USERINFO.exec(text);
  if (!m) return { text };
  const [, name = '', scheme, userinfo, host, rest] = m;
  const colon = userinfo.indexOf(':');
  const token = decode(colon === -1 ? userinfo : userinfo.slice(colon + 1));
  const stripped = `${name}${scheme}${host}${rest}`;
  // An empty password (`https://user:@host`) is nothing to send.
  if (!token) return { text: stripped };
  return { text: stripped, token: { id: `GIT_AUTH_TOKEN.${host}`, input, entry, value: token } };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
