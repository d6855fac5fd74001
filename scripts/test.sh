#!/usr/bin/env bash
# test.sh: the whole test suite on a fresh Debian 12 machine, as root. Installs what the tests
# need (scripts/setup.sh), builds jrun, then runs the unit tests of every module and the
# native tests (real kernel, real docker-registry, images built by buildah and skopeo), and last
# the VM group inside a qemu guest with systemd and a full cgroup v2 (native-tests/vm/vm-tests.sh;
# JRUN_VM_TESTS=skip leaves it out, and says so).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ "$(id -u)" != 0 ]; then
  echo "test.sh: the native tests need root (mknod, chown, trusted.* xattrs, namespaces): run it as root" >&2
  exit 1
fi
bash "$repo/scripts/setup.sh"
"$repo/scripts/mvn" -B -ntp verify "$@"
if [ "${JRUN_VM_TESTS:-}" = skip ]; then
  echo "test.sh: the VM group was NOT run (JRUN_VM_TESTS=skip): cgroup and systemd behaviour is untested" >&2
  exit 0
fi
echo "test.sh: the VM group (native-tests/vm/vm-tests.sh): a Debian 12 guest under qemu"
"$repo/native-tests/vm/vm-tests.sh" --no-build
