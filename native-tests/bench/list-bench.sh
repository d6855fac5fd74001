#!/usr/bin/env bash
# list-bench.sh: `jrun list` (table and JSON) with 1000 pods on disk. Target: under 150 ms.
#
#   native-tests/bench/list-bench.sh
#
# One real pod is run (the busybox test image, cached under native-tests/target/test-images),
# then copied 999 times under fresh UUIDs: `jrun list` reads each pod's directory, lock and
# files, and these are the same as a real run leaves. Results: native-tests/target/bench/list.{md,json}.
# Knobs: BENCH_RUNS (20), BENCH_WARMUP (3), BENCH_PODS (1000), JRUN (default $REPO/jrun).
set -euo pipefail
die() { echo "list-bench.sh: $*" >&2; exit 1; }
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$here/../.." && pwd)
OUT=$REPO/native-tests/target/bench
JRUN=${JRUN:-$REPO/jrun}
PODS=${BENCH_PODS:-1000}
[ "$(id -u)" = 0 ] || die "run as root"
command -v hyperfine >/dev/null || die "missing hyperfine: run scripts/setup.sh"
layout=$(ls -d "$REPO"/native-tests/target/test-images/*/busybox 2>/dev/null | head -1)
[ -n "$layout" ] || die "no busybox test image: run the native tests once (scripts/test.sh), or native-tests/images/build-test-images.sh"
store=$OUT/list-store
rm -rf "$store"; mkdir -p "$OUT"
"$JRUN" --dir "$store" run --name template "oci:$layout:latest" true
template=$(ls "$store/pods/run")
rm "$store/pods/names/template"
for i in $(seq 2 "$PODS"); do
  uuid=$(cat /proc/sys/kernel/random/uuid)
  d=$store/pods/run/$uuid
  mkdir -p "$d/upper" "$d/work" "$d/rootfs"
  for f in pod.json pid.json exit.json; do
    sed -e "s/$template/$uuid/g" -e 's/"name" : "template"/"name" : null/' "$store/pods/run/$template/$f" > "$d/$f"
  done
done
echo "list-bench: $(ls "$store/pods/run" | wc -l) pods in $store/pods/run"
hyperfine -N --style basic --warmup "${BENCH_WARMUP:-3}" --runs "${BENCH_RUNS:-20}" \
  --export-json "$OUT/list.json" --export-markdown "$OUT/list.md" \
  -n "jrun list ($PODS pods)" "$JRUN --dir $store list" \
  -n "jrun list --format json ($PODS pods)" "$JRUN --dir $store list --format json"
[ -n "${BENCH_KEEP:-}" ] || rm -rf "$store"
