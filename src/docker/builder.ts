/** What the builder can export to the runner, from `docker buildx inspect` (one probe, ~0.15 s). */
import { ActionError } from '../errors.js';
import type { Log } from '../output/log.js';
import { buildxMissing, diagnoseBuildFailure } from './diagnose.js';
import { capture } from './process.js';

export interface BuilderInfo {
  driver: string;
  /** The docker driver on the classic image store can export neither OCI nor caches. */
  ociExport: boolean;
  /** build-push-action would add its default provenance on this builder (takesDefaultProvenance). */
  defaultProvenance?: boolean;
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
  // `BuildKit version:` since buildx 0.11; `BuildKit:` (or `Buildkit:`) before.
  const versions = [...inspect.matchAll(/^Build[Kk]it(?: version)?:\s*(\S+)/gm)].map((m) => m[1]);
  return versions.length > 0 && versions.every((v) => (driver !== 'docker' || v.endsWith('-moby')) && atLeast011(v.replace(/-moby$/, '')));
}

function atLeast011(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:\+[0-9A-Za-z.-]*)?$/.exec(version);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 0 || minor >= 11;
}

/**
 * Fails at once when buildx itself is missing; otherwise an empty driver when the builder
 * cannot be inspected: the build then reports why. `--bootstrap` starts a builder that is
 * not running yet (which the build would do anyway), so its BuildKit version is known.
 */
export async function inspectBuilder(builder: string, log: Log): Promise<BuilderInfo> {
  const r = await capture(['buildx', 'inspect', '--bootstrap', ...(builder ? [builder] : [])], log);
  if (r.code === 0) return { ...parseBuilderInfo(r.stdout), defaultProvenance: takesDefaultProvenance(r.stdout) };
  if (buildxMissing(r.stdout + r.stderr))
    throw new ActionError(diagnoseBuildFailure({ code: r.code, signal: null, stderrTail: r.stderr }, { ids: [], phase: 'build' }).message);
  return { driver: '', ociExport: true };
}
