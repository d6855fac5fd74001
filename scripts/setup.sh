#!/usr/bin/env bash
# setup.sh: installs what jrun's build, tests and benchmarks need on Debian 12, idempotently.
#  - Debian packages (apt-get install only for what is missing; apt-get update only then).
#  - The arm64 busybox-static .deb for the multi-arch test image, cached in .build/debs/
#    (downloaded with the ordinary apt client; dpkg's architecture list is left unchanged:
#    arm64 is named on the apt command line only).
#  - Checks that a JDK >= 22 exists (scripts/find-jdk.sh); bookworm has no such package, so
#    it fails with one line if there is none.
# Quiet when everything is present.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

die() { echo "setup.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (apt-get and the native tests need it)"
command -v apt-get >/dev/null || die "apt-get not found: jrun's setup supports Debian 12 only"

# package -> a command or file that proves it is installed
declare -A probe=(
  [maven]=mvn [docker-registry]=docker-registry [skopeo]=skopeo [buildah]=buildah [jq]=jq
  [apache2-utils]=htpasswd [busybox-static]=/bin/busybox [zstd]=zstd [openssl]=openssl
  [curl]=curl [tmux]=tmux [hyperfine]=hyperfine [podman]=podman [mmdebstrap]=mmdebstrap
  [crun]=crun [uidmap]=newuidmap [fuse-overlayfs]=fuse-overlayfs [gzip]=gzip [tar]=tar [attr]=setfattr
)
missing=()
for pkg in "${!probe[@]}"; do
  p=${probe[$pkg]}
  if [[ $p == /* ]]; then [ -e "$p" ] && continue; else command -v "$p" >/dev/null && continue; fi
  # the probe may be absent although the package is installed (e.g. a removed file): ask dpkg too
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' && [[ $p != /* ]] && continue
  missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  IFS=$'\n' missing=($(sort <<<"${missing[*]}")); unset IFS
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
