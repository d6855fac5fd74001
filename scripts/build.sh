#!/usr/bin/env bash
# build.sh: builds jrun (runtime/target/jrun.jar) and its AOT cache, without running tests.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
"$repo/scripts/mvn" -q -B -DskipTests package
"$repo/scripts/aot-train.sh" runtime/target/jrun.jar runtime/target/jrun.aot
echo "built: $repo/jrun ($(ls -l runtime/target/jrun.jar | awk '{print $5}') bytes jar)"
