/**
 * build-push-action's default provenance, from the runner's environment and the event
 * payload it writes (whether the repository is private); pure but for reading that file.
 */
import * as fs from 'node:fs';

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
