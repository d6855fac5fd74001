#!/usr/bin/env bash
# run-bench.sh: `jrun run --net=none IMAGE /bin/true` on a cached image, in ONE hyperfine run
# beside podman run, crun run and runc run of the same busybox image, then jrun's resident
# memory while a container runs.
#
#   native-tests/bench/run-bench.sh
#
# The peers run exactly as /work/shared/peers/bench-peers.sh runs them on this machine (its
# README explains the workarounds: podman --cgroups=disabled inside `nocg`, crun with
# --cgroup-manager=disabled, runc inside `v2only` with a cgroup2 path): that script's `prepare`
# builds the image (oci:$PEERS/images/busybox:latest), pulls it into podman and unpacks the
# bundles; jrun fetches the same layout into its own store first (so every runtime starts from
# a cached image).
# Results: native-tests/target/bench/run.{md,json} and run-memory.txt.
# Knobs: BENCH_RUNS (20), BENCH_WARMUP (3), PEERS_DIR (../shared/peers beside the checkout),
# JRUN (default $REPO/jrun).
set -euo pipefail
die() { echo "run-bench.sh: $*" >&2; exit 1; }
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$here/../.." && pwd)
OUT=$REPO/native-tests/target/bench
PEERS_DIR=${PEERS_DIR:-$(cd "$REPO/.." && pwd)/shared/peers}
JRUN=${JRUN:-$REPO/jrun}
RUNS=${BENCH_RUNS:-20}; WARMUP=${BENCH_WARMUP:-3}

. "$here/lib.sh"
bench_check hyperfine podman crun runc umoci jq
. "$PEERS_DIR/common.sh"
bench_peers_ready
store=$OUT/run-store
image=oci:$IMAGES/busybox:latest
"$JRUN" --dir "$store" fetch -q "$image" >/dev/null
"$JRUN" --dir "$store" run --rm --net=none "$image" /bin/true || die "jrun run does not work: see above"

# the peers' flags, as bench-peers.sh computes them
NOFILE=$(ulimit -Hn); NPROC=$(ulimit -Hu)
[ "$NOFILE" = unlimited ] && NOFILE=1048576
{ [ "$NPROC" = unlimited ] || [ "$NPROC" -gt 32768 ]; } && NPROC=32768
PODMAN_FLAGS="--rm --network=none --cgroups=disabled --ulimit nofile=$NOFILE:$NOFILE --ulimit nproc=$NPROC:$NPROC"
BIN=$PEERS_DIR
trap '"$PEERS_DIR/bench-peers.sh" cleanup-cgroups >/dev/null 2>&1 || true' EXIT

sync
hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
  --export-json "$OUT/run.json" --export-markdown "$OUT/run.md" \
  -n "jrun run --rm --net=none" "$JRUN --dir $store run --rm --net=none $image /bin/true" \
  -n "podman run (crun, nocg)" "$BIN/nocg podman run $PODMAN_FLAGS $REG_ADDR/jrun-bench/busybox:latest /bin/true" \
  -n "crun run (nocg)" "$BIN/nocg crun --root $RUNDIR/crun --cgroup-manager=disabled run -b $BUNDLES/bench-crun jrun-bench-crun" \
  -n "runc run (v2only)" "$BIN/v2only runc --root $RUNDIR/runc run -b $BUNDLES/bench-runc jrun-bench-runc"

# Memory: jrun's own resident set while the app runs (the app is not counted: it is another
# process), sampled from /proc while `sleep 2` runs in the container.
{
  "$JRUN" --dir "$store" run --rm --net=none "$image" sleep 2 &
  launcher=$!
  sleep 1
  java=$launcher   # ./jrun execs the JVM: same pid
  echo "jrun run, while the app sleeps: $(grep -E '^(VmRSS|VmHWM|Threads)' /proc/"$java"/status | tr -s ' \t' ' ' | paste -sd ';')"
  wait "$launcher"
} | tee "$OUT/run-memory.txt"
