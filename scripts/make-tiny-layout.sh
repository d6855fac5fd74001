#!/usr/bin/env bash
# make-tiny-layout.sh DIR: writes a one-layer OCI image layout (tag "latest") with a single
# file, using only coreutils, tar and gzip. The build uses it to train the AOT cache on a real
# `jrun fetch`, without needing buildah or a registry. When the host has a static busybox
# (Debian's busybox-static, which scripts/setup.sh installs), the layer holds it as /bin/true
# too, so the training can run a container.
set -euo pipefail
out=${1:?usage: make-tiny-layout.sh DIR}
rm -rf "$out"; mkdir -p "$out/blobs/sha256"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/etc"; echo "jrun aot training" > "$work/root/etc/motd"
# ldd exits 1 for a static binary: under pipefail that failed the whole test, so the training
# never ran a container (and `jrun run` started without its classes in the AOT cache).
if [ -x /bin/busybox ] && { LC_ALL=C ldd /bin/busybox 2>&1 || true; } | grep -q 'not a dynamic executable'; then
  mkdir -p "$work/root/bin"; cp /bin/busybox "$work/root/bin/busybox"; ln -s busybox "$work/root/bin/true"
fi
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/root" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -c "$work/layer.tar" > "$work/layer.tar.gz"
put() { local d; d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" "$out/blobs/sha256/$d"; echo "$d"; }
layer=$(put "$work/layer.tar.gz"); layer_size=$(stat -c %s "$work/layer.tar.gz")
arch=$(uname -m); case $arch in x86_64) arch=amd64;; aarch64) arch=arm64;; esac
printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$arch" "$diff_id" > "$work/config.json"
config=$(put "$work/config.json"); config_size=$(stat -c %s "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" > "$work/manifest.json"
manifest=$(put "$work/manifest.json"); manifest_size=$(stat -c %s "$work/manifest.json")
printf '{"imageLayoutVersion":"1.0.0"}' > "$out/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
  "$manifest" "$manifest_size" > "$out/index.json"
