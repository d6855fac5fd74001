#!/usr/bin/env bash
# detached-bench.sh: detached pods, jrun (conmon + jrun-oci) beside podman (conmon + crun), in ONE run:
#   1. latency: `jrun run -d` vs `podman run -d` (hyperfine; the app sleeps, every pod is removed after),
#      and foreground `jrun run --rm` vs `podman run --rm` (/bin/true);
#   2. resident memory of one detached pod: PSS (/proc/PID/smaps_rollup) of every process that
#      stays for the pod except the app (jrun: conmon; podman: conmon), and that no JVM stays;
#   3. a foreground run's resident memory while the app runs: `jrun run --supervisor=conmon` (the
#      foreground process is conmon), `jrun run` (a JVM), `podman run` (podman and its conmon);
#   4. COUNT detached pods at once (default 100): all running, `jrun list` shows them, the
#      supervisors' total PSS; then as many `podman run -d` containers, their conmons' total PSS.
#
#   native-tests/bench/detached-bench.sh [COUNT]
#
# podman runs exactly as /work/shared/peers/bench-peers.sh runs it on this machine (inside `nocg`,
# --cgroups=disabled, its private storage under $PEERS); its containers here carry the label
# jrun-bench=detached and only those are removed. Results: native-tests/target/bench/detached.{md,txt}.
# Knobs: BENCH_LATENCY (1; 0 skips part 1), BENCH_RUNS (10), BENCH_WARMUP (2), BENCH_PODS (100), BENCH_STORE (/var/tmp/jrun-detached-bench),
# PEERS_DIR, JRUN (default $REPO/jrun).
set -euo pipefail
die() { echo "detached-bench.sh: $*" >&2; exit 1; }
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$here/../.." && pwd)
OUT=$REPO/native-tests/target/bench
PEERS_DIR=${PEERS_DIR:-$(cd "$REPO/.." && pwd)/shared/peers}
JRUN=${JRUN:-$REPO/jrun}
RUNS=${BENCH_RUNS:-10}; WARMUP=${BENCH_WARMUP:-2}; PODS=${1:-${BENCH_PODS:-100}}
case $PODS in ''|*[!0-9]*) die "COUNT must be a number of pods, not '$PODS'" ;; esac

. "$here/lib.sh"
bench_check hyperfine podman crun conmon jq
. "$PEERS_DIR/common.sh"
bench_peers_ready
# a short state directory: conmon binds its attach socket at POD/attach, and a socket path has
# at most 107 bytes (jrun refuses a longer one); $OUT in a worktree is too deep
store=${BENCH_STORE:-/var/tmp/jrun-detached-bench}
image=oci:$IMAGES/busybox:latest
IMG=$REG_ADDR/jrun-bench/busybox:latest
BIN=$PEERS_DIR
NOFILE=$(ulimit -Hn); NPROC=$(ulimit -Hu)
[ "$NOFILE" = unlimited ] && NOFILE=1048576
{ [ "$NPROC" = unlimited ] || [ "$NPROC" -gt 32768 ]; } && NPROC=32768
PODMAN_FLAGS="--network=none --cgroups=disabled --ulimit nofile=$NOFILE:$NOFILE --ulimit nproc=$NPROC:$NPROC"
LABEL=jrun-bench=detached

"$JRUN" --dir "$store" fetch -q "$image" >/dev/null

cleanup() {
  # every jrun pod of this store, then podman's containers with our label only
  for uuid in $("$JRUN" --dir "$store" list --format json | jq -r '.[] | select(.state=="running") | .uuid'); do
    "$JRUN" --dir "$store" stop -t 0 "$uuid" >/dev/null || true
  done
  "$JRUN" --dir "$store" gc --grace-period 0 >/dev/null || true
  ids=$("$BIN/nocg" podman ps -aq --filter label=$LABEL)
  [ -z "$ids" ] || "$BIN/nocg" podman rm -f -t 0 $ids >/dev/null || true
  "$PEERS_DIR/bench-peers.sh" cleanup-cgroups >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

pss() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }

# 1. latency, one hyperfine run (BENCH_LATENCY=0 skips it)
sync
[ "${BENCH_LATENCY:-1}" = 0 ] || hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
  --export-json "$OUT/detached.json" --export-markdown "$OUT/detached.md" \
  -n "jrun run -d --net=none" "$JRUN --dir $store run -d --net=none $image sleep 3600" \
  -n "podman run -d (crun, nocg)" "$BIN/nocg podman run -d --label $LABEL $PODMAN_FLAGS $IMG sleep 3600" \
  -n "jrun run --rm --net=none" "$JRUN --dir $store run --rm --net=none $image /bin/true" \
  -n "podman run --rm (crun, nocg)" "$BIN/nocg podman run --rm $PODMAN_FLAGS $IMG /bin/true"
cleanup

# 2. one detached pod each, resident memory of what stays (the app excluded)
{
  uuid=$("$JRUN" --dir "$store" run -d --net=none "$image" sleep 3600)
  dir=$store/pods/run/$uuid
  app=$(jq -r .pid "$dir/pid.json"); jconmon=$(cat "$dir/conmon.pid")
  sleep 2 # conmon settled, the launching jrun gone
  javas=$(for p in /proc/[0-9]*; do
            if [ "$(cat "$p/comm" 2>/dev/null)" = java ] && tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "$store"; then
              basename "$p"
            fi
          done | wc -l)
  cid=$("$BIN/nocg" podman run -d --label $LABEL $PODMAN_FLAGS "$IMG" sleep 3600)
  pconmon=$("$BIN/nocg" podman inspect --format '{{.State.ConmonPid}}' "$cid")
  papp=$("$BIN/nocg" podman inspect --format '{{.State.Pid}}' "$cid")
  sleep 2
  kids() { ps -o pid= --ppid "$1" | tr -d ' ' | { grep -vx "$2" || true; } | wc -l; }
  echo "jrun:   conmon $jconmon PSS $(pss "$jconmon") kB (RSS $(awk '/^Rss:/ {print $2}' /proc/$jconmon/smaps_rollup) kB);" \
       "other children of conmon: $(kids "$jconmon" "$app"); JVMs left for the pod: $javas"
  echo "podman: conmon $pconmon PSS $(pss "$pconmon") kB (RSS $(awk '/^Rss:/ {print $2}' /proc/$pconmon/smaps_rollup) kB);" \
       "other children of conmon: $(kids "$pconmon" "$papp")"
  echo "ratio jrun/podman (PSS): $(awk -v a="$(pss "$jconmon")" -v b="$(pss "$pconmon")" 'BEGIN {printf "%.2f", a/b}')"
} | tee "$OUT/detached.txt"
cleanup

# 3. a foreground run, while its app runs: what stays resident besides the app
# The foreground command's own process (and, for podman, its conmon), found by its pid.
foreground() { # LABEL COMMAND...: starts it in the background, waits for the app to run, prints PSS
  local what=$1; shift
  "$@" >/dev/null 2>&1 &
  local fg=$! i
  for i in $(seq 600); do # the app runs: jrun's pod or podman's container is listed as running
    if [ "$what" = podman ]; then
      [ -n "$("$BIN/nocg" podman ps -q --filter label=$LABEL)" ] && break
    else
      [ "$("$JRUN" --dir "$store" list --format json | jq '[.[] | select(.state=="running")] | length')" = 1 ] && break
    fi
    sleep 0.1
  done
  sleep 3 # settled: for jrun --supervisor=conmon, the exec has happened
  local comm; comm=$(cat /proc/$fg/comm)
  local own; own=$(pss "$fg")
  local kb=$own extra=""
  if [ "$what" = podman ]; then
    local c; c=$("$BIN/nocg" podman ps -q --filter label=$LABEL | head -1)
    local pc; pc=$("$BIN/nocg" podman inspect --format '{{.State.ConmonPid}}' "$c")
    extra=" + its conmon $(pss "$pc") kB"; kb=$((kb + $(pss "$pc")))
  fi
  local javas; javas=$(for p in /proc/[0-9]*; do
      if [ "$(cat "$p/comm" 2>/dev/null)" = java ] && tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "$store"; then
        basename "$p"
      fi
    done | wc -l)
  echo "foreground $what: the foreground process is $comm, PSS $own kB$extra; total $kb kB; JVMs: $javas"
  cleanup >/dev/null # the app (sleep, pid 1 without a SIGTERM handler) killed: the foreground command ends
  wait "$fg" || true
}
{
  foreground "jrun run --supervisor=conmon" "$JRUN" --dir "$store" run --rm --supervisor=conmon --net=none "$image" sleep 3600
  foreground "jrun run (jrun supervises)" "$JRUN" --dir "$store" run --rm --supervisor=jrun --net=none "$image" sleep 3600
  foreground podman "$BIN/nocg" podman run --rm --label $LABEL $PODMAN_FLAGS "$IMG" sleep 3600
} | tee -a "$OUT/detached.txt"
cleanup

# 4. many detached pods at once
{
  start=$(date +%s)
  seq "$PODS" | xargs -P 4 -I{} "$JRUN" --dir "$store" run -d --net=none "$image" sleep 3600 >/dev/null
  end=$(date +%s)
  running=$("$JRUN" --dir "$store" list --format json | jq '[.[] | select(.state=="running")] | length')
  total=0
  for f in "$store"/pods/run/*/conmon.pid; do total=$((total + $(pss "$(cat "$f")"))); done
  listed=$("$JRUN" --dir "$store" list -q | wc -l)
  echo "$PODS detached jrun pods started in $((end - start)) s (4 at a time); jrun list: $listed pods, $running running;" \
       "supervisors' (conmon) total PSS: $total kB ($((total / PODS)) kB per pod)"
  cleanup
  start=$(date +%s)
  seq "$PODS" | xargs -P 4 -I{} "$BIN/nocg" podman run -d --label $LABEL $PODMAN_FLAGS "$IMG" sleep 3600 >/dev/null
  end=$(date +%s)
  ptotal=0; prunning=0
  for c in $("$BIN/nocg" podman ps -q --filter label=$LABEL); do
    prunning=$((prunning + 1))
    ptotal=$((ptotal + $(pss "$("$BIN/nocg" podman inspect --format '{{.State.ConmonPid}}' "$c")")))
  done
  echo "$PODS detached podman containers started in $((end - start)) s (4 at a time); podman ps: $prunning running;" \
       "conmons' total PSS: $ptotal kB ($((ptotal / PODS)) kB per container)"
} | tee -a "$OUT/detached.txt"
