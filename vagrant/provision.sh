#!/bin/bash
# provision.sh: run by Vagrant as root in the debian/bookworm64 box. Installs a JDK 25 from
# Eclipse Adoptium's apt repository (Temurin; bookworm packages no JDK >= 22) and Maven from
# Debian, which is all the VM group needs to build and run. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if ! dpkg-query -W -f='${Status}' temurin-25-jdk 2>/dev/null | grep -q 'ok installed'; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends ca-certificates curl gpg
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL https://packages.adoptium.net/artifactory/api/gpg/key/public \
    | gpg --dearmor --yes -o /etc/apt/keyrings/adoptium.gpg
  echo "deb [signed-by=/etc/apt/keyrings/adoptium.gpg] https://packages.adoptium.net/artifactory/deb bookworm main" \
    >/etc/apt/sources.list.d/adoptium.list
  apt-get update -qq
  # installs into /usr/lib/jvm/temurin-25-jdk-amd64, where scripts/find-jdk.sh looks
  apt-get install -y -qq temurin-25-jdk
fi
if ! dpkg-query -W -f='${Status}' maven 2>/dev/null | grep -q 'ok installed'; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends maven
fi

# What the group checks for, so a box that differs says so here rather than in a test.
echo "provision: kernel $(uname -r), PID 1 $(cat /proc/1/comm), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -version
