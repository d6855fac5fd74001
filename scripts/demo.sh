#!/usr/bin/env bash
# demo.sh: on a fresh Debian 12 machine (as root, offline but for Debian and Maven Central),
# installs what is needed, builds jrun, builds a busybox image locally with buildah and skopeo,
# then fetches it into a demo store and runs a container from it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bash scripts/setup.sh
bash scripts/build.sh
images=$repo/target/demo/images
state=$repo/target/demo/state
mkdir -p "$images"
echo "== building a busybox image with buildah (native-tests/images/build-test-images.sh)"
bash native-tests/images/build-test-images.sh "$images" > "$repo/target/demo/build-images.log" 2>&1 \
  || { tail -20 "$repo/target/demo/build-images.log" >&2; exit 1; }
echo "== ./jrun --dir $state fetch oci:$images/busybox:latest"
./jrun --dir "$state" fetch "oci:$images/busybox:latest"
echo "== ./jrun --dir $state image list"
./jrun --dir "$state" image list
echo "== ./jrun --dir $state run --rm oci:$images/busybox:latest  (the image's own command)"
./jrun --dir "$state" run --rm "oci:$images/busybox:latest"
echo "== ./jrun --dir $state run --rm --hostname demo oci:$images/busybox:latest sh -c '…'"
./jrun --dir "$state" run --rm --hostname demo "oci:$images/busybox:latest" sh -c \
  'echo "inside: pid $$ on $(hostname), $(ls /proc | grep -c "^[0-9]") processes, interfaces: $(ls /sys/class/net)"; id'
echo "== exit codes are the app's: run … sh -c \"exit 42\""
set +e
./jrun --dir "$state" run --rm "oci:$images/busybox:latest" sh -c 'exit 42'
echo "exit code: $?"
