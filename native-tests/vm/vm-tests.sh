#!/usr/bin/env bash
# vm-tests.sh [--no-build] [--timeout S] [--here] [--select CLASS[#METHOD]]…: runs the VM group, the JUnit tests tagged "vm"
# in package io.jrun.nativetests.vm, inside the guest: Debian 12 with systemd as PID 1, Debian's
# 6.1 kernel and a full cgroup v2, which this host lacks.
#   1. builds jrun and the native tests' classes and class path (Maven, on the host), unless
#      --no-build says a `scripts/mvn verify` just did, and trains the jar's AOT caches
#      (scripts/aot-train.sh) unless they are newer than the jar;
#   2. builds the guest image unless it is cached (build-guest.sh);
#   3. boots the guest once (run-in-vm.sh) and runs the group there with the JUnit Platform's
#      console launcher on the host's JDK: no Maven in the guest, TCG runs Java slowly.
# --here skips 2 and 3 and runs the group on this machine, which must then be such a system
# itself: the Vagrant box in vagrant/ does so.
# --select (repeatable) runs only the named test classes of the group, or one method of a class
# (SystemdUnitsTest, SystemdUnitsTest#aMethod; a method with parameters needs their types, as
# JUnit selects it: SystemdUnitsTest#aMethod(java.nio.file.Path)), for iterating.
# The JUnit XML reports land in native-tests/target/vm-reports/. Exits with the group's result
# (0 when every test passed), 124 on a timeout, 125 when the VM could not run it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

die() { echo "vm-tests.sh: $*" >&2; exit 125; }
log() { echo "vm-tests.sh: $*" >&2; }

build=1 timeout=2400 here=0 selectors=()
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0; shift ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --here) here=1; shift ;;
    --select)
      sel=${2:?--select needs a class of the group, e.g. SystemdUnitsTest or SystemdUnitsTest#method}
      [[ $sel =~ ^[A-Za-z0-9_]+(#[A-Za-z0-9_]+(\([A-Za-z0-9_.,]*\))?)?$ ]] \
        || die "--select $sel: name a class of io.jrun.nativetests.vm, optionally #method or #method(java.nio.file.Path)"
      if [[ $sel == *#* ]]; then selectors+=("--select-method=io.jrun.nativetests.vm.$sel")
      else selectors+=("--select-class=io.jrun.nativetests.vm.$sel"); fi
      shift 2 ;;
    *) die "unknown option $1 (usage: vm-tests.sh [--no-build] [--timeout S] [--here] [--select CLASS[#METHOD]])" ;;
  esac
done
[ "$(id -u)" = 0 ] || die "run as root (the guest image build, qemu's 9p shares and the tests' cgroups need it)"
if [ "$here" = 0 ]; then
  command -v qemu-system-x86_64 >/dev/null \
    || die "qemu-system-x86_64 not found: the VM group cannot run; install qemu-system-x86 (scripts/setup.sh does)"
elif [ "$(cat /proc/1/comm)" != systemd ] || [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
  die "--here needs a machine with systemd as PID 1 and cgroup v2 at /sys/fs/cgroup (this one has $(cat /proc/1/comm)): run without --here to use the guest"
fi

tests=$vm_repo/native-tests/target
start=$(vm_now)
if [ "$build" = 1 ]; then
  log "building jrun and the native tests (Maven, tests skipped)"
  "$vm_repo/scripts/mvn" -q -B -ntp -Dstyle.color=never -DskipTests package -pl native-tests -am
fi
[ -d "$tests/test-classes/io/jrun/nativetests/vm" ] && [ -d "$tests/vm-classpath" ] \
  || die "no compiled VM group in $tests (test-classes, vm-classpath): run without --no-build"
# The group runs jrun through the checkout's launcher, which uses the AOT caches made for this
# jar when they are newer than it: under TCG they halve each jrun command (VmJrun). Training runs
# a few containers on this machine (~50 s); scripts/test.sh does it before its native tests start.
jar=$vm_repo/runtime/target/jrun.jar aot=$vm_repo/runtime/target/jrun.aot
if ! { [ "$aot" -nt "$jar" ] && [ "${aot%.aot}-pods.aot" -nt "$jar" ] && [ "${aot%.aot}-oci.aot" -nt "$jar" ]; }; then
  log "training the AOT caches of $jar (scripts/aot-train.sh)"
  "$vm_repo/scripts/aot-train.sh" "$jar" "$aot" >/dev/null || die "the AOT caches could not be trained (see above)"
fi

job=$tests/vm-job
reports=$tests/vm-reports
rm -rf "$job" "$reports"
# The group, run from the checkout. C1 only (the C2 compiler's work costs more than it saves
# under TCG for a run this short), the serial collector, native access for the FFM code.
group() {  # REPORTS_DIR JAVA REPO [SELECTOR…] (also run in the guest, where the checkout has the same path)
  local reports_dir=$1 java=$2 repo=$3
  shift 3
  local select=(--scan-classpath=native-tests/target/test-classes --include-package=io.jrun.nativetests.vm)
  [ $# = 0 ] || select=("$@")
  "$java" --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData \
    -Djava.util.logging.config.file=native-tests/src/test/resources/logging.properties \
    -Djrun.repo="$repo" -Djrun.jar="$repo/runtime/target/jrun.jar" \
    -cp "native-tests/target/test-classes:native-tests/target/vm-classpath/*" \
    org.junit.platform.console.ConsoleLauncher execute \
    --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
    "${select[@]}" --include-tag=vm \
    --reports-dir="$reports_dir"
}

image_secs=0
set +e
if [ "$here" = 1 ]; then
  . "$vm_repo/scripts/find-jdk.sh"
  jrun_find_jdk || exit 125
  log "running the group on this machine (--here): $(uname -r), JDK $JRUN_JAVA_HOME"
  (cd "$vm_repo" && group "$reports" "$JRUN_JAVA_HOME/bin/java" "$vm_repo" ${selectors[@]+"${selectors[@]}"})
  code=$?
else
  image_start=$(vm_now)
  "$vm_dir/build-guest.sh" >/dev/null || exit 125
  image_secs=$(vm_secs "$image_start" "$(vm_now)")
  mkdir -p "$job"
  selected=""
  [ ${#selectors[@]} = 0 ] || selected=$(printf ' %q' "${selectors[@]}")
  # run-in-vm.sh starts the command in the checkout with the shared JDK first on the PATH
  "$vm_dir/run-in-vm.sh" --timeout "$timeout" --job-dir "$job" -- \
    bash -c "$(declare -f group); group /run/jrun-job/reports java $(printf %q "$vm_repo")$selected"
  code=$?
  [ -d "$job/reports" ] && cp -r "$job/reports" "$reports"
fi
set -e

# One closing line with the counts, from the launcher's XML report.
report=$reports/TEST-junit-jupiter.xml
if [ -s "$report" ]; then
  attr() { sed -n "s/.*<testsuite [^>]*\\b$1=\"\\([0-9]*\\)\".*/\\1/p" "$report" | head -n 1; }
  total=$(attr tests) failed=$(( $(attr failures) + $(attr errors) )) skipped=$(attr skipped)
  log "VM group: $(vm_secs "$start" "$(vm_now)") s in all (guest image ${image_secs} s), reports in $reports"
  echo "vm: $((total - failed - skipped)) passed, $failed failed, $skipped skipped"
else
  log "VM group: no JUnit report came back (exit $code): see the output above"
  [ "$code" != 0 ] || code=125
fi
exit "$code"
