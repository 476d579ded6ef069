/**
 * Why a run has no secrets, from the workflow's event (@actions/github's context,
 * loaded only on this path: the common run never pays for it). Pull requests from
 * forks and Dependabot's runs get no repository secrets by design.
 */
export interface SecretlessRun {
  reason: string;
  remedies: string;
}

interface Repo {
  full_name?: string;
  fork?: boolean;
}

export async function secretlessRun(): Promise<SecretlessRun | undefined> {
  const { context } = await import('@actions/github');
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
