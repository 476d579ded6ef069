/** diagnoseBuildFailure on buildx 0.29's real error output: the cause, the Dockerfile line, the hint. */
import { describe, expect, test } from '@jest/globals';
import { buildxMissing, diagnoseBuildFailure } from '../../../src/docker/diagnose.js';

const excerpt = (line: number, text: string) => `Dockerfile:${line}\n--------------------\n ${line} | >>> ${text}\n--------------------\n`;

/** [name, stderr tail, cause in the message, hint in the message, line] — tails as buildx 0.29 prints them. */
const CASES: [string, string, RegExp, RegExp, number | undefined][] = [
  [
    'a failing RUN',
    `#6 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1\n------\n > [3/3] RUN false:\n------\n${excerpt(3, 'RUN false')}ERROR: failed to build: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1\n`,
    /^process "\/bin\/sh -c false" did not complete successfully: exit code: 1$/m,
    /a RUN step failed/,
    3
  ],
  [
    'a missing COPY source',
    `${excerpt(2, 'COPY app/x /x')}ERROR: failed to build: failed to solve: failed to compute cache key: failed to calculate checksum of ref abc::def: "/app/x": not found\n`,
    /"\/app\/x": not found/,
    /COPY or ADD source is not in the build context/,
    2
  ],
  [
    'a missing Dockerfile',
    'ERROR: failed to build: failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory\n',
    /^failed to read dockerfile: open Dockerfile/,
    /check the file and context inputs/,
    undefined
  ],
  [
    'a syntax error',
    `${excerpt(3, 'THIS is bad')}ERROR: failed to build: failed to solve: dockerfile parse error on line 3: unknown instruction: THIS\n`,
    /^dockerfile parse error on line 3: unknown instruction: THIS$/m,
    /does not parse/,
    3
  ],
  [
    'a push without login',
    'ERROR: failed to build: failed to solve: failed to push 127.0.0.1:5001/x:1: unexpected status from HEAD request to http://127.0.0.1:5001/v2/x/blobs/sha256:ab: 401 Unauthorized\n',
    /401 Unauthorized/,
    /log in before this step \(docker\/login-action\)/,
    undefined
  ],
  [
    'two platforms loaded into the classic image store',
    'ERROR: failed to build: docker exporter does not currently support exporting manifest lists\n',
    /^docker exporter does not currently support exporting manifest lists$/m,
    /turn on the containerd image store/,
    undefined
  ],
  [
    'two platforms on a builder whose nodes split them',
    'ERROR: failed to build: oci for multi-node builds currently not supported\n',
    /^oci for multi-node builds currently not supported$/m,
    /build each platform in a job of its own \(push-by-digest/,
    undefined
  ],
  ['an unknown builder', 'ERROR: no builder "nope" found\n', /^no builder "nope" found$/m, /does not exist/, undefined],
  [
    'a missing secret',
    `#5 ERROR: secret tok: not found\n${excerpt(2, 'RUN --mount=type=secret,id=tok,required=true true')}ERROR: failed to build: failed to solve: secret tok: not found\n`,
    /^secret tok: not found$/m,
    /needs secret "tok".*ids given: npm/,
    2
  ],
  [
    'no buildx plugin (Docker CLI 28)',
    'unknown flag: --secret\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n',
    /^unknown flag: --secret$/m,
    /buildx plugin is missing/,
    undefined
  ],
  [
    'no daemon',
    'ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
    /^Cannot connect to the Docker daemon/m,
    /daemon is not reachable/,
    undefined
  ],
  [
    'a docker-driver builder of another context',
    'ERROR: use `docker --context=ctx1 buildx` to switch to context "ctx1"\n',
    /switch to context/,
    /set DOCKER_CONTEXT: ctx1/,
    undefined
  ],
  ['no ERROR line at all', 'something else\n', /^docker buildx build exited with code 1$/m, /see the build log above/, undefined]
];

describe('diagnoseBuildFailure', () => {
  test.each(CASES)('%s', (_name, stderrTail, causeRe, hintRe, line) => {
    const d = diagnoseBuildFailure({ code: 1, signal: null, stderrTail }, { ids: ['npm'], phase: 'build' });
    expect(d.message).toMatch(causeRe);
    expect(d.message).toMatch(hintRe);
    expect(d.message).not.toMatch(/^ERROR: |failed to build: failed to solve: /m);
    expect(d.line).toBe(line);
  });

  describe('publishing the scanned result (skopeo, docker push, docker load)', () => {
    test.each<[string, string, RegExp, RegExp]>([
      [
        "skopeo's fatal message",
        'Getting image list signatures\ntime="2026-12-06T12:00:00Z" level=fatal msg="trying to reuse blob sha256:ab at destination: checking whether a blob sha256:ab exists in 127.0.0.1:5001/x: authentication required"\n',
        /^publishing failed: trying to reuse blob .*authentication required$/m,
        /log in before this step \(docker\/login-action\)/
      ],
      [
        'an escaped quote in the message',
        'time="t" level=fatal msg="invalid reference \\"a b\\""\n',
        /^publishing failed: invalid reference "a b"$/m,
        /see the log above/
      ],
      [
        "docker push's last line",
        'The push refers to repository [127.0.0.1:5001/x]\nunauthorized: authentication required\n',
        /^publishing failed: unauthorized: authentication required$/m,
        /log in/
      ],
      ['nothing printed', '', /^publishing failed: skopeo copy exited with code 1$/m, /see the log above/]
    ])('%s', (_name, stderrTail, causeRe, hintRe) => {
      const d = diagnoseBuildFailure({ code: 1, signal: null, stderrTail }, { ids: ['tok'], phase: 'publish', command: 'skopeo copy' });
      expect(d.message).toMatch(causeRe);
      expect(d.message).toMatch(hintRe);
    });
  });

  test('a killed build says by which signal', () => {
    expect(diagnoseBuildFailure({ code: null, signal: 'SIGKILL', stderrTail: '' }, { ids: [], phase: 'build' }).message).toMatch(/was killed by SIGKILL/);
  });

  test('buildxMissing', () => {
    expect(buildxMissing('docker: unknown command: docker buildx\n')).toBe(true);
    expect(buildxMissing("docker: 'buildx' is not a docker command.")).toBe(true);
    // Docker CLI 28 without the plugin parses the flags before it finds no command: `buildx inspect --bootstrap`, `buildx build --progress`.
    expect(buildxMissing('unknown flag: --bootstrap\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n')).toBe(true);
    expect(buildxMissing('unknown flag: --progress\n')).toBe(true);
    expect(buildxMissing('ERROR: no builder "x" found')).toBe(false);
  });
});
