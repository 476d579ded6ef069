/** What the builder can export to the runner, from `docker buildx inspect` (one probe, ~0.15 s). */
import { ActionError } from '../errors.js';
import type { Log } from '../report/log.js';
import { buildxMissing, diagnoseBuildFailure } from './diagnose.js';
import { capture } from './process.js';

export interface BuilderInfo {
  driver: string;
  /** The docker driver on the classic image store can export neither OCI nor caches. */
  ociExport: boolean;
  /** build-push-action would add its default provenance on this builder (takesDefaultProvenance). */
  defaultProvenance?: boolean;
  /**
   * A build record can be removed without risk to the builder: every node's BuildKit is known
   * to be 0.29 or newer. Before (moby/buildkit b4159310, "history: fix nil events filtering"),
   * a history listing while a removal is under way dereferences a nil record, and on the
   * docker driver that panic takes dockerd down (seen here with Docker 28.5).
   */
  safeHistoryRemoval?: boolean;
}

/**
 * The driver, and whether it can export an OCI tarball. Every driver can but the
 * docker driver on the classic image store; on the containerd store its worker
 * carries `org.mobyproject.buildkit.worker.containerd.*` labels.
 */
export function parseBuilderInfo(inspect: string): BuilderInfo {
  const driver = /^Driver:\s*(\S+)/m.exec(inspect)?.[1] ?? '';
  const containerd = /org\.mobyproject\.buildkit\.worker\.containerd\./.test(inspect) || /worker\.executor:\s*containerd/.test(inspect);
  return { driver, ociExport: driver !== 'docker' || containerd };
}

/**
 * build-push-action's test before it adds its default provenance (BuildKit.versionSatisfies
 * '>=0.11.0' in @docker/actions-toolkit): every node's BuildKit version is known and 0.11 or
 * newer (semver: a pre-release or `v0.0.0+unknown` is not), and on the docker driver it is
 * one Docker Engine tagged `-moby`. Engines today report the docker driver's BuildKit
 * without that suffix (`v0.18.2` on GitHub's runners), so build-push-action adds none there,
 * and an attestation on the classic image store would fail the build.
 */
export function takesDefaultProvenance(inspect: string): boolean {
  const { driver } = parseBuilderInfo(inspect);
  const versions = buildkitVersions(inspect);
  return versions.length > 0 && versions.every((v) => (driver !== 'docker' || v.endsWith('-moby')) && atLeast(v.replace(/-moby$/, ''), 11));
}

/** Every node's BuildKit version, as `buildx inspect` prints them (`BuildKit version:` since buildx 0.11; `BuildKit:` before). */
function buildkitVersions(inspect: string): string[] {
  return [...inspect.matchAll(/^Build[Kk]it(?: version)?:\s*(\S+)/gm)].map((m) => m[1]);
}

/** Every node's BuildKit is 0.29 or newer (safeHistoryRemoval); an unknown version (`v0.0.0+unknown`) is not. */
export function removesHistorySafely(inspect: string): boolean {
  const versions = buildkitVersions(inspect);
  return versions.length > 0 && versions.every((v) => atLeast(v.replace(/-moby$/, ''), 29));
}

/** A 0.x version of at least 0.<minor>.0 (or any 1.x and later); a pre-release, `+unknown` build or other text is not. */
function atLeast(version: string, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:\+[0-9A-Za-z.-]*)?$/.exec(version);
  if (!m) return false;
  return Number(m[1]) > 0 || Number(m[2]) >= minor;
}

/**
 * Fails at once when buildx itself is missing; otherwise an empty driver when the builder
 * cannot be inspected: the build then reports why. `--bootstrap` starts a builder that is
 * not running yet (which the build would do anyway), so its BuildKit version is known.
 */
export async function inspectBuilder(builder: string, log: Log): Promise<BuilderInfo> {
  const r = await capture(['buildx', 'inspect', '--bootstrap', ...(builder ? [builder] : [])], log);
  if (r.code === 0)
    return { ...parseBuilderInfo(r.stdout), defaultProvenance: takesDefaultProvenance(r.stdout), safeHistoryRemoval: removesHistorySafely(r.stdout) };
  if (buildxMissing(r.stdout + r.stderr))
    throw new ActionError(diagnoseBuildFailure({ code: r.code, signal: null, stderrTail: r.stderr }, { ids: [], phase: 'build' }).message);
  return { driver: '', ociExport: true };
}

/**
 * Why the builder outlives the job and serves others, or undefined: a remote or kubernetes
 * builder; a docker or docker-container builder on a self-hosted runner (its daemon stays
 * between jobs; RUNNER_ENVIRONMENT says which kind of runner this is).
 */
export function sharedBuilder(driver: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (driver === 'remote' || driver === 'kubernetes') return `the ${driver} driver`;
  if ((driver === 'docker' || driver === 'docker-container') && env.RUNNER_ENVIRONMENT === 'self-hosted') return `the ${driver} driver on a self-hosted runner`;
  return undefined;
}
