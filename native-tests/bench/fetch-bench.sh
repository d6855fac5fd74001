#!/usr/bin/env bash
# fetch-bench.sh: jrun fetch vs podman pull vs skopeo copy, side by side, from a loopback registry.
#
#   native-tests/bench/fetch-bench.sh            # both filesystems
#   BENCH_FS=tmpfs native-tests/bench/fetch-bench.sh
#
# Images: busybox (native-tests/images/build-test-images.sh, cached like the tests do in
# native-tests/target/test-images/<hash>) and debian:bookworm (mmdebstrap --variant=minbase from the
# host's apt mirror -> one-layer OCI layout via buildah, ~50 MB gzip, cached in
# native-tests/target/bench/debian-layout). A plain docker-registry on 127.0.0.1 (free port, stopped
# by pid at exit) serves both as bench/busybox:latest and bench/debian:bookworm.
#
# Per filesystem (tmpfs under /dev/shm, disk under native-tests/target/bench/disk) ONE hyperfine run
# compares, each with its store wiped in --prepare:
#   jrun    $REPO/jrun --dir STORE fetch --insecure-registry 127.0.0.1:PORT 127.0.0.1:PORT/bench/IMAGE
#   podman  podman pull (private CONTAINERS_STORAGE_CONF/CONTAINERS_CONF/CONTAINERS_REGISTRIES_CONF, run in
#           a private mount namespace without the hybrid cgroup2 mount, like /work/shared/peers/nocg)
#   skopeo  skopeo copy docker://... oci:DIR:TAG
# Results: native-tests/target/bench/fetch-{tmpfs,disk}.{md,json}.
#
# Reference (podman on this machine, /work/shared/peers, debian): podman pull 1.9 s on tmpfs, 7.5 s on
# disk; skopeo copy to an OCI dir ~0.2 s.
#
# Knobs: BENCH_RUNS (default 10), BENCH_WARMUP (1), BENCH_FS (tmpfs disk), JRUN (default $REPO/jrun),
# BENCH_PEERS_ONLY=1 to measure podman and skopeo alone while the jrun CLI does not exist yet.
set -euo pipefail

die() { echo "fetch-bench.sh: $*" >&2; exit 1; }
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$here/../.." && pwd)
TARGET=$REPO/native-tests/target
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

# ---------------------------------------------------------------- debian image (internal step)
# Runs in its own private mount namespace (see below): mmdebstrap's and buildah's mounts die with it.
if [ "${1:-}" = __debian-layout ]; then
  out=$2 work=$(mktemp -d "$2.work.XXXXXX")
  trap 'buildah rm --all >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  mirror=$(awk '/^URIs:/{u=$2} /^Suites:/ && / bookworm( |$)/{print u; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1=="deb" && $3=="bookworm"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || die "no bookworm mirror in /etc/apt/sources.list*: cannot run mmdebstrap"
  echo "fetch-bench: mmdebstrap --variant=minbase bookworm from $mirror" >&2
  mmdebstrap --quiet --mode=root --variant=minbase \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*' \
    bookworm "$work/rootfs.tar" "$mirror" || die "mmdebstrap failed (is $mirror reachable?)"
  export CONTAINERS_STORAGE_CONF=$work/storage.conf CONTAINERS_REGISTRIES_CONF=$work/registries.conf
  printf '[storage]\ndriver = "overlay"\nrunroot = "%s"\ngraphroot = "%s"\n' "$work/run" "$work/storage" > "$CONTAINERS_STORAGE_CONF"
  printf 'unqualified-search-registries = []\n' > "$CONTAINERS_REGISTRIES_CONF"
  buildah from --quiet --name bench-debian scratch >/dev/null
  m=$(buildah mount bench-debian)
  tar -C "$m" --numeric-owner --xattrs --xattrs-include='*' --exclude='./dev/*' -xpf "$work/rootfs.tar"
  buildah umount bench-debian >/dev/null
  buildah config --os linux --arch amd64 --cmd '["/bin/bash"]' \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --created-by "jrun bench: mmdebstrap --variant=minbase bookworm" bench-debian
  buildah commit --quiet --timestamp "$SOURCE_DATE_EPOCH" --format oci bench-debian bench/debian:bookworm >/dev/null
  rm -rf "$out.tmp"
  buildah push --quiet --format oci bench/debian:bookworm "oci:$out.tmp:bookworm" >/dev/null
  mv "$out.tmp" "$out"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (podman, buildah and mmdebstrap need it)"
for c in hyperfine podman skopeo buildah mmdebstrap docker-registry jq curl unshare; do
  command -v "$c" >/dev/null || die "missing $c: run scripts/setup.sh"
done
JRUN=${JRUN:-$REPO/jrun}
if [ "${BENCH_PEERS_ONLY:-0}" != 1 ]; then
  [ -x "$JRUN" ] || die "no jrun launcher at $JRUN: build jrun first (see README), or BENCH_PEERS_ONLY=1 for the peers alone"
fi
RUNS=${BENCH_RUNS:-10} WARMUP=${BENCH_WARMUP:-1}
OUTDIR=$TARGET/bench
mkdir -p "$OUTDIR"

# ---------------------------------------------------------------- cleanup
REG_PID="" SHM_DIR="" WORK=""
cleanup() {
  local rc=$? i
  if [ -n "$REG_PID" ] && kill -0 "$REG_PID" 2>/dev/null; then
    kill "$REG_PID" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$REG_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$REG_PID" 2>/dev/null && kill -9 "$REG_PID" 2>/dev/null || true
    wait "$REG_PID" 2>/dev/null || true
  fi
  [ -n "$SHM_DIR" ] && rm -rf "$SHM_DIR"
  [ -n "$WORK" ] && rm -rf "$WORK"
  [ $rc -eq 0 ] || echo "fetch-bench.sh: FAILED (exit $rc)" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
WORK=$(mktemp -d "$OUTDIR/.work.XXXXXX")

# ---------------------------------------------------------------- images
script=$REPO/native-tests/images/build-test-images.sh
hash=$(sha256sum "$script" | cut -c1-12)       # same cache key as io.jrun.nativetests.harness.TestImages
IMAGES=$TARGET/test-images/$hash
if [ ! -d "$IMAGES" ]; then
  echo "fetch-bench: building the test images into $IMAGES" >&2
  mkdir -p "$TARGET/test-images"; tmp=$(mktemp -d "$TARGET/test-images/.building-$hash-XXXXXX")
  "$script" "$tmp" >/dev/null || { rm -rf "$tmp"; die "build-test-images.sh failed"; }
  mv -T "$tmp" "$IMAGES" 2>/dev/null || rm -rf "$tmp"   # another run may have finished first
fi
DEBIAN=$OUTDIR/debian-layout
if [ ! -d "$DEBIAN" ]; then
  unshare --mount --propagation private "$0" __debian-layout "$DEBIAN" || die "building the debian image failed"
fi

# ---------------------------------------------------------------- registry
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=""
for p in $(seq 5150 5199); do port_free "$p" && { PORT=$p; break; }; done
[ -n "$PORT" ] || die "no free port in 5150-5199 for the registry"
REG=127.0.0.1:$PORT
cat > "$WORK/registry.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $WORK/registry}
  delete: {enabled: true}
http: {addr: $REG, secret: jrun-bench}
EOF
docker-registry serve "$WORK/registry.yml" > "$WORK/registry.log" 2>&1 < /dev/null &
REG_PID=$!
for i in $(seq 100); do curl -sf -o /dev/null "http://$REG/v2/" && break; sleep 0.1; done
curl -sf -o /dev/null "http://$REG/v2/" || die "docker-registry did not start: $(tail -3 "$WORK/registry.log")"

export CONTAINERS_REGISTRIES_CONF=$WORK/registries.conf REGISTRY_AUTH_FILE=$WORK/auth.json
printf 'unqualified-search-registries = []\nshort-name-mode = "disabled"\n[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" > "$CONTAINERS_REGISTRIES_CONF"
echo '{"auths":{}}' > "$REGISTRY_AUTH_FILE"
printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' > "$WORK/policy.json"
skopeo copy --quiet --all --preserve-digests --policy "$WORK/policy.json" --dest-tls-verify=false \
  "oci:$IMAGES/busybox:latest" "docker://$REG/bench/busybox:latest"
skopeo copy --quiet --all --preserve-digests --policy "$WORK/policy.json" --dest-tls-verify=false \
  "oci:$DEBIAN:bookworm" "docker://$REG/bench/debian:bookworm"

# ---------------------------------------------------------------- per filesystem
# podman_wrapper DIR: DIR/podman runs podman with private configs under DIR, in a private mount
# namespace without the hybrid cgroup2 mount (crun/podman refuse hybrid mode; see shared/peers/nocg).
podman_wrapper() {
  local d=$1 nofile nproc
  mkdir -p "$d/etc"
  printf '[storage]\ndriver = "overlay"\nrunroot = "%s"\ngraphroot = "%s"\n' "$d/podman/run" "$d/podman/storage" > "$d/etc/storage.conf"
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
  [ "$nofile" = unlimited ] && nofile=1048576
  { [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; } && nproc=32768
  cat > "$d/etc/containers.conf" <<EOF
[containers]
cgroups = "disabled"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
tmp_dir = "$d/podman/tmp"
# file locks under tmp_dir: the default shm lock would leave /dev/shm/libpod_lock on the host
lock_type = "file"
EOF
  cat > "$d/podman-nocg" <<EOF
#!/bin/sh
export CONTAINERS_STORAGE_CONF=$d/etc/storage.conf CONTAINERS_CONF=$d/etc/containers.conf
export CONTAINERS_REGISTRIES_CONF=$CONTAINERS_REGISTRIES_CONF REGISTRY_AUTH_FILE=$REGISTRY_AUTH_FILE
exec unshare --mount --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec podman "\$@"' podman "\$@"
EOF
  chmod +x "$d/podman-nocg"
}

bench_fs() {  # NAME DIR
  local fs=$1 d=$2 img ref tag names=() prepares=() commands=()
  rm -rf "$d"; mkdir -p "$d"
  podman_wrapper "$d"
  # hyperfine pairs the i-th --command-name and --prepare with the i-th command
  for img in debian:bookworm busybox:latest; do
    ref=$REG/bench/$img; tag=${img%%:*}
    if [ "${BENCH_PEERS_ONLY:-0}" != 1 ]; then
      names+=(--command-name "jrun fetch $img"); prepares+=(--prepare "rm -rf $d/jrun")
      commands+=("$JRUN --dir $d/jrun fetch --insecure-registry $REG $ref >/dev/null")
    fi
    names+=(--command-name "podman pull $img"); prepares+=(--prepare "rm -rf $d/podman/storage $d/podman/run")
    commands+=("$d/podman-nocg pull -q --tls-verify=false $ref >/dev/null")
    names+=(--command-name "skopeo copy $img"); prepares+=(--prepare "rm -rf $d/skopeo && mkdir -p $d/skopeo")
    commands+=("skopeo copy -q --policy $WORK/policy.json --src-tls-verify=false docker://$ref oci:$d/skopeo/$tag:${img#*:}")
  done
  echo "fetch-bench: $fs ($d), $RUNS runs" >&2
  hyperfine --runs "$RUNS" --warmup "$WARMUP" --style basic "${names[@]}" "${prepares[@]}" \
    --export-markdown "$OUTDIR/fetch-$fs.md" --export-json "$OUTDIR/fetch-$fs.json" "${commands[@]}"
  rm -rf "$d"
}

for fs in ${BENCH_FS:-tmpfs disk}; do
  case $fs in
    tmpfs) SHM_DIR=$(mktemp -d /dev/shm/jrun-fetch-bench.XXXXXX); bench_fs tmpfs "$SHM_DIR"; SHM_DIR="" ;;
    disk)  bench_fs disk "$OUTDIR/disk" ;;
    *) die "unknown filesystem '$fs': use tmpfs or disk" ;;
  esac
done
echo "fetch-bench: results in $OUTDIR/fetch-*.md and .json" >&2
