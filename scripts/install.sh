#!/usr/bin/env bash
# install.sh [PREFIX]: installs the built jrun under PREFIX (default /usr/local):
# PREFIX/lib/jrun/{jrun,jrun.jar,jrun.aot,jrun-pods.aot,jrun-oci.aot,find-jdk.sh}, the command PREFIX/bin/jrun and
# PREFIX/bin/jrun-oci, the OCI runtime command line (the same launcher: it looks at its name).
# The AOT cache is trained again at the installed path, because a cache is only valid for
# the exact jar path it was made with. The man pages go to PREFIX/share/man/man1 and the bash
# completion (zsh takes it through bashcompinit) to PREFIX/share/bash-completion/completions.
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
# man pages and completion from the installed jar's own picocli model (scripts/build.sh makes
# the same in runtime/target/docs); made here so they always match the jar being installed
. "$repo/scripts/find-jdk.sh" && jrun_find_jdk
docs=$(mktemp -d)
trap 'rm -rf "$docs"' EXIT
"$JRUN_JAVA_HOME/bin/java" -cp "$lib/jrun.jar" io.jrun.cli.ManPages "$docs"
mkdir -p "$prefix/share/man/man1" "$prefix/share/bash-completion/completions"
install -m 0644 "$docs"/man1/*.1 "$prefix/share/man/man1/"
install -m 0644 "$docs/completion/jrun" "$prefix/share/bash-completion/completions/jrun"
ln -sfn "$lib/jrun" "$prefix/bin/jrun-oci"
echo "installed: $prefix/bin/jrun and $prefix/bin/jrun-oci -> $lib/jrun, man pages (man jrun) and bash completion"
