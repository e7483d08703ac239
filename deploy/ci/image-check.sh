#!/usr/bin/env bash
# Builds deploy/Dockerfile and runs the image against the PostgreSQL on 127.0.0.1:5432.
#
# Made for machines without a Docker engine and without access to Docker Hub (as root):
#   - podman builds with --isolation chroot (no daemon, no user namespaces);
#   - the base image is Debian bookworm made by debootstrap from Debian's archive and slimmed
#     as Docker's debian:bookworm-slim is, then imported (BASE=localhost/bookworm-min);
#   - pip inside the build does not reach PyPI: the host builds every wheel HuriBot needs
#     (with its own pip configuration) into a local index, mounted into the build and passed
#     as the Dockerfile's PIP_INDEX_URL;
#   - `podman run` needs setrlimit, refused in such sandboxes, so deploy/ci/image-run.sh runs the
#     image's command with chroot in the mounted (read-only) image, as its user, with its
#     environment and working directory.
# What is slow is kept in $HURIBOT_CI_CACHE (default /var/cache/huribot-ci): the base's
# tarball and the wheels, keyed by pyproject.toml; podman keeps the layers.
# Each failure ends the script with one line saying what failed (and the log to read).
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE=${HURIBOT_CI_CACHE:-/var/cache/huribot-ci}
BASE_IMAGE=localhost/bookworm-min
IMAGE=${HURIBOT_CI_IMAGE:-localhost/huribot:ci}
VENV=${VENV:-.venv}
LOGS=$CACHE/logs
mkdir -p "$LOGS"

# shellcheck source=deploy/ci/steps.sh
. deploy/ci/steps.sh

# The Debian mirror apt uses here (debian.sources, then sources.list), else Debian's own.
debian_mirror() {
  local found
  found=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list 2>/dev/null | head -n 1 | tr -d ' ' || true)
  echo "${found:-http://deb.debian.org/debian}"
}

install_tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v curl >/dev/null || missing+=(curl)
  command -v psql >/dev/null || missing+=(postgresql-client)
  [ ${#missing[@]} -eq 0 ] && return
  step "installing ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
    >"$LOGS/apt.log" 2>&1 || fail_with_log "$LOGS/apt.log" "apt-get install ${missing[*]} failed"
}

# Drops what debian:bookworm-slim drops (documentation, manual pages, translations, apt's
# caches), and tells dpkg and apt to keep dropping it, so that the stand-in base and what is
# installed on it weigh what they do on the real one.
slim_rootfs() {
  local rootfs=$1
  cat >"$rootfs/etc/apt/apt.conf.d/slim" <<'EOF'
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
DPkg::Post-Invoke {
  "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true";
};
EOF
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias \
    -exec rm -rf {} +
  rm -rf "$rootfs"/usr/share/{man,info,groff,lintian}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
}

# The apt sources of debian:bookworm-slim, from mirror $1 (its security archive beside it).
debian_sources() {
  local format='Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n\n'
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  # shellcheck disable=SC2059 # the format is the one above
  printf "$format" "$1" "bookworm bookworm-updates" "$keyring" \
    "$1-security" bookworm-security "$keyring"
}

# localhost/bookworm-min, from the cached tarball or, the first time, from debootstrap.
base_image() {
  podman image exists "$BASE_IMAGE" && return
  local tarball=$CACHE/bookworm-minbase.tar mirror rootfs
  if [ ! -f "$tarball" ]; then
    mirror=$(debian_mirror)
    step "debootstrap bookworm (minbase) from $mirror"
    rootfs=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$LOGS/debootstrap.log" 2>&1 ||
      fail_with_log "$LOGS/debootstrap.log" "debootstrap of bookworm from $mirror failed"
    debian_sources "${mirror%/}" >"$rootfs/etc/apt/sources.list.d/debian.sources"
    rm -f "$rootfs/etc/apt/sources.list"
    slim_rootfs "$rootfs"
    tar -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$rootfs"
  fi
  step "importing $BASE_IMAGE"
  podman import --quiet "$tarball" "$BASE_IMAGE" >/dev/null ||
    fail "podman import of $tarball failed: delete it to make it anew"
}

# A PEP 503 index of the wheels of HuriBot's dependencies and build requirements: a folder per
# normalised project name, each with an index.html linking its wheels. Sets INDEX_FOLDER.
wheel_index() {
  local key work wheel name folder
  key=$(sha256sum pyproject.toml | cut -c1-16)
  INDEX_FOLDER=$CACHE/index-$key
  [ -d "$INDEX_FOLDER" ] && return
  step "building the wheels of pyproject.toml's dependencies"
  work=$(mktemp -d "$CACHE/wheels.XXXXXX")
  "$VENV/bin/pip" wheel --quiet --wheel-dir "$work/wheels" . setuptools wheel \
    >"$LOGS/wheels.log" 2>&1 || fail_with_log "$LOGS/wheels.log" "pip wheel failed"
  rm -f "$work"/wheels/huribot-*.whl
  for wheel in "$work"/wheels/*.whl; do
    name=$(basename "$wheel" | cut -d- -f1 | tr '[:upper:]' '[:lower:]' | sed -E 's/[._]+/-/g')
    mkdir -p "$work/index/$name"
    mv "$wheel" "$work/index/$name/"
  done
  for folder in "$work"/index/*/; do
    for wheel in "$folder"*.whl; do
      printf '<a href="%s">%s</a><br>\n' "${wheel##*/}" "${wheel##*/}"
    done >"$folder/index.html"
  done
  rm -rf "$CACHE"/index-*
  mv "$work/index" "$INDEX_FOLDER"
  rm -rf "$work"
}

build_image() {
  wheel_index
  step "building $IMAGE from deploy/Dockerfile (BASE=$BASE_IMAGE)"
  # The index is mounted into the build's RUN steps at a fixed path, so that the layers' cache
  # holds from one run to the next. --format docker keeps HEALTHCHECK, which the OCI image
  # format has no field for.
  podman build --isolation chroot --format docker --layers \
    --volume "$INDEX_FOLDER:/wheel-index:ro" \
    --build-arg "BASE=$BASE_IMAGE" --build-arg "PIP_INDEX_URL=file:///wheel-index/" \
    -f deploy/Dockerfile -t "$IMAGE" . >"$LOGS/build.log" 2>&1 ||
    fail_with_log "$LOGS/build.log" "podman build of deploy/Dockerfile failed"
  # Layers of earlier builds no tag uses any more; recent ones are the next build's cache.
  podman image prune --force --filter until=72h >/dev/null || true
}

[ "$(id -u)" -eq 0 ] || fail "run as root: podman's chroot isolation and chroot itself need it"
[ -x "$VENV/bin/pytest" ] || fail "$VENV is not installed: run make install first"
install_tools

step "hadolint, shellcheck and the Kubernetes schemas (tests/test_deploy.py)"
"$VENV/bin/pytest" --tb=line -p no:cacheprovider tests/test_deploy.py >"$LOGS/static.log" 2>&1 ||
  fail_with_log "$LOGS/static.log" "the deployment files' checks failed"

base_image
build_image
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
step "built $IMAGE: $((size / 1000000)) MB"

root=$(podman image mount "$IMAGE") || fail "podman image mount $IMAGE failed"
set +e
# A private mount namespace: what image-run.sh mounts in the image goes when it ends.
unshare --mount --propagation private deploy/ci/image-run.sh "$IMAGE" "$root" "$LOGS"
status=$?
set -e
podman image unmount "$IMAGE" >/dev/null || true
[ "$status" -eq 0 ] || exit "$status"
step "passed: $IMAGE answered through Teams"
