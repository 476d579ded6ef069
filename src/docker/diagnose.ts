/** Turns a failed buildx run into an actionable message. Works on scrubbed text only. */
import type { RunResult } from './process.js';

export function diagnoseBuildFailure(r: RunResult, providedIds: string[]): string {
  const t = r.stderrTail;
  const missing = /secret (\S+?):? not found/.exec(t);
  if (missing) {
    const given = providedIds.length ? providedIds.join(', ') : 'none';
    return (
      `BuildKit could not find secret "${missing[1]}": a RUN --mount=type=secret in the Dockerfile requires it, ` +
      `but no secret with that id was given (ids given: ${given}). Add it to secrets, secret-envs or secret-files, or fix the id in the Dockerfile.`
    );
  }
  if (/is not a docker command|unknown command "buildx"/.test(t)) {
    return 'docker buildx is not installed: add docker/setup-buildx-action before this step, or install the docker-buildx plugin.';
  }
  if (/unknown flag: --(secret|iidfile|metadata-file)/.test(t)) {
    return 'this docker buildx is too old for build secrets: use buildx 0.6 or newer (docker/setup-buildx-action installs a current one).';
  }
  if (/Cannot connect to the Docker daemon|error during connect|dial unix [^ ]+: connect:/i.test(t)) {
    return 'the Docker daemon is not reachable: check that dockerd is running and DOCKER_HOST points at it, or set builder to a reachable builder.';
  }
  const ctx = /use `docker --context=(\S+) buildx` to switch to context/.exec(t);
  if (ctx) {
    return `builder "${ctx[1]}" is the docker driver of Docker context "${ctx[1]}": set DOCKER_CONTEXT: ${ctx[1]} in the step's env, or use a builder of another driver.`;
  }
  if (/no builder .* found|failed to find builder/i.test(t)) {
    return 'the builder given in "builder" does not exist: create it first (docker/setup-buildx-action) or leave builder empty.';
  }
  const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.code}`;
  return `docker buildx build ${how}; see the build log above.`;
}
