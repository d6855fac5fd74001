#!/usr/bin/env bash
# aot-train.sh JAR AOTFILE: makes the JDK 25 AOT cache for JAR by a training run of the
# commands users run most (fetch, run, image list/inspect/rm/gc), in a throw-away state dir,
# and, as root with a static busybox, AOTFILE's siblings NAME-pods.aot for the pod commands and
# NAME-oci.aot for jrun-oci.
# The cache is only valid for this JAR at this path with this JDK, so install.sh trains again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/find-jdk.sh"
jrun_find_jdk
jar=$(readlink -f "${1:?usage: aot-train.sh JAR AOTFILE}"); aot=${2:?usage: aot-train.sh JAR AOTFILE}
if [ "$(jrun_java_feature "$JRUN_JAVA_HOME")" -lt 25 ]; then
  echo "aot-train: JDK $(jrun_java_feature "$JRUN_JAVA_HOME") has no one-step AOT cache (needs 25): skipping" >&2
  exit 0
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$here/make-tiny-layout.sh" "$work/layout"
rm -f "$aot"
# Running a container needs root and a layout with a static busybox in it (see make-tiny-layout.sh).
run_too=false
# (grep without -q: it reads the whole list, so tar never dies of SIGPIPE and fails the pipeline)
if [ "$(id -u)" = 0 ] && tar -tzf "$(ls -S "$work"/layout/blobs/sha256/* | head -1)" 2>/dev/null | grep -x './bin/true' >/dev/null; then
  run_too=true
fi
# One JVM runs every command (io.jrun.cli.Training), so one cache covers all of them.
"$JRUN_JAVA_HOME/bin/java" "${JRUN_JVM_OPTS[@]}" -XX:AOTCacheOutput="$aot" -Xlog:aot=error -Xlog:cds=error \
  -Djrun.training.run=$run_too -cp "$jar" io.jrun.cli.Training "$work/state" "$work/layout" > "$work/train.log" 2>&1 \
  || { cat "$work/train.log" >&2; echo "aot-train: the training run failed" >&2; exit 1; }
echo "AOT cache: $aot ($(du -h "$aot" | cut -f1))"
# The pod commands get a cache of their own (see io.jrun.cli.Training): the state dir is
# prepared by an untrained JVM (the image fetched, the seccomp profile compiled), so the
# training records only what a run, list, status, rm or gc loads.
pods_aot=${aot%.aot}-pods.aot
rm -f "$pods_aot"
if [ "$run_too" = true ]; then
  image="oci:$work/layout:latest"
  { "$JRUN_JAVA_HOME/bin/java" "${JRUN_JVM_OPTS[@]}" -cp "$jar" io.jrun.cli.Main --dir "$work/pods" fetch -q "$image" \
    && "$JRUN_JAVA_HOME/bin/java" "${JRUN_JVM_OPTS[@]}" -cp "$jar" io.jrun.cli.Main --dir "$work/pods" run --rm "$image" /bin/true
  } > "$work/pods-prepare.log" 2>&1 || { cat "$work/pods-prepare.log" >&2; echo "aot-train: preparing the pods training failed" >&2; exit 1; }
  "$JRUN_JAVA_HOME/bin/java" "${JRUN_JVM_OPTS[@]}" -XX:AOTCacheOutput="$pods_aot" -Xlog:aot=error -Xlog:cds=error \
    -Djrun.training.run=true -Djrun.training.set=pods -cp "$jar" io.jrun.cli.Training "$work/pods" "$work/layout" \
    > "$work/train-pods.log" 2>&1 \
    || { cat "$work/train-pods.log" >&2; echo "aot-train: the pods training run failed" >&2; exit 1; }
  echo "AOT cache for the pod commands: $pods_aot ($(du -h "$pods_aot" | cut -f1))"
fi
# jrun-oci (conmon's and podman's runtime: one JVM per create, start, state, kill, delete) gets
# a cache of its own, trained on the OCI lifecycle of a bundle that a jrun pod left behind (its
# config.json and root), prepared by an untrained JVM as above.
oci_aot=${aot%.aot}-oci.aot
rm -f "$oci_aot"
if [ "$run_too" = true ]; then
  "$JRUN_JAVA_HOME/bin/java" "${JRUN_JVM_OPTS[@]}" -cp "$jar" io.jrun.cli.Main \
    --dir "$work/pods" run --name oci-bundle "$image" /bin/busybox sleep 1 > "$work/oci-prepare.log" 2>&1 \
    || { cat "$work/oci-prepare.log" >&2; echo "aot-train: preparing the jrun-oci training failed" >&2; exit 1; }
  bundle=$(dirname "$(grep -l '"oci-bundle"' "$work"/pods/pods/*/*/pod.json)")
  "$JRUN_JAVA_HOME/bin/java" "${JRUN_JVM_OPTS[@]}" -XX:AOTCacheOutput="$oci_aot" -Xlog:aot=error -Xlog:cds=error \
    -XX:TieredStopAtLevel=1 -Djrun.training.set=oci -cp "$jar" io.jrun.cli.Training "$work/oci-root" "$bundle" > "$work/train-oci.log" 2>&1 \
    || { cat "$work/train-oci.log" >&2; echo "aot-train: the jrun-oci training run failed" >&2; exit 1; }
  echo "AOT cache for jrun-oci: $oci_aot ($(du -h "$oci_aot" | cut -f1))"
fi
