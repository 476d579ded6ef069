/**
 * What the build leaves on the runner until it is published or thrown away: the work
 * directory (the OCI export, cache layouts, outputs inside the context), each file
 * output's copy beside its destination, and on the classic image store the untagged
 * image loaded for the scan (by buildx's id file until main has read the id). None of it
 * has been scanned while the step runs, so every
 * way out removes it: the `finally`, a cancellation signal (synchronously, as the vault),
 * and the post step after a killed main, from the state recorded here as the vault's is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Disposable } from '../cancel.js';
import { capture, removeImageNow } from '../docker/process.js';
import { Log } from '../report/log.js';
import { EXPORTS_STATE_KEY, idIn, isExportPath, LOADED_IMAGE_ID_FILE_STATE_KEY, LOADED_IMAGE_STATE_KEY, present } from './exports-state.js';

export class Exports implements Disposable {
  private readonly paths: string[] = [];
  private image = '';
  private idFile = '';

  constructor(private readonly log: Log) {}

  add(...paths: string[]): void {
    this.paths.push(...paths.map((p) => path.resolve(p)));
    this.save();
  }

  /** Before a build that loads its image into the classic store: where buildx will write its id (exports-state.ts says why). */
  loadsInto(idFile: string): void {
    this.idFile = idFile;
    this.save();
  }

  /** The untagged image the classic store loaded for the scan: removed on every way out, until it is published. */
  loaded(id: string): void {
    this.image = id;
    this.idFile = '';
    this.save();
  }

  /** The loaded image is published (tagged, pushed, or loaded as asked): no longer the action's to remove. */
  published(): void {
    this.image = '';
    this.idFile = '';
    this.save();
  }

  /** Synchronous: a signal handler calls it. What could not be removed stays in the state, for the post step. */
  dispose(): void {
    // Read before the work directory that holds it goes.
    if (!this.image && this.idFile) this.image = idIn(this.idFile);
    this.idFile = '';
    const left = this.paths.filter((p) => !removeExport(p));
    if (this.image && removeImageNow(this.image, this.log)) this.image = '';
    this.paths.splice(0, this.paths.length, ...left);
    this.save();
    if (this.image) left.push(`the unscanned image ${this.image}`);
    if (left.length) throw new Error(`could not remove ${left.join(', ')}; the post step will try again`);
  }

  private save(): void {
    this.log.saveState(EXPORTS_STATE_KEY, this.paths.length ? JSON.stringify(this.paths) : '');
    this.log.saveState(LOADED_IMAGE_STATE_KEY, this.image);
    this.log.saveState(LOADED_IMAGE_ID_FILE_STATE_KEY, this.idFile);
  }
}

/** Removes the paths the action named; a path with another name (a forged state) is left alone. Returns those removed. */
export function removeExports(paths: string[]): string[] {
  return paths.filter((p) => present(p) && removeExport(p));
}

/** Whether `p` is gone now (a path not named as the action names its exports is never removed). */
function removeExport(p: string): boolean {
  if (!present(p)) return true;
  if (!isExportPath(p)) return false;
  try {
    fs.rmSync(p, { recursive: true, force: true, maxRetries: 2 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The post step: the image main loaded for the scan and could not remove, removed while it is
 * still untagged (never published). Whether it was removed.
 */
export async function removeUntaggedImage(id: string): Promise<boolean> {
  const log = Log.forSecrets([]);
  const tags = await capture(['image', 'inspect', '--format', '{{len .RepoTags}}', id], log);
  if (tags.code !== 0 || tags.stdout.trim() !== '0') return false;
  return removeImageNow(id, log);
}
