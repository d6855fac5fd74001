#!/usr/bin/env bash
# run-in-vm.sh [options] -- COMMAND [ARG…]: boots the guest that build-guest.sh made, runs
# COMMAND in it as root (a systemd service, after multi-user.target), streams its output here and
# exits with its exit code. The VM powers itself off after the command; past the timeout qemu is
# killed by its pid.
#
# In the guest: PID 1 is systemd, the kernel Debian's 6.1, the root disk a throw-away snapshot
# of the cached image (which stays pristine). The checkout and the host's JDK are mounted
# read-only over 9p at the same paths as on the host; the command starts in the checkout with
# JAVA_HOME and PATH set to that JDK, and $JRUN_VM_JOB names a directory it may write results to
# (it is the host's --job-dir).
#
# Options:
#   --timeout S      kill the VM after S seconds (default 600)
#   --boot-timeout S kill it if the command has not started after S seconds (default 300)
#   --memory MB      guest memory (default 2048)
#   --cpus N         guest CPUs (default 2)
#   --share PATH     also mount host PATH read-only at PATH in the guest (repeatable)
#   --job-dir DIR    keep the job directory (console.log, output, what the command wrote) in DIR
# Environment: JRUN_VM_ACCEL=kvm|tcg overrides the choice of accelerator.
#
# Exit codes: the command's own; 124 when the timeout killed the VM; 125 when the VM could not
# run the command (qemu or the image missing, the guest powered off without a result).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

die() { echo "run-in-vm.sh: $*" >&2; exit 125; }
log() { echo "run-in-vm.sh: $*" >&2; }

timeout=600 boot_timeout=300 memory=2048 cpus=2 job_dir="" shares=()
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --boot-timeout) boot_timeout=${2:?--boot-timeout needs seconds}; shift 2 ;;
    --memory) memory=${2:?--memory needs megabytes}; shift 2 ;;
    --cpus) cpus=${2:?--cpus needs a count}; shift 2 ;;
    --share) shares+=("$(realpath -e "${2:?--share needs a path}")") || die "--share $2: no such path"; shift 2 ;;
    --job-dir) job_dir=${2:?--job-dir needs a directory}; shift 2 ;;
    --) shift; break ;;
    *) die "unknown option $1 (usage: run-in-vm.sh [--timeout S] [--memory MB] [--cpus N] [--share PATH] [--job-dir DIR] -- COMMAND…)" ;;
  esac
done
[ $# -gt 0 ] || die "no command (usage: run-in-vm.sh [options] -- COMMAND…)"
[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout $timeout: not a number of seconds"
[[ $boot_timeout =~ ^[0-9]+$ ]] || die "--boot-timeout $boot_timeout: not a number of seconds"

[ "$(id -u)" = 0 ] || die "run as root (the 9p shares pass the host's file ownership through)"
qemu=$(command -v qemu-system-x86_64) \
  || die "qemu-system-x86_64 not found: the VM tests need it; install qemu-system-x86 (scripts/setup.sh does)"
image=$(vm_image_dir)
if [ -s "$image/vmlinux" ]; then kernel=$image/vmlinux; else kernel=$image/vmlinuz; fi
for f in "$image/rootfs.ext4" "$image/initrd.img" "$kernel"; do
  [ -s "$f" ] || die "no guest image for the current inputs ($f is missing): build it with native-tests/vm/build-guest.sh"
done
. "$vm_repo/scripts/find-jdk.sh"
jrun_find_jdk >/dev/null || die "no JDK >= 22 on the host to share with the guest: install a JDK 25 under /usr/lib/jvm or set JAVA_HOME"
jdk=$(realpath -e "$JRUN_JAVA_HOME")

# KVM when it can work, else TCG. The single-threaded TCG is deliberate: multi-threaded TCG
# crashed the guest's JVM in JIT-compiled code in 3 of 80 runs; single-threaded in none of ~50.
if [ -n "${JRUN_VM_ACCEL:-}" ]; then
  accel=$JRUN_VM_ACCEL why="JRUN_VM_ACCEL=$JRUN_VM_ACCEL"
elif [ ! -e /dev/kvm ]; then
  accel=tcg why="no /dev/kvm on this host"
elif ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
  # e.g. a nested PVM host: /dev/kvm exists, but Debian's kernel stalls in its decompressor there
  accel=tcg why="/dev/kvm exists but the CPU shows no vmx/svm flag, so it cannot run this guest"
elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
  accel=tcg why="/dev/kvm is not accessible"
else
  accel=kvm why="/dev/kvm and vmx/svm present"
fi
case $accel in
  kvm) accel_args=(-accel kvm -cpu host) ;;
  tcg) accel_args=(-accel tcg,thread=single -cpu max) ;;
  *) die "JRUN_VM_ACCEL=$accel: use kvm or tcg" ;;
esac
log "accelerator: $accel ($why)"

if [ -n "$job_dir" ]; then
  mkdir -p "$job_dir" && job_dir=$(realpath -e "$job_dir") || die "cannot create --job-dir $job_dir"
  rm -f "$job_dir"/{booted,status,status.tmp,output,console.log,command,mounts}
  keep_job=1
else
  job_dir=$(mktemp -d "${TMPDIR:-/tmp}/jrun-vm.XXXXXX") keep_job=0
fi
guest_job=/run/jrun-job

# The job: the read-only shares ("TAG PATH") and the command, quoted for bash.
fsdev_args=() n=0
: >"$job_dir/mounts"
for path in "$vm_repo" "$jdk" "${shares[@]}"; do
  n=$((n + 1))
  fsdev_args+=(-fsdev "local,id=share$n,path=$path,security_model=none,readonly=on"
    -device "virtio-9p-pci,fsdev=share$n,mount_tag=share$n")
  echo "share$n $path" >>"$job_dir/mounts"
done
{
  echo "export JAVA_HOME=$(printf %q "$jdk") JRUN_REPO=$(printf %q "$vm_repo") JRUN_VM_JOB=$guest_job"
  echo 'export PATH="$JAVA_HOME/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME=/root LANG=C.UTF-8'
  echo 'cd "$JRUN_REPO"'
  printf 'exec'; printf ' %q' "$@"; echo
} >"$job_dir/command"
: >"$job_dir/output"

qemu_pid="" tail_pid=""
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill -TERM "$qemu_pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
  fi
  if [ -n "$tail_pid" ]; then kill "$tail_pid" 2>/dev/null || true; wait "$tail_pid" 2>/dev/null || true; fi
  [ "$keep_job" = 1 ] || rm -rf "$job_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# no_timer_check: under TCG on a busy host the kernel's check that the 8254 timer reaches the
# IO-APIC can fail ("MP-BIOS bug: 8254 timer not connected") and the boot then hung for good.
cmdline="root=/dev/vda rw console=ttyS0 loglevel=4 systemd.show_status=error no_timer_check mitigations=off panic=-1 jrun.job"
start=$(vm_now)
"$qemu" -name jrun-vm -machine pc -nodefaults -no-user-config -no-reboot \
  "${accel_args[@]}" -smp "$cpus" -m "$memory" \
  -kernel "$kernel" -initrd "$image/initrd.img" \
  -append "$cmdline" \
  -drive "file=$image/rootfs.ext4,format=raw,if=virtio,snapshot=on" \
  -fsdev "local,id=job,path=$job_dir,security_model=none" -device "virtio-9p-pci,fsdev=job,mount_tag=jrun-job" \
  "${fsdev_args[@]}" \
  -device virtio-rng-pci -nic none -display none -monitor none \
  -serial "file:$job_dir/console.log" </dev/null &
qemu_pid=$!
log "qemu pid $qemu_pid: booting $(basename "$kernel") of $image, timeout ${timeout}s"
tail -n +1 -F --pid="$qemu_pid" "$job_dir/output" 2>/dev/null &
tail_pid=$!

booted="" status="" timed_out=""
while kill -0 "$qemu_pid" 2>/dev/null; do
  now=$(vm_now)
  if [ -z "$booted" ] && [ -s "$job_dir/booted" ]; then
    booted=$now
    log "booted to the command in $(vm_secs "$start" "$booted") s (guest uptime $(cat "$job_dir/booted") s)"
  fi
  over() { awk -v a="$start" -v b="$now" -v t="$1" 'BEGIN { exit !(b - a > t) }'; }
  if [ -z "$booted" ] && over "$boot_timeout"; then
    timed_out="the command had not started after ${boot_timeout}s (boot stalled)"
    break
  fi
  if over "$timeout"; then
    timed_out="the VM was still running after ${timeout}s"
    break
  fi
  sleep 0.2
done
if [ -n "$timed_out" ]; then
  kill -TERM "$qemu_pid" 2>/dev/null || true
fi
wait "$qemu_pid" 2>/dev/null && qemu_code=0 || qemu_code=$?
wait "$tail_pid" 2>/dev/null || true
tail_pid=""
end=$(vm_now)
[ -s "$job_dir/status" ] && status=$(cat "$job_dir/status")

if [ -n "$timed_out" ]; then
  log "TIMEOUT: $timed_out: killed qemu (pid $qemu_pid); the console's last lines:"
  tail -n 30 "$job_dir/console.log" | sed 's/^/  console: /' >&2
  exit 124
fi
if [ -z "$status" ]; then
  log "FAILED: qemu ended (exit $qemu_code) without the command's exit code; the console's last lines:"
  tail -n 30 "$job_dir/console.log" | sed 's/^/  console: /' >&2
  exit 125
fi
log "command exited $status; boot $( [ -n "$booted" ] && vm_secs "$start" "$booted" || echo '?') s, command $( [ -n "$booted" ] && vm_secs "$booted" "$end" || echo '?') s, VM total $(vm_secs "$start" "$end") s ($accel)"
exit "$status"
