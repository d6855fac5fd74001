#!/usr/bin/env bash
# build.sh: builds jrun (runtime/target/jrun.jar), its AOT cache, and its man pages and bash
# completion (runtime/target/docs, made from the CLI's picocli model), without running tests.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
"$repo/scripts/mvn" -q -B -DskipTests package
"$repo/scripts/aot-train.sh" runtime/target/jrun.jar runtime/target/jrun.aot
. "$repo/scripts/find-jdk.sh" && jrun_find_jdk
rm -rf runtime/target/docs
"$JRUN_JAVA_HOME/bin/java" -cp runtime/target/jrun.jar io.jrun.cli.ManPages runtime/target/docs
echo "built: $repo/jrun ($(ls -l runtime/target/jrun.jar | awk '{print $5}') bytes jar)"
