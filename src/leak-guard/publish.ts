/**
 * Publishing what the scan passed, and nothing else: the OCI export itself is pushed
 * to every name with skopeo (`--preserve-digests`: a digest it cannot keep fails the
 * copy) and loaded into the engine with `docker load`; on the classic image store the
 * untagged image that was scanned is tagged and pushed by the engine. Cache layouts are
 * pushed or moved, file outputs renamed into place. Each step checks the digest it got
 * against the scanned one, a check that holds by construction and so costs nothing.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMetadata, type BuildOutputs } from '../docker/build-results.js';
import { diagnoseBuildFailure, lastLine } from '../docker/diagnose.js';
import { capture, runStreamed, type Program } from '../docker/process.js';
import { registryOf, repository } from '../docker/reference.js';
import { ActionError } from '../errors.js';
import type { Log } from '../report/log.js';
import type { ScannedImage } from './image-index.js';
import type { ImagePush, Publication } from './plan.js';
import { checkPushAccess, dockerAuth } from './registry-access.js';

export interface Publisher {
  log: Log;
  /** skopeo's --authfile arguments (dockerAuth). */
  auth?: string[];
  /** The running child, for the cancellation handler. */
  onSpawn: (child: ChildProcess) => void;
  /** Where skopeo may unpack the OCI archive (not secret: it was scanned). */
  work: string;
}

export interface Published {
  outputs: BuildOutputs;
  /** What went where, in words, for the summary. */
  detail: string;
}

/** The registry references a publication pushes to (images and caches). */
const registryRefs = (plan: Publication) => [...plan.pushes.map((x) => x.name), ...plan.caches.map((c) => c.ref)];

/** Before the build: skopeo is there, and each registry pushed to takes the stored credentials (registry-access.ts). */
export async function checkPublishing(plan: Publication, work: string, log: Log): Promise<void> {
  const v = await capture(['--version'], log, 'skopeo');
  if (v.code !== 0) throw new ActionError(`skopeo --version failed (${lastLine(v.stderr)}): the leak guard pushes the scanned image with skopeo`);
  const refs = registryRefs(plan);
  const insecure = new Set([
    ...plan.pushes.filter((x) => x.insecure).map((x) => registryOf(x.name)),
    ...plan.caches.filter((c) => c.insecure).map((c) => registryOf(c.ref))
  ]);
  await checkPushAccess(refs, dockerAuth(work, refs), (r) => insecure.has(r), log);
}

export async function publishScanned(publisher: Publisher, plan: Publication, built: BuildOutputs, scanned: ScannedImage[]): Promise<Published> {
  const p = { ...publisher, auth: dockerAuth(publisher.work, registryRefs(plan)) };
  const done: string[] = [];
  let digest = built.digest;
  let imageid = built.imageid;
  if (plan.image?.kind === 'oci') {
    for (const push of plan.pushes) await pushExport(p, plan.image.path, push, built.digest);
    if (plan.pushes.length) done.push(`pushed the scanned image ${short(built.digest)} to ${names(plan.pushes.map(pushRef(built.digest)))}`);
    if (plan.load) {
      const loaded = await loadExport(p, plan.image.path, plan.load, built.digest, scanned);
      // The engine's id of what it loaded, as build-push-action's imageid is after a load (`docker run <imageid>`).
      imageid = loaded.id;
      done.push(loaded.detail);
    }
  } else if (plan.image?.kind === 'loaded') {
    for (const name of [...(plan.load ?? []), ...plan.pushes.map((x) => x.name)])
      await docker(p, ['tag', built.imageid, name], `tag the scanned image as ${name}`);
    for (const push of plan.pushes) digest = await pushLoaded(p, push.name);
    if (plan.pushes.length) done.push(`pushed the scanned image ${short(built.imageid)} to ${names(plan.pushes.map((x) => x.name))}`);
    if (plan.load?.length) done.push(`tagged the scanned image ${names(plan.load)}`);
  }
  for (const c of plan.caches) await pushCache(p, c);
  if (plan.caches.length) done.push(`pushed the scanned cache to ${names(plan.caches.map((c) => c.ref))}`);
  for (const m of plan.moves) moveIntoPlace(m.from, m.to);
  if (plan.moves.length) done.push(`moved ${names(plan.moves.map((m) => m.to))} into place`);
  const metadata = withImageNames(built.metadata, [...plan.pushes.map(pushRef(built.digest)), ...(plan.load ?? [])]);
  return { outputs: { imageid, digest, metadata }, detail: done.join('; ') || 'nothing was published: no output leaves the runner' };
}

const short = (d: string) => d.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1');
const names = (list: string[]) => list.join(', ');

/** `name`, or for push-by-digest its repository at the scanned digest. */
const pushRef = (digest: string) => (push: ImagePush) => (push.byDigest ? `${repository(push.name)}@${digest}` : push.name);

async function pushExport(p: Publisher, archive: string, push: ImagePush, scannedDigest: string): Promise<void> {
  const ref = pushRef(scannedDigest)(push);
  const digestFile = path.join(p.work, 'pushed-digest');
  const tls = push.insecure ? ['--dest-tls-verify=false'] : [];
  const args = ['copy', '--all', '--preserve-digests', '--digestfile', digestFile, ...(p.auth ?? []), ...tls, `oci-archive:${archive}`, `docker://${ref}`];
  await run(p, 'skopeo', args);
  const pushed = fs.readFileSync(digestFile, 'utf8').trim();
  if (pushed !== scannedDigest) throw new ActionError(`leak guard: ${ref} was stored as ${pushed}, not as the scanned ${scannedDigest}`);
}

async function pushCache(p: Publisher, c: Publication['caches'][number]): Promise<void> {
  const tls = c.insecure ? ['--dest-tls-verify=false'] : [];
  await run(p, 'skopeo', ['copy', '--all', '--preserve-digests', ...(p.auth ?? []), ...tls, `oci:${c.from}`, `docker://${c.ref}`]);
}

/**
 * `docker load` of the scanned export: every platform of it, as the engine's image id
 * says (on the containerd store the index digest; on the classic store a config the
 * scan read). Then each name is tagged.
 */
async function loadExport(
  p: Publisher,
  archive: string,
  load: string[],
  scannedDigest: string,
  scanned: ScannedImage[]
): Promise<{ id: string; detail: string }> {
  const r = await capture(['load', '--quiet', '--input', archive], p.log);
  if (r.code !== 0) throw new ActionError(`could not load the scanned image into the engine: ${lastLine(r.stderr)}`);
  const id = /Loaded image ID: (sha256:[0-9a-f]{64})/.exec(r.stdout)?.[1];
  const known = new Set([scannedDigest, ...scanned.map((s) => s.config)]);
  if (!id || !known.has(id)) throw new ActionError(`leak guard: the engine loaded ${id ?? 'an image it did not name'}, not the scanned ${scannedDigest}`);
  for (const name of load) await docker(p, ['tag', id, name], `tag the scanned image as ${name}`);
  // The same image may have been read twice (an OCI file output of it too): platforms are distinct manifests.
  const count = new Set(scanned.map((s) => s.manifest)).size;
  const platforms = count > 1 ? ` (${count} platforms)` : '';
  return { id, detail: `loaded the scanned image ${short(id)}${platforms}${load.length ? ` as ${names(load)}` : ' untagged'}` };
}

/** The classic store: the engine pushes the image it holds; the digest is the one the registry gave it. */
async function pushLoaded(p: Publisher, name: string): Promise<string> {
  await run(p, 'docker', ['push', name]);
  const r = await capture(['image', 'inspect', '--format', '{{json .RepoDigests}}', name], p.log);
  let digests: string[] = [];
  try {
    digests = JSON.parse(r.stdout) as string[];
  } catch {
    // no digest to report
  }
  const mine = digests.find((d) => d.startsWith(`${repository(name)}@`) || d.startsWith(`docker.io/${repository(name)}@`));
  return mine?.replace(/^.*@/, '') ?? '';
}

/** A publishing command, printed through the scrubber; its failure diagnosed as a build's is (the registry's refusal, its hint). */
async function run(p: Publisher, program: Program, args: string[]): Promise<void> {
  const r = await runStreamed(args, p.log, { program, onSpawn: p.onSpawn, env: { TMPDIR: p.work }, echo: true });
  if (r.code === 0) return;
  throw new ActionError(diagnoseBuildFailure(r, { ids: [], phase: 'publish', command: `${program} ${args[0]}` }).message);
}

async function docker(p: Publisher, args: string[], what: string): Promise<void> {
  const r = await capture(args, p.log);
  if (r.code !== 0) throw new ActionError(`could not ${what}: ${lastLine(r.stderr)}`);
}

/** build-push-action's metadata names what was pushed (`image.name`); the export had no name, so it is added here. */
function withImageNames(metadata: string, published: string[]): string {
  const meta = parseMetadata(metadata);
  if (!published.length || !metadata || 'image.name' in meta) return metadata;
  return JSON.stringify({ ...meta, 'image.name': published.join(',') }, null, 2);
}

/**
 * A scanned file output takes its destination's place: a tarball replaces the file, a
 * directory's entries go into the existing directory as buildx would write them. Renames
 * on the same filesystem (no copy, no window); through a symlinked destination, a copy.
 */
export function moveIntoPlace(from: string, to: string): void {
  if (!fs.existsSync(from)) return;
  const target = fs.existsSync(to) ? fs.realpathSync(to) : to;
  if (!fs.statSync(from).isDirectory() || !fs.existsSync(target)) return move(from, target);
  for (const name of fs.readdirSync(from)) {
    fs.rmSync(path.join(target, name), { recursive: true, force: true });
    move(path.join(from, name), path.join(target, name));
  }
  fs.rmSync(from, { recursive: true, force: true });
}

function move(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    fs.cpSync(from, to, { recursive: true });
    fs.rmSync(from, { recursive: true, force: true });
  }
}
