#!/usr/bin/env bash
# test.sh: the whole test suite on a fresh Debian 12 machine, as root. Installs what the tests
# need (scripts/setup.sh), builds jrun, then runs the unit tests of every module and the
# native tests (real kernel, real docker-registry, images built by buildah and skopeo).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ "$(id -u)" != 0 ]; then
  echo "test.sh: the native tests need root (mknod, chown, trusted.* xattrs, namespaces): run it as root" >&2
  exit 1
fi
bash "$repo/scripts/setup.sh"
"$repo/scripts/mvn" -B -ntp verify "$@"
