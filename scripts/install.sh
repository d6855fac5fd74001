#!/usr/bin/env bash
# install.sh [PREFIX]: installs the built jrun under PREFIX (default /usr/local):
# PREFIX/lib/jrun/{jrun,jrun.jar,jrun.aot,jrun-pods.aot,jrun-oci.aot,find-jdk.sh}, the command PREFIX/bin/jrun and
# PREFIX/bin/jrun-oci, the OCI runtime command line (the same launcher: it looks at its name).
# The AOT cache is trained again at the installed path, because a cache is only valid for
# the exact jar path it was made with.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-/usr/local}
jar=$repo/runtime/target/jrun.jar
[ -f "$jar" ] || { echo "install: $jar is missing: run scripts/build.sh first" >&2; exit 1; }
lib=$prefix/lib/jrun
mkdir -p "$lib" "$prefix/bin"
install -m 0644 "$jar" "$lib/jrun.jar.new" && mv -f "$lib/jrun.jar.new" "$lib/jrun.jar"
install -m 0644 "$repo/scripts/find-jdk.sh" "$lib/find-jdk.sh"
install -m 0755 "$repo/jrun" "$lib/jrun"
ln -sfn jrun "$lib/jrun-oci" # the OCI runtime command line; conmon runs it for jrun run -d
"$repo/scripts/aot-train.sh" "$lib/jrun.jar" "$lib/jrun.aot"
ln -sfn "$lib/jrun" "$prefix/bin/jrun"
ln -sfn "$lib/jrun" "$prefix/bin/jrun-oci"
echo "installed: $prefix/bin/jrun and $prefix/bin/jrun-oci -> $lib/jrun"
