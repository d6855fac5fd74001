#!/usr/bin/env bash
# vagrant-test.sh [--timeout S] [--stock-box]: runs vagrant/ as a user would, end to end, here:
# `vagrant up` of the project's Vagrantfile, unchanged, provisions a Debian 12 box and runs the
# VM group in it (native-tests/vm/vm-tests.sh --here); then `vagrant provision --provision-with
# setup` runs the provisioning again, which must change nothing. Passes when the group ends
# with "vm: N passed, 0 failed" and the second provisioning installs nothing.
#
#  1. Installs Vagrant, vagrant-libvirt, libvirt and qemu from Debian's packages (no service is
#     started: policy-rc.d forbids it while apt runs), and what scripts/setup.sh installs.
#  2. Builds jrun on this machine once, so that ~/.m2 holds what the build in the box needs.
#  3. Builds the box, debian/bookworm64 for libvirt, from Debian's packages (build-box.sh;
#     cached), with a flat apt repository of the packages setup.sh installs into it. By default
#     the box has those packages installed already (apt in the emulated box is far too slow
#     here), so setup.sh in the box only checks them; --stock-box gives it none, as Debian's
#     own box, and setup.sh installs them in the box from that repository.
#  4. In a network and mount namespace of its own (unshare): a tmpfs on /run and private
#     copies of libvirt's directories, the cgroup mounts detached (libvirt must not touch this
#     host's cgroup v1 hierarchies), libvirtd started by hand (PID 1 is not systemd; qemu's
#     output goes to files, so no virtlogd), busybox httpd serving the box's apt repository and
#     ~/.m2/repository as a Maven mirror on the management network. Vagrant runs there too,
#     with a throw-away VAGRANT_HOME whose Vagrantfile carries what is particular to this host:
#     libvirt's qemu driver (TCG: no usable KVM here) with single-threaded TCG through an
#     emulator wrapper (multi-threaded TCG crashed the guest's JVM), a plain qemu64 CPU, SMM off
#     (under TCG the guest hangs after "Welcome to GRUB!" with it), an isolated management
#     network of its own, and a first provisioner that points apt and Maven at those mirrors
#     and runs Maven's JVM with C1 only (/etc/mavenrc).
#     The guest reaches nothing but that namespace; nothing is added to this machine's own.
#  5. Tears it all down, whatever happened: vagrant destroy, the volumes, the storage pool, the
#     network, libvirtd and httpd by their pids; the namespaces end with their last process,
#     which this script checks.
# Logs (vagrant's output, libvirtd's, qemu's) go to native-tests/target/vagrant-test/.
# Needs root. Exits 0 when it passed, 1 when a check failed, 124 on the timeout (default 7200 s).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../vm/lib.sh"

die() { echo "vagrant-test.sh: $*" >&2; exit 1; }
log() { echo "vagrant-test.sh: $*" >&2; }

# The management network: isolated, in this script's own network namespace.
net_name=jrun-vagrant
net_address=192.168.121.0/24
host_ip=192.168.121.1
mirror_port=8780
libvirt_dirs=(/etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt)

# ---- inside the namespaces: `vagrant-test.sh --inside WORK BOX_DIR JDK M2 LOGS` -----------------
# Its variables are global: the EXIT trap that tears down runs after the function returned.
inside() {
  work=$1 box=$2 jdk=$3 m2=$4 logs=$5
  libvirtd_pid="" httpd_pid="" vagrant_pid="" code=0 virsh=(virsh -q -c qemu:///system)
  readlink /proc/self/ns/net >"$work/netns"
  # Vagrant's state about the machine goes to the work directory, not vagrant/.vagrant/, where
  # it would stand for (or overwrite) a user's own machine.
  export VAGRANT_HOME=$work/vagrant.d VAGRANT_DOTFILE_PATH=$work/dot-vagrant
  export VAGRANT_DEFAULT_PROVIDER=libvirt LIBVIRT_DEFAULT_URI=qemu:///system

  teardown() {
    log "teardown: the domain, its volumes, the pool, the network, then libvirtd and httpd"
    [ -z "$vagrant_pid" ] || stop "$vagrant_pid" vagrant
    cp /var/log/libvirt/qemu/*.log "$logs/" 2>/dev/null || true   # qemu's command line and stderr
    if [ -n "$libvirtd_pid" ]; then
      (cd "$vm_repo/vagrant" && timeout 600 vagrant destroy -f) >>"$logs/vagrant-destroy.log" 2>&1 \
        || log "vagrant destroy failed (see $logs/vagrant-destroy.log): removing what is left with virsh"
      local name vol pool pidfile
      for name in $("${virsh[@]}" list --all --name 2>/dev/null); do
        "${virsh[@]}" destroy "$name" >/dev/null 2>&1 || true
        "${virsh[@]}" undefine "$name" --remove-all-storage >/dev/null 2>&1 || true
      done
      for pool in $("${virsh[@]}" pool-list --all --name 2>/dev/null); do
        for vol in $("${virsh[@]}" vol-list "$pool" 2>/dev/null | awk '{print $1}'); do
          "${virsh[@]}" vol-delete "$vol" --pool "$pool" >/dev/null 2>&1 || true
        done
        "${virsh[@]}" pool-destroy "$pool" >/dev/null 2>&1 || true
        "${virsh[@]}" pool-undefine "$pool" >/dev/null 2>&1 || true
      done
      for name in $("${virsh[@]}" net-list --all --name 2>/dev/null); do
        "${virsh[@]}" net-destroy "$name" >/dev/null 2>&1 || true
        "${virsh[@]}" net-undefine "$name" >/dev/null 2>&1 || true
      done
      stop "$libvirtd_pid" libvirtd
      # A qemu or dnsmasq that libvirt left running: by the pid it recorded.
      local pid
      for pidfile in /run/libvirt/qemu/*.pid /run/libvirt/network/*.pid; do
        pid=$(cat "$pidfile" 2>/dev/null) || continue
        case $(cat "/proc/$pid/comm" 2>/dev/null) in
          qemu-system-*|dnsmasq) kill -KILL "$pid" && log "killed $(basename "$pidfile" .pid) (pid $pid), left running by libvirt" ;;
        esac
      done
    fi
    [ -z "$httpd_pid" ] || stop "$httpd_pid" httpd
  }
  stop() {  # PID NAME: TERM, then KILL after 30 s
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$1" 2>/dev/null && log "$2 (pid $1) did not stop on TERM: killed"
    wait "$1" 2>/dev/null || true
  }
  # vagrant with its output shown and logged; in the background, so that a TERM (the timeout)
  # is handled at once, not after vagrant is done.
  run_vagrant() {  # LOG ARG...
    local log_file=$1
    shift
    (cd "$vm_repo/vagrant" && exec vagrant "$@") > >(tee "$log_file") 2>&1 &
    vagrant_pid=$!
    wait "$vagrant_pid" && vagrant_code=0 || vagrant_code=$?
    vagrant_pid=""
  }
  trap 'teardown' EXIT
  trap 'exit 130' INT TERM

  # Private state: nothing of this run lands in the host's /run or libvirt directories.
  ip link set lo up
  mount -t tmpfs -o mode=0755 tmpfs /run
  local dir
  for dir in "${libvirt_dirs[@]}"; do
    [ -d "$dir" ] || die "$dir missing: is libvirt-daemon-system installed?"
    mkdir -p "$work/root$dir"
    [ "$dir" != /etc/libvirt ] || cp -a /etc/libvirt/. "$work/root/etc/libvirt/"
    mount --bind "$work/root$dir" "$dir"
  done
  mkdir -p /var/lib/libvirt/images /var/lib/libvirt/qemu /var/cache/libvirt/qemu /var/log/libvirt/qemu
  # libvirt would make a cgroup per VM in every v1 hierarchy it finds mounted: detach them
  # here (in this mount namespace only) and tell it not to.
  if mountpoint -q /sys/fs/cgroup; then umount -R /sys/fs/cgroup; fi
  rm -f /etc/libvirt/qemu/networks/autostart/*
  cat >>/etc/libvirt/qemu.conf <<'EOF'

# native-tests/vagrant/vagrant-test.sh: no cgroups, no per-VM mount namespace, no security
# driver; qemu runs as root and writes its output to a file (there is no virtlogd).
cgroup_controllers = [ ]
namespaces = [ ]
security_driver = "none"
user = "root"
group = "root"
remember_owner = 0
stdio_handler = "file"
EOF
  # Single-threaded TCG: libvirt starts qemu with "-accel tcg".
  cat >"$work/qemu-tcg-single" <<'EOF'
#!/bin/sh
prev=
for arg; do
  shift
  if [ "$prev" = -accel ] && [ "$arg" = tcg ]; then arg=tcg,thread=single; fi
  set -- "$@" "$arg"
  prev=$arg
done
exec /usr/bin/qemu-system-x86_64 "$@"
EOF
  chmod 0755 "$work/qemu-tcg-single"

  log "starting libvirtd in the namespace"
  libvirtd --pid-file="$work/libvirtd.pid" >"$logs/libvirtd.log" 2>&1 &
  libvirtd_pid=$!
  local waited
  for ((waited = 0; waited < 240; waited++)); do
    "${virsh[@]}" uri >/dev/null 2>&1 && break
    kill -0 "$libvirtd_pid" 2>/dev/null || die "libvirtd exited at start (see $logs/libvirtd.log)"
    sleep 1
  done
  "${virsh[@]}" uri >/dev/null 2>&1 || die "libvirtd did not answer within 240 s (see $logs/libvirtd.log)"

  # The mirrors: the box's package repository and this machine's Maven repository, read-only.
  mkdir -p "$work/www/debs" "$work/www/m2"
  mount --bind "$box/debs" "$work/www/debs"
  mount --bind "$m2" "$work/www/m2"
  mount -o remount,bind,ro "$work/www/debs"
  mount -o remount,bind,ro "$work/www/m2"
  busybox httpd -f -p "$mirror_port" -h "$work/www" >"$logs/httpd.log" 2>&1 &
  httpd_pid=$!

  mkdir -p "$VAGRANT_HOME"
  cat >"$VAGRANT_HOME/Vagrantfile" <<EOF
# Written by native-tests/vagrant/vagrant-test.sh: what is particular to this host. Vagrant
# merges it with the project's Vagrantfile, which stays as users get it.
Vagrant.configure("2") do |config|
  config.vm.boot_timeout = 1800
  config.vm.provider "libvirt" do |lv|
    lv.driver = "qemu"
    lv.emulator_path = "$work/qemu-tcg-single"
    lv.cpu_mode = "custom"
    lv.cpu_model = "qemu64"
    lv.features = ["acpi", "apic", "pae", "smm state='off'"]
    lv.graphics_type = "none"
    lv.management_network_name = "$net_name"
    lv.management_network_address = "$net_address"
    lv.management_network_mode = "none"
    lv.management_network_guest_ipv6 = "no"
  end
  # Before the project's provisioners: apt and Maven use the mirrors in this namespace.
  config.vm.provision "mirrors", type: "shell", inline: <<~SHELL
    set -e
    echo 'deb [trusted=yes] http://$host_ip:$mirror_port/debs ./' >/etc/apt/sources.list
    rm -f /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
    mkdir -p /root/.m2
    cat >/root/.m2/settings.xml <<'XML'
    <settings>
      <mirrors>
        <mirror><id>jrun-test</id><mirrorOf>*</mirrorOf><url>http://$host_ip:$mirror_port/m2</url></mirror>
      </mirrors>
    </settings>
    XML
    # TCG (no KVM here): Maven's JVM with C1 only and the serial collector, as vm-tests.sh runs
    # the group; C2's compilations cost more emulated CPU than they save in a build this short.
    echo 'MAVEN_OPTS="\${MAVEN_OPTS:-} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"' >/etc/mavenrc
  SHELL
end
EOF

  local start up_start
  start=$(vm_now)
  log "adding the box"
  vagrant box add --name debian/bookworm64 --provider libvirt "$box/debian-bookworm64.box" >"$logs/vagrant-box-add.log" 2>&1 \
    || die "vagrant box add failed (see $logs/vagrant-box-add.log)"
  log "vagrant up (the project's vagrant/Vagrantfile; output in $logs/vagrant-up.log)"
  up_start=$(vm_now)
  JRUN_JDK=$jdk run_vagrant "$logs/vagrant-up.log" up --provider=libvirt
  local up_code=$vagrant_code
  echo "up $(vm_secs "$up_start" "$(vm_now)")" >>"$work/times"
  local result
  result=$(grep -Eo 'vm: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$logs/vagrant-up.log" | tail -n 1 || true)
  echo "result $result" >>"$work/times"
  if [ "$up_code" != 0 ]; then
    log "FAILED: vagrant up exited $up_code${result:+ ($result)}"
    code=1
  elif ! grep -Eq '^vm: [0-9]+ passed, 0 failed' <<<"$result"; then
    log "FAILED: the VM group did not pass: ${result:-no result line in the output of vagrant up}"
    code=1
  fi
  if [ "$code" = 0 ]; then
    log "vagrant provision --provision-with setup (again: it must install nothing)"
    local again_start again_code
    again_start=$(vm_now)
    run_vagrant "$logs/vagrant-provision.log" provision --provision-with setup
    again_code=$vagrant_code
    echo "provision $(vm_secs "$again_start" "$(vm_now)")" >>"$work/times"
    if [ "$again_code" != 0 ]; then
      log "FAILED: vagrant provision exited $again_code"
      code=1
    elif grep -q 'setup.sh: installing\|setup.sh: downloading\|installing Temurin' "$logs/vagrant-provision.log"; then
      log "FAILED: the second provisioning installed something: $(grep 'setup.sh: installing\|setup.sh: downloading\|installing Temurin' "$logs/vagrant-provision.log" | head -n 1)"
      code=1
    fi
  fi
  return "$code"
}

if [ "${1:-}" = --inside ]; then
  shift
  inside "$@"
  exit
fi

# ---- on the host ------------------------------------------------------------------------------
timeout=7200 box_opts=()
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --stock-box) box_opts=(--stock); shift ;;
    *) die "unknown option $1 (usage: vagrant-test.sh [--timeout S] [--stock-box])" ;;
  esac
done
[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout $timeout: not a number of seconds"
[ "$(id -u)" = 0 ] || die "run as root (libvirt, namespaces and apt need it)"
total_start=$(vm_now)

# 1. Debian's packages. A service a package would start goes to this machine's own network
# namespace: policy-rc.d (exit 101) forbids that while apt runs, unless one is there already.
host_packages=(vagrant vagrant-libvirt libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils
  fdisk dpkg-dev dnsmasq-base rsync openssh-client busybox-static mmdebstrap util-linux)
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${host_packages[@]}" 2>/dev/null | awk '$NF=="installed"{print $1}' || true)
missing=()
for pkg in "${host_packages[@]}"; do grep -qx -- "$pkg" <<<"$installed" || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# vagrant-test.sh: no service starts while it installs packages\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    policy=/usr/sbin/policy-rc.d
  fi
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    apt_code=0
  else
    apt_code=$?
  fi
  [ -z "$policy" ] || rm -f "$policy"
  [ "$apt_code" = 0 ] || die "apt-get install ${missing[*]} failed (see the apt output above)"
fi
bash "$vm_repo/scripts/setup.sh"

# 2. jrun built here once: ~/.m2 then holds every artifact the same build in the box needs.
. "$vm_repo/scripts/find-jdk.sh"
jrun_find_jdk >/dev/null || die "no JDK >= 22 on this machine to give the box (JRUN_JDK): install a JDK 25 under /usr/lib/jvm"
jdk=$(realpath -e "$JRUN_JAVA_HOME")
m2=$(realpath -e "${JRUN_M2_REPOSITORY:-$HOME/.m2/repository}" 2>/dev/null || true)
log "building jrun here, for ~/.m2 (Maven, tests skipped)"
"$vm_repo/scripts/mvn" -q -B -ntp -Dstyle.color=never -DskipTests package -pl native-tests -am \
  || die "the Maven build failed on this machine"
m2=$(realpath -e "${JRUN_M2_REPOSITORY:-$HOME/.m2/repository}") || die "no Maven repository at ~/.m2/repository after the build (JRUN_M2_REPOSITORY names another)"

# 3. The box.
box_start=$(vm_now)
box=$("$here/build-box.sh" "${box_opts[@]}") || die "the box could not be built (build-box.sh's output is above)"
box_secs=$(vm_secs "$box_start" "$(vm_now)")

# 4. The run, in namespaces of its own.
logs=$vm_repo/native-tests/target/vagrant-test
rm -rf "$logs"
mkdir -p "$logs"
work=$(mktemp -d "$vm_cache/vagrant-run.XXXXXX")
chmod 0755 "$work"   # libvirt's dnsmasq runs as libvirt-dnsmasq
inner_pid="" netns=""
finish() {
  if [ -n "$inner_pid" ] && kill -0 "$inner_pid" 2>/dev/null; then
    kill -TERM "$inner_pid" 2>/dev/null || true   # its EXIT trap tears down
    wait "$inner_pid" 2>/dev/null || true
  fi
  # 5. Nothing may be left in the namespace: a process there is one this run started.
  if [ -n "$netns" ]; then
    local p left=()
    for p in /proc/[0-9]*; do
      [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$netns" ] && left+=("${p#/proc/}")
    done
    if [ ${#left[@]} -gt 0 ]; then
      log "FAILED: processes left in the test's network namespace, killed: ${left[*]}"
      kill -KILL "${left[@]}" 2>/dev/null || true
      code=1
    fi
  fi
  rm -rf "$work"
}
trap finish EXIT
trap 'exit 130' INT TERM
unshare --net --mount --propagation private -- "$0" --inside "$work" "$box" "$jdk" "$m2" "$logs" &
inner_pid=$!
timed_out=""
for ((waited = 0; ; waited++)); do
  kill -0 "$inner_pid" 2>/dev/null || break
  [ -z "$netns" ] && [ -s "$work/netns" ] && netns=$(cat "$work/netns")
  if [ "$waited" -ge "$timeout" ]; then
    timed_out=1
    log "TIMEOUT after $timeout s: tearing down"
    kill -TERM "$inner_pid" 2>/dev/null || true
    break
  fi
  sleep 1
done
[ -z "$netns" ] && [ -s "$work/netns" ] && netns=$(cat "$work/netns")
wait "$inner_pid" && code=0 || code=$?
inner_pid=""
[ -n "$netns" ] || { log "FAILED: the namespace never came up"; code=1; }
touch "$work/times"   # absent when the run ended before vagrant up did
result=$(sed -n 's/^result //p' "$work/times")
up=$(sed -n 's/^up //p' "$work/times")
again=$(sed -n 's/^provision //p' "$work/times")
finish
trap - EXIT
log "box ${box_secs} s, vagrant up ${up:-?} s, vagrant provision again ${again:-?} s, $(vm_secs "$total_start" "$(vm_now)") s in all; logs in $logs"
[ -z "$timed_out" ] || { echo "vagrant: TIMEOUT after $timeout s${result:+ ($result)}"; exit 124; }
if [ "$code" = 0 ]; then
  echo "vagrant: ${result}"
else
  echo "vagrant: FAILED${result:+ ($result)}"
fi
exit "$code"
