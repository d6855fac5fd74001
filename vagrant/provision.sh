#!/bin/bash
# provision.sh CHECKOUT: run by Vagrant as root in the debian/bookworm64 box, with the checkout
# synced to CHECKOUT. Idempotent: `vagrant provision` runs it again and it changes nothing then.
#  1. A JDK >= 22 (Debian 12 packages none, and trixie's openjdk-25 needs trixie's glibc):
#     the one Vagrant copied from the host (JRUN_JDK, see the Vagrantfile) or any other under
#     /usr/lib/jvm; else Temurin 25 from Eclipse Adoptium's apt repository, over the internet.
#  2. scripts/setup.sh: the Debian packages the build and the tests need, from the box's own apt
#     sources (Debian's mirror, or whichever the box is pointed at), and the arm64 busybox
#     package, which the synced folder brings from the host's .build/debs/ when it is there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
repo=${1:?usage: provision.sh CHECKOUT}

die() { echo "provision.sh: $*" >&2; exit 1; }

. "$repo/scripts/find-jdk.sh"
if jrun_find_jdk >/dev/null 2>&1; then
  echo "provision: JDK $JRUN_JAVA_HOME"
else
  echo "provision: no JDK >= 22 in the box (JRUN_JDK unset): installing Temurin 25 from Eclipse Adoptium's apt repository"
  apt-get update -qq || die "apt-get update failed: check the box's /etc/apt/sources.list"
  apt-get install -y -qq --no-install-recommends ca-certificates curl gpg >/dev/null \
    || die "apt-get install ca-certificates curl gpg failed"
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL https://packages.adoptium.net/artifactory/api/gpg/key/public \
    | gpg --dearmor --yes -o /etc/apt/keyrings/adoptium.gpg \
    || die "cannot reach packages.adoptium.net: without the internet, give the box a JDK with JRUN_JDK=/path/to/jdk-25 vagrant provision"
  echo "deb [signed-by=/etc/apt/keyrings/adoptium.gpg] https://packages.adoptium.net/artifactory/deb bookworm main" \
    >/etc/apt/sources.list.d/adoptium.list
  apt-get update -qq || die "apt-get update failed after adding Adoptium's repository"
  # installs into /usr/lib/jvm/temurin-25-jdk-amd64, where scripts/find-jdk.sh looks
  apt-get install -y -qq temurin-25-jdk >/dev/null || die "apt-get install temurin-25-jdk failed"
fi

bash "$repo/scripts/setup.sh"

# What the group checks for, so a box that differs says so here rather than in a test.
echo "provision: kernel $(uname -r), PID 1 $(cat /proc/1/comm), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
jrun_find_jdk >/dev/null
"$JRUN_JAVA_HOME/bin/java" -version 2>&1 | head -n 1
