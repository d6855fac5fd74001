# lib.sh: what the side-by-side benches check and prepare before they measure (sourced; the
# script defines die, REPO, PEERS_DIR and OUT first).

# Root, the commands named, the peers' scripts and a built jrun: each missing one is one line.
bench_check() {
  [ "$(id -u)" = 0 ] || die "run as root"
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || die "missing $c: run scripts/setup.sh"
  done
  [ -x "$PEERS_DIR/bench-peers.sh" ] || die "no peers scripts at $PEERS_DIR: set PEERS_DIR"
  [ -f "$REPO/runtime/target/jrun.jar" ] || die "jrun is not built: run scripts/build.sh"
}

# After `. "$PEERS_DIR/common.sh"`: the busybox image and the peers' bundles and store, and $OUT.
bench_peers_ready() {
  [ -d "$IMAGES/busybox" ] || "$PEERS_DIR/build-images.sh" busybox
  "$PEERS_DIR/bench-peers.sh" prepare >/dev/null
  mkdir -p "$OUT"
}
