/**
 * Turns a failed docker run into one annotation: buildx's own `ERROR:` line (the
 * cause), the Dockerfile location when BuildKit prints one, and the action's hint on
 * what to change. Pure; works on scrubbed text only.
 */
import type { RunResult } from './process.js';

export interface Diagnosis {
  message: string;
  /** The Dockerfile line BuildKit blames, when it names one. */
  line?: number;
}

export interface DiagnosisContext {
  /** The secret ids the action was given. */
  ids: string[];
  /** `publish`: pushing or loading the scanned result (skopeo, docker push, docker load), after the build. */
  phase: 'build' | 'publish';
  /** What ran, for a failure that says nothing else (`docker buildx build` when not given). */
  command?: string;
}

const BUILDX_MISSING =
  /unknown flag: --(secret|iidfile|metadata-file|bootstrap|progress)|unknown command: docker buildx|'buildx' is not a docker command|unknown command "buildx"/;

type Hint = [RegExp, (m: RegExpExecArray, c: DiagnosisContext) => string];

const HINTS: Hint[] = [
  [
    /secret ([^\s:]+):? not found/,
    (m, c) =>
      `a RUN --mount=type=secret needs secret "${m[1]}", which the action was not given (ids given: ${c.ids.join(', ') || 'none'}); add it to secrets, secret-envs or secret-files, or fix the id in the Dockerfile`
  ],
  [BUILDX_MISSING, () => 'the docker buildx plugin is missing (or older than 0.6): add docker/setup-buildx-action before this step, or install docker-buildx'],
  [
    /Cannot connect to the Docker daemon|error during connect|dial unix [^ ]+: connect:/i,
    () => 'the Docker daemon is not reachable: check that dockerd runs and DOCKER_HOST points at it, or set builder to a reachable builder'
  ],
  [
    /use `docker --context=(\S+) buildx` to switch to context/,
    (m) =>
      `builder "${m[1]}" is the docker driver of Docker context "${m[1]}": set DOCKER_CONTEXT: ${m[1]} in the step's env, or use a builder of another driver`
  ],
  [
    /no builder .* found|failed to find builder/i,
    () => 'the builder named in "builder" does not exist: create it first (docker/setup-buildx-action) or leave builder empty'
  ],
  [
    /401 Unauthorized|unauthorized|authentication required|no basic auth credentials|insufficient_scope|denied: /i,
    () => 'the registry refused the push: log in before this step (docker/login-action), and for ghcr.io grant the job permissions: packages: write'
  ],
  [
    /failed to read dockerfile|Dockerfile: no such file or directory/i,
    () => 'no Dockerfile there: check the file and context inputs (file defaults to <context>/Dockerfile)'
  ],
  [
    /docker exporter does not currently support exporting manifest lists|Multi-platform build is not supported for the docker driver/,
    () =>
      'a multi-platform image cannot be loaded into the classic image store: turn on the containerd image store, use a builder of another driver (docker/setup-buildx-action), or build one platform'
  ],
  [
    /oci for multi-node builds currently not supported/,
    () =>
      'this builder builds the platforms on different nodes, and buildx cannot export their result as the one OCI image the leak guard scans before publishing: build each platform in a job of its own (push-by-digest, then docker buildx imagetools create), use a single-node builder (QEMU), or set leak-check: off'
  ],
  [/dockerfile parse error/i, () => 'the Dockerfile does not parse: fix the instruction on that line'],
  [
    /failed to calculate checksum of ref .*not found|failed to compute cache key.*not found/,
    () => 'a COPY or ADD source is not in the build context: check context and .dockerignore'
  ],
  [/did not complete successfully: exit code/, () => 'a RUN step failed: its output is in the build log above']
];

/**
 * buildx's last `ERROR:` line without the wrappers every failure repeats; for skopeo its
 * fatal `msg="…"`; after a build, the last line (docker push and docker load print their
 * error alone).
 */
function cause(text: string, phase: DiagnosisContext['phase']): string | undefined {
  const errors = [...text.matchAll(/^ERROR: (.+)$/gm)].map((m) => m[1].trim());
  const skopeo = [...text.matchAll(/level=(?:fatal|error) msg="((?:[^"\\]|\\.)*)"/g)].pop()?.[1].replace(/\\"/g, '"');
  const last =
    errors.pop() ??
    [...text.matchAll(/^(unknown flag: .+|docker: .+)$/gm)].pop()?.[1] ??
    skopeo ??
    (phase === 'publish' ? lastLine(text, '') || undefined : undefined);
  return last?.replace(/^(failed to build: )?(failed to solve: )?/, '');
}

/** `Dockerfile:3` above BuildKit's source excerpt, or the line of a parse error. */
function location(text: string): number | undefined {
  const excerpt = [...text.matchAll(/^\S+:(\d+)\n-{20}$/gm)].pop();
  const parse = /dockerfile parse error on line (\d+)/.exec(text);
  const line = excerpt?.[1] ?? parse?.[1];
  return line ? Number(line) : undefined;
}

export function diagnoseBuildFailure(r: RunResult, c: DiagnosisContext): Diagnosis {
  const t = r.stderrTail;
  const found = cause(t, c.phase);
  const command = c.command ?? 'docker buildx build';
  const hint = HINTS.map(([re, f]) => [re.exec(t), f] as const).find(([m]) => m);
  // A signal is the cause whatever the child printed as it went down.
  const head = r.signal ? `${command} was killed by ${r.signal}${found ? ` (${found})` : ''}` : (found ?? `${command} exited with code ${r.code}`);
  const message = hint ? `${head}\n${hint[1](hint[0]!, c)}` : `${head}\nsee the ${c.phase === 'publish' ? 'log' : 'build log'} above`;
  return { message: c.phase === 'publish' ? `publishing failed: ${message}` : message, line: location(t) };
}

/** The last line of a command's output that says something: what a short call's failure is reported with. */
export function lastLine(text: string, none = 'no message'): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? none
  );
}

/** A failed `docker buildx inspect` that means buildx itself is missing. */
export function buildxMissing(text: string): boolean {
  return BUILDX_MISSING.test(text);
}
