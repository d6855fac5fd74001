#!/usr/bin/env bash
# setup.sh: installs what jrun's build, tests and benchmarks need on Debian 12, idempotently.
#  - Debian packages (apt-get install only for what is missing; apt-get update only then),
#    the VM test group's among them: qemu-system-x86 boots the guest that
#    native-tests/vm/build-guest.sh makes with mmdebstrap and mke2fs; linux-libc-dev's
#    /usr/include/{x86_64-linux-gnu/asm,asm-generic}/unistd*.h check the syscall tables;
#    containernetworking-plugins (/usr/lib/cni) and iptables for --net=bridge, iproute2 for the
#    network tests' own namespaces.
#  - The arm64 busybox-static .deb for the multi-arch test image, cached in .build/debs/
#    (downloaded with the ordinary apt client; dpkg's architecture list is left unchanged:
#    arm64 is named on the apt command line only).
#  - Checks that a JDK >= 22 exists (scripts/find-jdk.sh); bookworm has no such package, so
#    it fails with one line if there is none.
# Quiet when everything is present. `setup.sh --list` prints the Debian packages, one a line, and
# changes nothing (native-tests/vagrant/ fetches them ahead for a box without a mirror).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

die() { echo "setup.sh: $*" >&2; exit 1; }

# Asked from dpkg, not from the PATH: e.g. Debian's dynamic `busybox` also installs /bin/busybox, but
# the test images need the static one from busybox-static.
packages=(maven docker-registry skopeo buildah podman crun uidmap fuse-overlayfs jq apache2-utils
  busybox-static zstd gzip tar attr openssl curl tmux hyperfine runc conmon umoci
  mmdebstrap qemu-system-x86 e2fsprogs xz-utils linux-libc-dev containernetworking-plugins iptables iproute2
  catatonit)
case ${1:-} in
  --list) printf '%s\n' "${packages[@]}"; exit 0 ;;
  '') ;;
  *) die "unknown option $1 (usage: setup.sh [--list])" ;;
esac
[ "$(id -u)" = 0 ] || die "run as root (apt-get and the native tests need it)"
command -v apt-get >/dev/null || die "apt-get not found: jrun's setup supports Debian 12 only"
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null | awk '$NF=="installed"{print $1}' || true)
missing=()
for pkg in "${packages[@]}"; do
  grep -qx -- "$pkg" <<<"$installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  apt-get update -qq || die "apt-get update failed: check /etc/apt/sources.list*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed (see the apt output above)"
fi

# arm64 busybox for the busybox-multi test image
debs=$repo/.build/debs
if ! ls "$debs"/busybox-static_*_arm64.deb >/dev/null 2>&1; then
  echo "setup.sh: downloading busybox-static:arm64 into $debs"
  mkdir -p "$debs"
  arch_opts=(-o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o APT::Sandbox::User=root)
  if ! (cd "$debs" && apt-get -qq "${arch_opts[@]}" download busybox-static:arm64 >/dev/null 2>&1); then
    # the arm64 package lists are not there yet: fetch them for this one command
    apt-get -qq "${arch_opts[@]}" update >/dev/null || die "apt-get update with arm64 failed"
    (cd "$debs" && apt-get -qq "${arch_opts[@]}" download busybox-static:arm64 >/dev/null) \
      || die "cannot download busybox-static:arm64: does the apt mirror carry arm64?"
    apt-get -qq update >/dev/null   # back to the host's own package lists
  fi
fi

. "$here/find-jdk.sh"
jrun_find_jdk >/dev/null 2>&1 || die "no JDK >= 22 found in \$JAVA_HOME or /usr/lib/jvm: bookworm packages none; install a JDK 25 (e.g. Temurin) under /usr/lib/jvm or set JAVA_HOME"
