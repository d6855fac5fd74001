#!/usr/bin/env bash
# test.sh: the whole test suite on a fresh Debian 12 machine, as root. Installs what the tests
# need (scripts/setup.sh), builds jrun, then runs the unit tests of every module and the
# native tests (real kernel, real docker-registry, images built by buildah and skopeo) and, at
# the same time, the VM group inside a qemu guest with systemd and a full cgroup v2
# (native-tests/vm/vm-tests.sh; JRUN_VM_TESTS=skip leaves it out, and says so).
# Arguments go to `mvn verify` (e.g. -pl linux); JRUN_VM_SELECT="CLASS[#METHOD] …" narrows the
# VM group as vm-tests.sh --select does.
#
# Why at the same time: the guest runs under single-threaded TCG, one core, for ~25 minutes,
# while the native tests mostly wait on one jrun process at a time; one after the other they
# took 38 of the suite's 40 minutes on 2 cores. The guest reads its checkout over 9p, so it gets
# a snapshot (.build/vm-run/checkout: the built jar, the test classes and class path, the test
# images) that the Maven run rebuilding target/ beside it cannot change under its feet. The guest
# image and the test images are made before the native tests start: mmdebstrap mounts inside
# its chroot, which the native tests' mount-table checks would otherwise see.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ "$(id -u)" != 0 ]; then
  echo "test.sh: the native tests need root (mknod, chown, trusted.* xattrs, namespaces): run it as root" >&2
  exit 1
fi
log() { echo "test.sh: $*" >&2; }
bash "$repo/scripts/setup.sh"

if [ "${JRUN_VM_TESTS:-}" = skip ]; then
  "$repo/scripts/mvn" -B -ntp verify "$@"
  log "the VM group was NOT run (JRUN_VM_TESTS=skip): cgroup and systemd behaviour is untested"
  exit 0
fi

run=$repo/.build/vm-run
mkdir -p "$run"
export JRUN_VM_CACHE=${JRUN_VM_CACHE:-$repo/.build/vm}   # the snapshot shares the checkout's guest image cache

log "building jrun and the tests' classes (Maven, tests skipped) and the VM group's guest image, side by side"
"$repo/native-tests/vm/build-guest.sh" >"$run/build-guest.log" 2>&1 &
guest_pid=$!
"$repo/scripts/mvn" -B -ntp -q -DskipTests package
# The test images, as TestImages would build them on first use (same script, same cache key:
# the first 12 hex digits of the script's SHA-256, SOURCE_DATE_EPOCH pinned).
script=$repo/native-tests/images/build-test-images.sh
images=$repo/native-tests/target/test-images
hash=$(sha256sum "$script" | cut -c1-12)
if [ ! -d "$images/$hash" ]; then
  mkdir -p "$images"
  tmp=$(mktemp -d "$images/.building-$hash-XXXXXX")
  if ! SOURCE_DATE_EPOCH=1700000000 bash "$script" "$tmp" >"$images/$hash.log" 2>&1 </dev/null; then
    rm -rf "$tmp"
    log "build-test-images.sh failed, log $images/$hash.log:"
    tail -n 30 "$images/$hash.log" >&2
    exit 1
  fi
  mv "$tmp" "$images/$hash"
fi
if ! wait "$guest_pid"; then
  cat "$run/build-guest.log" >&2
  log "the guest image could not be built (see above): the VM group cannot run"
  exit 1
fi
cat "$run/build-guest.log" >&2

snapshot=$run/checkout
rm -rf "$snapshot"
mkdir -p "$snapshot"
tar -C "$repo" --exclude=./.git --exclude=./.build -cf - . | tar -C "$snapshot" -xf -
# The guest's jrun commands use AOT caches made for the snapshot's jar (vm-tests.sh would train
# them itself, but training runs containers here, which the native tests must not see).
"$snapshot/scripts/aot-train.sh" "$snapshot/runtime/target/jrun.jar" "$snapshot/runtime/target/jrun.aot" >/dev/null
log "the VM group runs from $snapshot beside the native tests; its output goes to $run/vm-tests.log"
select=()   # JRUN_VM_SELECT="CLASS[#METHOD] …": only those of the group, for iterating on this script
for sel in ${JRUN_VM_SELECT:-}; do select+=(--select "$sel"); done
"$snapshot/native-tests/vm/vm-tests.sh" --no-build ${select[@]+"${select[@]}"} >"$run/vm-tests.log" 2>&1 &
vm_pid=$!

set +e
"$repo/scripts/mvn" -B -ntp verify "$@"
maven=$?
if [ "$maven" != 0 ]; then
  log "Maven failed (exit $maven); waiting for the VM group to report all the same"
fi
wait "$vm_pid"
vm=$?
set -e
echo "test.sh: the VM group (native-tests/vm/vm-tests.sh): a Debian 12 guest under qemu"
cat "$run/vm-tests.log"
rm -rf "$repo/native-tests/target/vm-reports"
[ ! -d "$snapshot/native-tests/target/vm-reports" ] || cp -r "$snapshot/native-tests/target/vm-reports" "$repo/native-tests/target/"
if [ "$maven" != 0 ] || [ "$vm" != 0 ]; then
  log "FAILED: Maven (unit and native tests) exit $maven, VM group exit $vm"
  exit 1
fi
