/** What the builder can export to the runner, from `docker buildx inspect` (one probe, ~0.15 s). */
import { ActionError } from '../errors.js';
import type { Log } from '../output/log.js';
import { buildxMissing, diagnoseBuildFailure } from './diagnose.js';
import type { BuilderInfo } from './plan.js';
import { capture } from './process.js';

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

/** Fails at once when buildx itself is missing; otherwise an empty driver when the builder cannot be inspected: the build then reports why. */
export async function inspectBuilder(builder: string, log: Log): Promise<BuilderInfo> {
  const r = await capture(['buildx', 'inspect', ...(builder ? [builder] : [])], log);
  if (r.code === 0) return parseBuilderInfo(r.stdout);
  if (buildxMissing(r.stdout + r.stderr))
    throw new ActionError(diagnoseBuildFailure({ code: r.code, signal: null, stderrTail: r.stderr }, { ids: [], phase: 'build' }).message);
  return { driver: '', ociExport: true };
}
