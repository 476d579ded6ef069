import type { Redactor } from '../../detection/redactor.js';

/** `notice`: a risk handled in the same step (a credential written, used and removed in one RUN). */
export type Severity = 'error' | 'warning' | 'notice';

export interface Finding {
  severity: Severity;
  message: string;
  /** The check that found it, in words (the summary's "rule" column). */
  rule?: string;
  /** 1-based line in the Dockerfile, when the finding has one (the first, when the message lists several). */
  line?: number;
  /** A secret written to a cache mount: the builder keeps it for later builds (an error on a builder shared by other jobs). */
  cacheMount?: boolean;
}

export interface PreflightInput {
  dockerfile: string;
  providedIds: string[];
  /** Secret files that lie inside the build context, relative to it, by secret id. */
  contextSecretFiles: { id: string; relPath: string; ignored: boolean }[];
  allowMissingOptional: boolean;
  redactor: Redactor;
  /** SSH ids the build gets (`ssh` entries, ssh-secrets); undefined: not checked. */
  providedSshIds?: string[];
  /**
   * Ids whose value looks like a real secret (see plausiblySecret). A value of another id
   * found in the Dockerfile is a warning, not an error. Undefined: every id counts as secret.
   */
  plausibleSecretIds?: string[];
  /**
   * Credential-named files found in the build context (relative to it): `ignored` by
   * .dockerignore, `literal` when the file holds a credential itself (not only `${VAR}`
   * references). Undefined: the context was not read; only explicit COPY sources are checked.
   */
  contextCredentialFiles?: { relPath: string; ignored: boolean; literal: boolean }[];
  /** `build-args` given to buildx; when set, an ARG without one and without a default is known to be empty. */
  buildArgs?: Record<string, string>;
  /** The `target` stage; the last stage when empty. */
  target?: string;
}
