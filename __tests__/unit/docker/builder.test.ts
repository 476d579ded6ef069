/** parseBuilderInfo on real `docker buildx inspect` texts: which builders can export an OCI tarball. */
import { describe, expect, test } from '@jest/globals';
import { parseBuilderInfo, removesHistorySafely, sharedBuilder, takesDefaultProvenance } from '../../../src/docker/builder.js';

/**
 * The docker driver on the containerd image store (Docker Desktop 28.5.1, buildx v0.29.1-desktop.1,
 * BuildKit v0.25.1), from an environment report in a public repository found with the code search.
 * The containerd worker labels are BuildKit's (worker/label/label.go: containerd.namespace,
 * containerd.uuid, executor "containerd"), as set up by moby builder/builder-next/controller.go
 * `newSnapshotterController`.
 */
const DOCKER_CONTAINERD = `Name:   desktop-linux
Driver: docker

Nodes:
Name:             desktop-linux
Endpoint:         desktop-linux
Status:           running
BuildKit version: v0.25.1
Platforms:        linux/arm64, linux/amd64, linux/amd64/v2, linux/riscv64, linux/ppc64le, linux/s390x, linux/386
Labels:
 org.mobyproject.buildkit.worker.containerd.namespace: moby
 org.mobyproject.buildkit.worker.containerd.uuid:      ee0bee8f-b13a-4053-ab9a-0efe09edd8e2
 org.mobyproject.buildkit.worker.executor:             containerd
 org.mobyproject.buildkit.worker.hostname:             docker-desktop
 org.mobyproject.buildkit.worker.moby.host-gateway-ip: 192.168.65.254
 org.mobyproject.buildkit.worker.network:              host
 org.mobyproject.buildkit.worker.selinux.enabled:      false
 org.mobyproject.buildkit.worker.snapshotter:          overlayfs
Devices:
 Name:                  docker.com/gpu=webgpu
 Automatically allowed: false
GC Policy rule#0:
 All:            false
 Filters:        type==source.local,type==exec.cachemount,type==source.git.checkout
 Keep Duration:  48h0m0s
 Max Used Space: 2.764GiB
GC Policy rule#1:
 All:            false
 Keep Duration:  1440h0m0s
 Reserved Space: 20GiB
GC Policy rule#2:
 All:            false
 Reserved Space: 20GiB
GC Policy rule#3:
 All:            true
 Reserved Space: 20GiB
`;

/**
 * The docker driver on the classic (graph driver) store, Docker Engine on Ubuntu 24.04 with
 * buildx 0.20.1 / BuildKit v0.18.2, from github.com/mrdominguez/multiarch-trino-docker README.md
 * (its `docker info` shows the overlay2 graph driver; the same README later turns on the containerd
 * store because "docker exporter does not currently support exporting manifest lists"). The classic
 * worker carries only the host-gateway-ip label: moby builder/builder-next/controller.go
 * `newGraphDriverController` sets `Labels: getLabels(opt, nil)`, which adds just that one.
 */
const DOCKER_CLASSIC = `Name:          default
Driver:        docker
Last Activity: 2025-07-09 19:03:59 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.18.2
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4, linux/386, linux/arm64, linux/riscv64, linux/ppc64, linux/ppc64le, linux/s390x, linux/arm/v7, linux/arm/v6
Labels:
 org.mobyproject.buildkit.worker.moby.host-gateway-ip: 172.17.0.1
`;

/**
 * The classic store with OCI-worker style labels (executor oci, snapshotter overlay2) next to the
 * host-gateway-ip label: not seen in a public output (see above), kept as a guard that
 * `executor: oci` and an overlay2 snapshotter are not mistaken for the containerd store.
 */
const DOCKER_CLASSIC_OCI_LABELS = `Name:          default
Driver:        docker
Last Activity: 2025-03-02 10:11:12 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.20.2
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/386
Labels:
 org.mobyproject.buildkit.worker.executor:             oci
 org.mobyproject.buildkit.worker.hostname:             fv-az1234-567
 org.mobyproject.buildkit.worker.moby.host-gateway-ip: 172.17.0.1
 org.mobyproject.buildkit.worker.network:              host
 org.mobyproject.buildkit.worker.snapshotter:          overlay2
GC Policy rule#0:
 All:            false
 Filters:        type==source.local,type==exec.cachemount,type==source.git.checkout
 Keep Duration:  48h0m0s
 Max Used Space: 1.86GiB
`;

/**
 * buildx before v0.10 printed no Labels section (the layout of docker/buildx docs/reference/buildx_inspect.md
 * of that time, there for a docker-container builder); here with the docker driver.
 */
const DOCKER_NO_LABELS = `Name:   default
Driver: docker

Nodes:
Name:      default
Endpoint:  default
Status:    running
Platforms: linux/amd64, linux/386
`;

/** A docker-container builder, from the description of docker/buildx#1440 ("builder: add worker gc policies and labels"). */
const DOCKER_CONTAINER = `Name:          builder2
Driver:        docker-container
Last Activity: 2022-11-30 12:42:47 +0100 CET

Nodes:
Name:           builder20
Endpoint:       unix:///var/run/docker.sock
Driver Options: env.BUILDKIT_STEP_LOG_MAX_SPEED="10485760" env.JAEGER_TRACE="localhost:6831" image="moby/buildkit:latest" network="host" env.BUILDKIT_STEP_LOG_MAX_SIZE="10485760"
Status:         running
Flags:          --debug --allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host
BuildKit:       v0.10.6
Platforms:      linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/arm64, linux/riscv64, linux/ppc64le, linux/s390x, linux/386, linux/mips64le, linux/mips64, linux/arm/v7, linux/arm/v6
Labels:
 org.mobyproject.buildkit.worker.executor:         oci
 org.mobyproject.buildkit.worker.hostname:         docker-desktop
 org.mobyproject.buildkit.worker.network:          host
 org.mobyproject.buildkit.worker.oci.process-mode: sandbox
 org.mobyproject.buildkit.worker.selinux.enabled:  false
 org.mobyproject.buildkit.worker.snapshotter:      overlayfs
GC Policy rule#0:
 All:           false
 Filters:       type==source.local,type==exec.cachemount,type==source.git.checkout
 Keep Duration: 48h0m0s
 Keep Bytes:    488.3MiB
`;

/** A remote BuildKit with a containerd worker: the Labels block is BuildKit's own example in moby/buildkit#2070; the lines above it are composed in the same layout. */
const REMOTE_CONTAINERD = `Name:   remote-builder
Driver: remote

Nodes:
Name:      remote-builder0
Endpoint:  tcp://buildkitd:1234
Status:    running
Platforms: linux/amd64
Labels:
 org.mobyproject.buildkit.worker.containerd.namespace:   buildkit
 org.mobyproject.buildkit.worker.containerd.uuid:        343cfb49-cce9-453f-b21c-e5d22ca2cb47
 org.mobyproject.buildkit.worker.executor:               containerd
 org.mobyproject.buildkit.worker.hostname:               suda-ws01
 org.mobyproject.buildkit.worker.snapshotter:            overlayfs
`;

describe('parseBuilderInfo', () => {
  test.each([
    ['docker driver, containerd store: OCI export', DOCKER_CONTAINERD, { driver: 'docker', ociExport: true }],
    ['docker driver, classic store: no OCI export', DOCKER_CLASSIC, { driver: 'docker', ociExport: false }],
    ['docker driver, classic store with executor oci / overlay2 labels: no OCI export', DOCKER_CLASSIC_OCI_LABELS, { driver: 'docker', ociExport: false }],
    ['docker driver, no labels printed: taken as the classic store', DOCKER_NO_LABELS, { driver: 'docker', ociExport: false }],
    ['docker-container (docker/buildx#1440)', DOCKER_CONTAINER, { driver: 'docker-container', ociExport: true }],
    ['remote driver with a containerd worker', REMOTE_CONTAINERD, { driver: 'remote', ociExport: true }]
  ])('%s', (_name, text, expected) => {
    expect(parseBuilderInfo(text)).toEqual(expected);
  });

  test('CRLF line ends (a Windows runner) read the same', () => {
    expect(parseBuilderInfo(DOCKER_CONTAINERD.replaceAll('\n', '\r\n'))).toEqual({ driver: 'docker', ociExport: true });
    expect(parseBuilderInfo(DOCKER_CLASSIC.replaceAll('\n', '\r\n'))).toEqual({ driver: 'docker', ociExport: false });
  });

  test('the containerd store is known by either label alone', () => {
    const only = (label: string) => DOCKER_CLASSIC.replace(' org.mobyproject.buildkit.worker.moby.host-gateway-ip: 172.17.0.1', label);
    expect(parseBuilderInfo(only(' org.mobyproject.buildkit.worker.containerd.namespace: moby'))).toEqual({ driver: 'docker', ociExport: true });
    expect(parseBuilderInfo(only(' org.mobyproject.buildkit.worker.executor:   containerd'))).toEqual({ driver: 'docker', ociExport: true });
  });

  test('the driver is the first Driver: line, not "Driver Options:" of a node', () => {
    expect(parseBuilderInfo('Name: x\nDriver Options: image="moby/buildkit"\nDriver: kubernetes\n').driver).toBe('kubernetes');
  });

  test('no Driver: line (an unexpected text): no driver, OCI export assumed', () => {
    expect(parseBuilderInfo('')).toEqual({ driver: '', ociExport: true });
    expect(parseBuilderInfo('ERROR: no builder "nope" found\n')).toEqual({ driver: '', ociExport: true });
  });
});

describe("takesDefaultProvenance: build-push-action's builder test before its default provenance", () => {
  const version = (text: string, v: string) => text.replace(/^BuildKit( version)?:.*$/m, `BuildKit version: ${v}`);
  test.each<[string, string, boolean]>([
    // GitHub's runners and Docker Desktop report the docker driver's BuildKit without -moby: build-push-action adds none.
    ['docker driver, classic store (v0.18.2, a GitHub runner)', DOCKER_CLASSIC, false],
    ['docker driver, containerd store (v0.25.1, Docker Desktop)', DOCKER_CONTAINERD, false],
    ['docker driver, a Debian build (v0.0.0+unknown)', version(DOCKER_CLASSIC, 'v0.0.0+unknown'), false],
    ['docker driver tagged by Docker Engine (v0.11.0-moby)', version(DOCKER_CLASSIC, 'v0.11.0-moby'), true],
    ['docker driver, v0.10.6-moby: too old for attestations', version(DOCKER_CLASSIC, 'v0.10.6-moby'), false],
    ['docker-container, BuildKit v0.20.2', version(DOCKER_CONTAINER, 'v0.20.2'), true],
    ['docker-container, BuildKit v0.10.6 (an older buildx prints "BuildKit:")', DOCKER_CONTAINER, false],
    ['docker-container, a pre-release (semver: not >=0.11.0)', version(DOCKER_CONTAINER, 'v0.13.0-rc1'), false],
    ['remote, v0.26.0', `${REMOTE_CONTAINERD}BuildKit version: v0.26.0\n`, true],
    ['no BuildKit version printed (a builder not started)', REMOTE_CONTAINERD, false],
    ['CRLF line ends', version(DOCKER_CONTAINER, 'v0.20.2').replaceAll('\n', '\r\n'), true]
  ])('%s → %s', (_name, text, expected) => {
    expect(takesDefaultProvenance(text)).toBe(expected);
  });
});

describe('removesHistorySafely: BuildKit 0.29 or newer on every node', () => {
  test.each([
    ['Driver: docker\nBuildKit version: v0.0.0+unknown\n', false],
    ['Driver: remote\nBuildKit version: v0.25.2+debian-sid\n', false],
    ['Driver: remote\nBuildKit version: v0.29.0\n', true],
    ['Driver: docker\nBuildKit version: v0.30.1-moby\n', true],
    ['Driver: remote\nBuildKit version: v0.29.0\nBuildKit version: v0.28.1\n', false],
    ['Driver: remote\nBuildKit version: v0.29.0-rc1\n', false],
    ['Driver: remote\n', false]
  ])('%j: %s', (inspect, safe) => {
    expect(removesHistorySafely(inspect)).toBe(safe);
  });
});

describe('sharedBuilder: a builder that outlives the job', () => {
  test.each([
    ['remote', {}, 'the remote driver'],
    ['kubernetes', {}, 'the kubernetes driver'],
    ['docker', {}, undefined],
    ['docker-container', { RUNNER_ENVIRONMENT: 'github-hosted' }, undefined],
    ['docker', { RUNNER_ENVIRONMENT: 'self-hosted' }, 'the docker driver on a self-hosted runner'],
    ['', { RUNNER_ENVIRONMENT: 'self-hosted' }, undefined]
  ])('%s %j: %s', (driver, env, why) => {
    expect(sharedBuilder(driver, env)).toBe(why);
  });
});
