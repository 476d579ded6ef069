#!/usr/bin/env bash
# Builds a standalone BuildKit (buildkitd + buildctl) on a Debian bookworm machine (as root) for
# scripts/buildkitd.sh, which runs it as a buildx "remote" builder for the e2e tests. No BuildKit
# release binary can be downloaded here (no GitHub, no image registry), and Debian has no BuildKit
# package, but Debian sid has all it takes to build one:
#
#   - Go: sid's golang-1.NN-go + golang-1.NN-src (the version golang-go points at; SB_BUILDKIT_GO
#     picks another, e.g. golang-1.26), extracted with dpkg -x; its go binary is static.
#   - BuildKit's source: golang-github-docker-docker-dev ships it (github.com/moby/buildkit,
#     v0.25.2 in 28.5.2+dfsg4), with cmd/buildkitd and cmd/buildctl, without vendor/.
#   - its dependencies: the golang-*-dev packages that package depends on (recursively, ~530),
#     extracted into one GOPATH and built with GO111MODULE=off. Modules whose go.mod path is not
#     their directory (.../v2, .../v22) get a symlink at the go.mod path.
#   - github.com/moby/profiles (the default seccomp profile) is in no package: it is taken from
#     the vendor/ directory of docker.io's Debian orig tarball (which also names the BuildKit
#     version Docker vendors, recorded in .ok).
#
# Debian lacks the Go modules behind four optional buildkitd features: the "azblob" and "gha"
# cache backends (Azure SDK for Go, go-actions-cache) and the "fuse-overlayfs" and "stargz"
# snapshotters (fuse-overlayfs-snapshotter; sid's stargz-snapshotter is too old for containerd
# 2). Rather than patching cmd/buildkitd (line-based edits break silently when its source moves),
# small stub packages written below replace them in the GOPATH, with the functions and types
# cmd/buildkitd uses and errors saying the feature is not in this build: BuildKit's own source is
# compiled unmodified, and a changed call site is a compile error naming the stub. Stubbed are
# buildkit's cache/remotecache/{azblob,gha} (two functions each, instead of the much larger
# Azure and actions-cache APIs they wrap), fuse-overlayfs-snapshotter/v2, and the
# stargz-snapshotter packages fs, fs/config, fs/layer, fs/source and snapshot (sid's estargz,
# which BuildKit's layer conversion uses, is kept). The tests need none of the four (registry,
# local and inline cache; overlayfs snapshotter).
#
# Layout: $ENGINE_PREFIX/buildkit/bin/{buildkitd,buildctl}; $ENGINE_PREFIX/buildkit/.ok records
# the versions and is written last. The downloads, the GOPATH (~2.3 GB) and the Go build cache
# live in $ENGINE_PREFIX/buildkit/work while it builds and are deleted afterwards
# (SB_BUILDKIT_KEEP_WORK=1 keeps them). The system's apt configuration is not touched: a
# temporary one in the work directory reads sid from the mirror this machine already uses.
# Idempotent: nothing is done when .ok and both binaries are there.
#
#   bash scripts/setup-buildkit.sh          (needs root; ~4 min of 2 CPUs, ~300 MB download)
#
# SB_NICE=1 runs the heavy steps under nice -n 19 ionice -c3 (when other work shares the machine).
set -euo pipefail

ENGINE_PREFIX="${ENGINE_PREFIX:-/opt/secret-build-engine}"
DEST="$ENGINE_PREFIX/buildkit"
WORK="$DEST/work"
OK="$DEST/.ok"

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

log() { printf '[setup-buildkit] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

NICE=()
if [ "${SB_NICE:-}" = 1 ]; then
  NICE=(nice -n 19)
  if command -v ionice >/dev/null; then NICE+=(ionice -c3); fi
fi


if [ -e "$OK" ] && [ -x "$DEST/bin/buildkitd" ] && [ -x "$DEST/bin/buildctl" ]; then
  log "already built: $(tr '\n' ' ' < "$OK")"
  exit 0
fi
[ "$(id -u)" = 0 ] || die "run as root (it writes to $ENGINE_PREFIX)"
for c in apt-get apt-cache dpkg dpkg-deb tar xz; do
  command -v "$c" >/dev/null || die "$c is missing"
done

cleanup() {
  if [ "${SB_BUILDKIT_KEEP_WORK:-}" = 1 ]; then
    log "kept $WORK (SB_BUILDKIT_KEEP_WORK=1)"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

rm -rf "$WORK"
mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/cache/archives/partial" "$WORK/debs/dev" \
  "$WORK/go" "$WORK/gopath" "$WORK/src"
SRC="$WORK/gopath/usr/share/gocode/src"

# --- a temporary apt configuration for sid (sources, lists, cache, no pins of the host) ---
MIRROR=$(debian_mirror)
printf 'deb %s sid main\ndeb-src %s sid main\n' "$MIRROR" "$MIRROR" > "$WORK/apt/sources.list"
APT=(-o "Dir::Etc::SourceList=$WORK/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$WORK/apt/lists" -o "Dir::Cache=$WORK/apt/cache"
  -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
  -o APT::Sandbox::User=root)
log "reading Debian sid's package lists (temporary apt configuration in $WORK/apt)"
"${NICE[@]}" apt-get "${APT[@]}" -qq update

# --- Go ---
GO_PKG="${SB_BUILDKIT_GO:-}"
if [ -z "$GO_PKG" ]; then
  GO_PKG=$(apt-cache "${APT[@]}" depends golang-go | grep -o 'golang-1\.[0-9]*-go' | head -n 1 || true)
  GO_PKG="${GO_PKG%-go}"
fi
[ -n "$GO_PKG" ] || die "cannot tell which Go sid's golang-go uses (set SB_BUILDKIT_GO, e.g. golang-1.26)"
log "downloading $GO_PKG and golang-github-docker-docker-dev (BuildKit's source)"
(cd "$WORK/debs" && "${NICE[@]}" apt-get "${APT[@]}" -qq download "$GO_PKG-go" "$GO_PKG-src" \
  golang-github-docker-docker-dev >/dev/null)
for d in "$WORK/debs/$GO_PKG"-*.deb; do dpkg -x "$d" "$WORK/go"; done
GOROOT=$(find "$WORK/go/usr/lib" -mindepth 1 -maxdepth 1 -name 'go-1.*' | head -n 1)
[ -x "$GOROOT/bin/go" ] || die "no go binary in $GO_PKG-go"

# --- BuildKit's dependencies: the golang-*-dev packages docker's dev package pulls in ---
# Packages cmd/buildkitd and cmd/buildctl import that golang-github-docker-docker-dev does not
# depend on (found by building).
EXTRA=(golang-github-agext-levenshtein-dev golang-github-containerd-accelerated-container-image-dev
  golang-github-coreos-go-systemd-dev golang-github-gofrs-flock-dev golang-github-google-shlex-dev
  golang-github-hashicorp-go-immutable-radix-v2-dev golang-github-package-url-packageurl-go-dev
  golang-github-pkg-profile-dev golang-github-spdx-tools-golang-dev golang-github-tonistiigi-go-archvariant-dev)
apt-cache "${APT[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances golang-github-docker-docker-dev "${EXTRA[@]}" \
  | grep -E '^golang-' | grep -vE '^golang-(1\.[0-9]+|go|src|doc)($|-)' | sort -u > "$WORK/gopkgs.txt"
log "downloading $(wc -l < "$WORK/gopkgs.txt") golang-*-dev packages"
# shellcheck disable=SC2046 # one package name per line
(cd "$WORK/debs/dev" && "${NICE[@]}" apt-get "${APT[@]}" -qq download $(cat "$WORK/gopkgs.txt") >/dev/null)
log "extracting them into a GOPATH"
for d in "$WORK"/debs/dev/*.deb "$WORK"/debs/golang-github-docker-docker-dev_*.deb; do
  "${NICE[@]}" dpkg -x "$d" "$WORK/gopath"
done
[ -d "$SRC/github.com/moby/buildkit/cmd/buildkitd" ] || die "no github.com/moby/buildkit/cmd/buildkitd in golang-github-docker-docker-dev"

# GOPATH mode finds a package by its directory: a module whose go.mod path differs from where
# Debian installs it (.../v2, .../v22) gets a symlink at its go.mod path.
links=0
while IFS= read -r f; do
  dir=$(dirname "${f#./}")
  mod=$(awk '/^module /{gsub(/"/, "", $2); print $2; exit}' "$SRC/$f")
  if [ -n "$mod" ] && [ "$mod" != "$dir" ] && [ ! -e "$SRC/$mod" ]; then
    mkdir -p "$SRC/$(dirname "$mod")"
    ln -s "$SRC/$dir" "$SRC/$mod"
    links=$((links + 1))
  fi
done < <(cd "$SRC" && find . -name go.mod -not -path '*/testdata/*' -not -path '*/vendor/*')
log "linked $links modules at their go.mod paths"

# --- github.com/moby/profiles and Docker's BuildKit version, from docker.io's orig tarball ---
# (apt-helper downloads with apt's own transport the URI apt names; the .dsc is not needed.)
orig=$(apt-get "${APT[@]}" --print-uris source docker.io 2>/dev/null \
  | awk '$2 ~ /^docker\.io_[^_]*\.orig\.tar\.xz$/ {gsub(/\047/, "", $1); print $1; exit}')
[ -n "$orig" ] || die "docker.io's orig tarball is not listed in sid's sources"
log "downloading ${orig##*/} (for github.com/moby/profiles)"
"${NICE[@]}" /usr/lib/apt/apt-helper "${APT[@]}" download-file "$orig" "$WORK/src/docker.orig.tar.xz" >/dev/null
(cd "$WORK/src" && "${NICE[@]}" tar -xJf docker.orig.tar.xz --wildcards \
  '*/vendor/github.com/moby/profiles/*' '*/vendor/modules.txt')
profiles=$(find "$WORK/src" -type d -path '*/vendor/github.com/moby/profiles' | head -n 1)
[ -n "$profiles" ] || die "no vendor/github.com/moby/profiles in ${orig##*/}"
[ -e "$SRC/github.com/moby/profiles" ] || cp -a "$profiles" "$SRC/github.com/moby/profiles"
BK_VERSION=$(awk '$1 == "#" && $2 == "github.com/moby/buildkit" {print $3; exit}' "$(dirname "$profiles")/../../modules.txt")
[ -n "$BK_VERSION" ] || BK_VERSION=v0.0.0
BK_VERSION="$BK_VERSION+debian-sid"

# --- stubs for the four features whose modules Debian lacks (see the header) ---
stub() { # stub <import path> <file name>: the Go source on stdin replaces the package's files
  mkdir -p "$SRC/$1"
  rm -f "$SRC/$1"/*.go
  cat > "$SRC/$1/$2"
}
stub github.com/moby/buildkit/cache/remotecache/azblob stub.go <<'EOF'
// Package azblob stands in for BuildKit's "azblob" cache backend, whose Azure SDK for Go is not
// packaged in Debian (secret-build's scripts/setup-buildkit.sh).
package azblob

import (
	"context"

	"github.com/moby/buildkit/cache/remotecache"
	"github.com/moby/buildkit/session"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

var errUnsupported = errors.New("the azblob cache backend is not supported in this build of buildkitd")

func ResolveCacheExporterFunc() remotecache.ResolveCacheExporterFunc {
	return func(context.Context, session.Group, map[string]string) (remotecache.Exporter, error) {
		return nil, errUnsupported
	}
}

func ResolveCacheImporterFunc() remotecache.ResolveCacheImporterFunc {
	return func(context.Context, session.Group, map[string]string) (remotecache.Importer, ocispecs.Descriptor, error) {
		return nil, ocispecs.Descriptor{}, errUnsupported
	}
}
EOF
sed -e 's/^package azblob/package gha/' -e 's/Package azblob/Package gha/' \
  -e 's/"azblob" cache backend, whose Azure SDK for Go is/"gha" cache backend, whose go-actions-cache is/' \
  -e 's/the azblob cache backend/the gha cache backend/' \
  "$SRC/github.com/moby/buildkit/cache/remotecache/azblob/stub.go" \
  | stub github.com/moby/buildkit/cache/remotecache/gha stub.go

stub github.com/containerd/fuse-overlayfs-snapshotter/v2 stub.go <<'EOF'
// Package fuseoverlayfs stands in for the fuse-overlayfs snapshotter, which is not packaged in
// Debian (secret-build's scripts/setup-buildkit.sh).
package fuseoverlayfs

import (
	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/pkg/errors"
)

var errUnsupported = errors.New("the fuse-overlayfs snapshotter is not supported in this build of buildkitd")

type Opt func(config *SnapshotterConfig) error

type SnapshotterConfig struct{}

func Supported(root string) error { return errUnsupported }

func NewSnapshotter(root string, opts ...Opt) (snapshots.Snapshotter, error) {
	return nil, errUnsupported
}
EOF

SGZ=github.com/containerd/stargz-snapshotter
rm -rf "${SRC:?}/$SGZ/fs" "${SRC:?}/$SGZ/snapshot"
stub "$SGZ/fs/config" stub.go <<'EOF'
// Package config stands in for the stargz snapshotter's configuration: Debian's
// stargz-snapshotter predates containerd 2 (secret-build's scripts/setup-buildkit.sh).
package config

type Config struct{}
EOF
stub "$SGZ/fs/layer" stub.go <<'EOF'
// Package layer stands in for the stargz snapshotter's layer package (secret-build's
// scripts/setup-buildkit.sh).
package layer

type OverlayOpaqueType int

const (
	OverlayOpaqueAll OverlayOpaqueType = iota
	OverlayOpaqueTrusted
	OverlayOpaqueUser
)
EOF
stub "$SGZ/fs/source" stub.go <<'EOF'
// Package source stands in for the stargz snapshotter's source package (secret-build's
// scripts/setup-buildkit.sh).
package source

import (
	"github.com/containerd/containerd/v2/core/remotes/docker"
	"github.com/containerd/containerd/v2/pkg/reference"
)

type Source struct {
	Hosts    RegistryHosts
	Name     reference.Spec
	Manifest struct{}
}

type RegistryHosts func(reference.Spec) ([]docker.RegistryHost, error)

type GetSources func(labels map[string]string) ([]Source, error)

func FromDefaultLabels(hosts RegistryHosts) GetSources {
	return func(map[string]string) ([]Source, error) { return nil, nil }
}
EOF
stub "$SGZ/snapshot" stub.go <<'EOF'
// Package snapshot stands in for the stargz snapshotter: Debian's stargz-snapshotter predates
// containerd 2 (secret-build's scripts/setup-buildkit.sh).
package snapshot

import (
	"context"

	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/pkg/errors"
)

var ErrUnsupported = errors.New("the stargz snapshotter is not supported in this build of buildkitd")

type FileSystem interface{}

type SnapshotterConfig struct{}

type Opt func(config *SnapshotterConfig) error

func AsynchronousRemove(config *SnapshotterConfig) error { return nil }

func NoRestore(config *SnapshotterConfig) error { return nil }

func NewSnapshotter(ctx context.Context, root string, targetFs FileSystem, opts ...Opt) (snapshots.Snapshotter, error) {
	return nil, ErrUnsupported
}
EOF
stub "$SGZ/fs" stub.go <<'EOF'
// Package fs stands in for the stargz snapshotter's filesystem (secret-build's
// scripts/setup-buildkit.sh).
package fs

import (
	"github.com/containerd/stargz-snapshotter/fs/config"
	"github.com/containerd/stargz-snapshotter/fs/layer"
	"github.com/containerd/stargz-snapshotter/fs/source"
	"github.com/containerd/stargz-snapshotter/snapshot"
	"github.com/sirupsen/logrus"
)

type Option func(*options)

type options struct{}

func WithGetSources(s source.GetSources) Option { return func(*options) {} }

func WithMetricsLogLevel(logLevel logrus.Level) Option { return func(*options) {} }

func WithOverlayOpaqueType(t layer.OverlayOpaqueType) Option { return func(*options) {} }

func NewFilesystem(root string, cfg config.Config, opts ...Option) (snapshot.FileSystem, error) {
	return nil, snapshot.ErrUnsupported
}
EOF

# --- build ---
export GOROOT GOPATH="$WORK/gopath/usr/share/gocode" GO111MODULE=off GOPROXY=off GOTOOLCHAIN=local \
  GOFLAGS='' CGO_ENABLED=0 GOCACHE="$WORK/gocache" GOTMPDIR="$WORK" PATH="$GOROOT/bin:$PATH"
GO_VERSION=$(go env GOVERSION)
log "building buildkitd and buildctl $BK_VERSION with $GO_VERSION (a few minutes)"
mkdir -p "$WORK/out"
(cd "$SRC/github.com/moby/buildkit" && "${NICE[@]}" go build -trimpath -o "$WORK/out/" \
  -ldflags "-s -w -X github.com/moby/buildkit/version.Version=$BK_VERSION -X github.com/moby/buildkit/version.Package=github.com/moby/buildkit" \
  ./cmd/buildkitd ./cmd/buildctl)
"$WORK/out/buildctl" --version >/dev/null || die "the built buildctl does not run"
"$WORK/out/buildkitd" --version >/dev/null || die "the built buildkitd does not run"

mkdir -p "$DEST/bin"
install -m 0755 "$WORK/out/buildkitd" "$WORK/out/buildctl" "$DEST/bin/"
{
  echo "buildkit $BK_VERSION"
  echo "go $GO_VERSION ($GO_PKG $(dpkg-deb -f "$WORK/debs/$GO_PKG-go"_*.deb Version))"
  echo "golang-github-docker-docker-dev $(dpkg-deb -f "$WORK"/debs/golang-github-docker-docker-dev_*.deb Version)"
  echo "golang-dev-packages $(wc -l < "$WORK/gopkgs.txt")"
  echo "stubbed azblob-cache gha-cache fuse-overlayfs-snapshotter stargz-snapshotter"
} > "$WORK/ok"
# Written last: an interrupted build is redone on the next run.
mv "$WORK/ok" "$OK"
log "built $DEST/bin/buildkitd and $DEST/bin/buildctl ($("$DEST/bin/buildkitd" --version))"
