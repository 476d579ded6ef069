/** Switches build-push-action reads from the environment, read the same way here. Pure. */
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
