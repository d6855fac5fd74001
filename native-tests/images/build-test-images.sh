#!/usr/bin/env bash
# build-test-images.sh OUTDIR: builds jrun's test images offline as OCI image layouts under OUTDIR.
# Tools: buildah (overlay driver, private storage: real whiteouts and opaque dirs from the overlay
# upper dirs), skopeo, jq, zstd, GNU tar, setfattr. Reproducible: fixed SOURCE_DATE_EPOCH
# (default 1700000000) for every file time and the image timestamps.
# Tests assert the facts below: keep them exact.
#
# OUTDIR/busybox, tag latest (OCI image manifest, linux/amd64), 4 layers:
#   L1 application/vnd.oci.image.layer.v1.tar+gzip: busybox rootfs from the host's /bin/busybox
#      (Debian busybox-static):
#        /bin/busybox (0755); every applet of `busybox --list-full` under bin/ (incl. /bin/sh) is a
#        HARDLINK to /bin/busybox; applets under sbin/, usr/bin/, usr/sbin/ are SYMLINKS to /bin/busybox
#        (in the tar the first name of the hardlink set in walk order, bin/arch, carries the data
#        and bin/busybox, bin/sh, ... are hardlink entries naming bin/arch: same inode once unpacked)
#        dirs /root (0700), /tmp and /var/tmp (1777), /proc /sys /dev /run /home
#        /etc/passwd: root:x:0:0:root:/root:/bin/sh
#                     nobody:x:65534:65534:nobody:/nonexistent:/bin/false
#                     app:x:1000:1000::/home/app:/bin/sh
#        /etc/group:  root:x:0:  nogroup:x:65534:  app:x:1000:  staff:x:50:app   (one per line)
#        /home/app      directory 0755 owned 1000:1000
#        /etc/motd      "welcome to the jrun test image\n"
#        /opt/app/config.txt "old config\n", /opt/app/old-subdir/old.txt "old\n"
#        /usr/local/bin/suid-test  mode 4755 root:root, a shell script "#!/bin/sh\nid -u\n"
#        /dev-test/null-like  char device 1,3 mode 0666
#        /srv/fifo      fifo mode 0644
#        /srv/xattr.txt "xattr\n" with xattr user.jrun.test=hello (PAX SCHILY.xattr record)
#        /srv/long/<D>/<D>/<D>/deep.txt "deep\n" with D = "dir-" + 40 x "d" (path > 100 chars)
#        /srv/long/name-<120 x "n">.txt  "long name\n" (file name of 129 chars)
#   L2 application/vnd.oci.image.layer.v1.tar+zstd: etc/.wh.motd (deletes /etc/motd),
#      /etc/jrun-release "jrun-test 1\n"
#   L3 application/vnd.oci.image.layer.v1.tar (uncompressed): /opt/app replaced by a fresh dir:
#      opt/app/.wh..wh..opq + /opt/app/new.txt "new\n" (config.txt and old-subdir are gone)
#   L4 application/vnd.oci.image.layer.v1.tar+gzip: /srv/layer4.txt "4\n"
#   Config: os linux, architecture amd64, User "" (root),
#      Env ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JRUN_TEST=1"],
#      Cmd ["/bin/sh","-c","echo hello from busybox"], WorkingDir "/srv",
#      Labels {"org.jrun.test":"busybox"} (buildah's io.buildah.version label is removed).
#
# OUTDIR/busybox-docker, tag latest: the same image (same layer contents/diff_ids, same config
#   fields) as Docker schema2: application/vnd.docker.distribution.manifest.v2+json, config
#   application/vnd.docker.container.image.v1+json, 4 layers all
#   application/vnd.docker.image.rootfs.diff.tar.gzip (schema2 has no zstd type), written by
#   `buildah push --format v2s2` as a containers-image `dir:` copy, NOT an OCI layout: skopeo 1.9's
#   oci: transport ignores index.json entries with Docker media types ("no descriptor found"), so
#   an OCI layout could not be pushed. Files: manifest.json, version, blobs named by their hex
#   digest. Push with `skopeo copy --preserve-digests dir:OUTDIR/busybox-docker docker://...`.
#
# OUTDIR/busybox-multi, tag latest: OCI image index (application/vnd.oci.image.index.v1+json) with
#   linux/amd64: one gzip layer: busybox rootfs (host /bin/busybox, applets as above, passwd/group
#                as above without the extra files) + /etc/arch "amd64\n"
#   linux/arm64 (variant v8): one gzip layer: same tree with Debian's arm64 busybox-static binary
#                (from .build/debs, see scripts/setup.sh) + /etc/arch "arm64\n"
#   Both configs: Env ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
#   Cmd ["/bin/sh","-c","cat /etc/arch"], Labels {"io.buildah.version": <buildah's version>} (kept here:
#   stripping it would mean rewriting config, manifest and index digests for no test's benefit).
#
# OUTDIR/busybox-multi-docker: the same pair as a Docker manifest list
#   (application/vnd.docker.distribution.manifest.list.v2+json, platform amd64 and arm64/v8) of two
#   schema2 manifests (gzip layers), from `buildah manifest push --all --format v2s2`, also a `dir:`
#   copy: manifest.json is the list, HEX.manifest.json the instances, other files blobs.
#
# At the end the script checks these facts in the produced layer tars and fails loudly otherwise.
set -euo pipefail

die() { echo "build-test-images.sh: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: build-test-images.sh OUTDIR"
[ "$(id -u)" = 0 ] || die "must run as root (buildah's overlay storage and mknod need it)"
for c in buildah skopeo jq zstd tar gzip setfattr dpkg-deb unshare findmnt; do
  command -v "$c" >/dev/null || die "missing $c: run scripts/setup.sh"
done
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q ' installed$' && [ -x /bin/busybox ] \
  || die "missing busybox-static (the images need its static /bin/busybox): run scripts/setup.sh"

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
repo=$(cd "$here/../.." && pwd)
mkdir -p "$1"
OUT=$(cd "$1" && pwd)

# Everything runs in a private mount namespace: buildah's overlay mounts can never leak to the host
# and vanish with the namespace even if this script is killed.
if [ -z "${JRUN_TEST_IMAGES_NS:-}" ]; then
  JRUN_TEST_IMAGES_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export TZ=UTC LC_ALL=C
umask 022
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
export CONTAINERS_STORAGE_CONF=$WORK/storage.conf CONTAINERS_CONF=$WORK/containers.conf
export CONTAINERS_REGISTRIES_CONF=$WORK/registries.conf REGISTRY_AUTH_FILE=$WORK/auth.json
cat > "$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "overlay"
runroot = "$WORK/run"
graphroot = "$WORK/storage"
EOF
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n' > "$CONTAINERS_CONF"
printf 'unqualified-search-registries = []\n' > "$CONTAINERS_REGISTRIES_CONF"
echo '{"auths":{}}' > "$REGISTRY_AUTH_FILE"

cleanup() {
  local rc=$? m
  buildah rm --all >/dev/null 2>&1 || true
  # unmount whatever buildah left under WORK, deepest first (the namespace would drop them anyway)
  for m in $(findmnt -rn -o TARGET | grep -F "$WORK/" | sort -r); do umount -l "$m" 2>/dev/null || true; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
  [ $rc -eq 0 ] || echo "build-test-images.sh: FAILED (exit $rc)" >&2
  exit $rc
}
trap cleanup EXIT

log() { echo "build-test-images: $*" >&2; }
stamp() { find "$@" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

# ---------------------------------------------------------------- rootfs staging
# busybox_tree DIR BUSYBOX: busybox, its applets, passwd/group, standard dirs.
busybox_tree() {
  local d=$1 bb=$2 a
  mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,home,tmp,var/tmp,proc,sys,dev,run}
  chmod 1777 "$d/tmp" "$d/var/tmp"; chmod 0700 "$d/root"
  install -m 0755 "$bb" "$d/bin/busybox"
  # the applet list comes from the host busybox: both arches are the same Debian version
  /bin/busybox --list-full | while read -r a; do
    case $a in
      bin/busybox|linuxrc|"") ;;
      bin/*) ln -f "$d/bin/busybox" "$d/$a" ;;
      *)     mkdir -p "$d/$(dirname "$a")"; ln -sf /bin/busybox "$d/$a" ;;
    esac
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
    'app:x:1000:1000::/home/app:/bin/sh' > "$d/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' 'app:x:1000:' 'staff:x:50:app' > "$d/etc/group"
  mkdir -p "$d/home/app"; chown 1000:1000 "$d/home/app"; chmod 0755 "$d/home/app"
}

LONG_D=dir-$(printf 'd%.0s' $(seq 40))
LONG_N=name-$(printf 'n%.0s' $(seq 120)).txt

busybox_l1_tree() {
  local d=$1
  busybox_tree "$d" /bin/busybox
  echo "welcome to the jrun test image" > "$d/etc/motd"
  mkdir -p "$d/opt/app/old-subdir" "$d/srv/long/$LONG_D/$LONG_D/$LONG_D" "$d/dev-test"
  echo "old config" > "$d/opt/app/config.txt"
  echo "old" > "$d/opt/app/old-subdir/old.txt"
  printf '#!/bin/sh\nid -u\n' > "$d/usr/local/bin/suid-test"; chmod 4755 "$d/usr/local/bin/suid-test"
  mknod -m 0666 "$d/dev-test/null-like" c 1 3
  mkfifo -m 0644 "$d/srv/fifo"
  echo "xattr" > "$d/srv/xattr.txt"
  echo "deep" > "$d/srv/long/$LONG_D/$LONG_D/$LONG_D/deep.txt"
  echo "long name" > "$d/srv/long/$LONG_N"
}

# copy_into CTR DIR: copy a staged tree into a buildah container's rootfs, keeping hardlinks,
# devices, modes, owners and xattrs.
copy_into() {
  local m; m=$(buildah mount "$1")
  tar -C "$2" --xattrs --xattrs-include='*' --numeric-owner -cf - . \
    | tar -C "$m" --xattrs --xattrs-include='*' --numeric-owner -xpf -
  echo "$m"
}

new_ctr() { buildah rm "$1" >/dev/null 2>&1 || true; buildah from --quiet --name "$1" "$2" >/dev/null; }
commit() {
  buildah umount "$1" >/dev/null
  buildah commit --quiet --timestamp "$SOURCE_DATE_EPOCH" --format "${3:-oci}" "$1" "$2" >/dev/null
  buildah rm "$1" >/dev/null
}

# ---------------------------------------------------------------- layout rewriting (jq)
# blob LAYOUT DIGEST: the file of a blob in an OCI layout, or in a containers-image dir: copy
# (blobs named by hex; the instances of a manifest list as HEX.manifest.json)
blob() {
  if [ -f "$1/oci-layout" ]; then echo "$1/blobs/sha256/${2#sha256:}"
  elif [ -f "$1/${2#sha256:}.manifest.json" ]; then echo "$1/${2#sha256:}.manifest.json"
  elif [ "sha256:$(sha256sum < "$1/manifest.json" | cut -d' ' -f1)" = "$2" ]; then echo "$1/manifest.json"
  else echo "$1/${2#sha256:}"; fi
}
skopeo_ref() { if [ -f "$1/oci-layout" ]; then echo "oci:$1:$2"; else echo "dir:$1"; fi; }
# put_blob LAYOUT FILE -> digest; moves FILE into the layout
put_blob() {
  local d; d=sha256:$(sha256sum "$2" | cut -d' ' -f1)
  mv "$2" "$(blob "$1" "$d")"; chmod 0644 "$(blob "$1" "$d")"; echo "$d"
}
tag_digest() {
  [ -f "$1/oci-layout" ] || { echo "sha256:$(sha256sum < "$1/manifest.json" | cut -d' ' -f1)"; return; }
  jq -r --arg t "$2" '.manifests[]|select(.annotations["org.opencontainers.image.ref.name"]==$t)|.digest' "$1/index.json"
}
# set_manifest LAYOUT TAG FILE: FILE becomes TAG's manifest (digest and size updated in index.json;
# in a dir: copy it becomes manifest.json)
set_manifest() {
  if [ ! -f "$1/oci-layout" ]; then mv "$3" "$1/manifest.json"; chmod 0644 "$1/manifest.json"; return; fi
  local l=$1 size dig tmp; size=$(stat -c %s "$3"); dig=$(put_blob "$l" "$3"); tmp=$(mktemp -p "$WORK")
  jq --arg t "$2" --arg d "$dig" --argjson s "$size" \
    '.manifests |= map(if .annotations["org.opencontainers.image.ref.name"]==$t then .digest=$d | .size=$s else . end)' \
    "$l/index.json" > "$tmp"
  mv "$tmp" "$l/index.json"; chmod 0644 "$l/index.json"
}
# recompress LAYOUT TAG INDEX zstd|none: rewrites layer INDEX; diff_ids stay valid (they hash the tar)
recompress() {
  local l=$1 t=$2 i=$3 how=$4 mf ld lt tmp new mt size newmf
  mf=$(blob "$l" "$(tag_digest "$l" "$t")"); ld=$(jq -r ".layers[$i].digest" "$mf"); lt=$(jq -r ".layers[$i].mediaType" "$mf")
  [ "$lt" = application/vnd.oci.image.layer.v1.tar+gzip ] || die "layer $i of $t is $lt, expected gzip"
  tmp=$(mktemp -p "$WORK")
  case $how in
    zstd) gzip -dc < "$(blob "$l" "$ld")" | zstd -q -19 --no-progress -c > "$tmp"; mt=application/vnd.oci.image.layer.v1.tar+zstd ;;
    none) gzip -dc < "$(blob "$l" "$ld")" > "$tmp"; mt=application/vnd.oci.image.layer.v1.tar ;;
  esac
  size=$(stat -c %s "$tmp"); new=$(put_blob "$l" "$tmp")
  newmf=$(mktemp -p "$WORK")
  jq -cj --argjson i "$i" --arg d "$new" --argjson s "$size" --arg m "$mt" \
    '.layers[$i] |= (.mediaType=$m | .digest=$d | .size=$s)' "$mf" > "$newmf"
  set_manifest "$l" "$t" "$newmf"
  rm -f "$(blob "$l" "$ld")"   # the gzip blob is referenced by no other manifest of this layout
}

# ---------------------------------------------------------------- busybox (4 layers)
build_busybox() {
  local s=$WORK/busybox-l1 m
  log "busybox: L1 base rootfs"
  busybox_l1_tree "$s"; stamp "$s"
  new_ctr bb scratch; m=$(copy_into bb "$s")
  setfattr -n user.jrun.test -v hello "$m/srv/xattr.txt"   # again, in case tar dropped it
  buildah config --os linux --arch amd64 \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env JRUN_TEST=1 \
    --cmd '["/bin/sh","-c","echo hello from busybox"]' --workingdir /srv \
    --label org.jrun.test=busybox \
    --created-by "jrun test L1: busybox rootfs" bb
  commit bb jrun-test/busybox:l1

  log "busybox: L2 whiteout"
  new_ctr bb jrun-test/busybox:l1; m=$(buildah mount bb)
  rm "$m/etc/motd"; echo "jrun-test 1" > "$m/etc/jrun-release"
  touch -h -d "@$SOURCE_DATE_EPOCH" "$m/etc/jrun-release" "$m/etc"
  buildah config --created-by "jrun test L2: rm /etc/motd, add /etc/jrun-release" bb
  commit bb jrun-test/busybox:l2

  log "busybox: L3 opaque dir"
  new_ctr bb jrun-test/busybox:l2; m=$(buildah mount bb)
  rm -rf "$m/opt/app"; mkdir -m 0755 "$m/opt/app"; echo new > "$m/opt/app/new.txt"
  stamp "$m/opt"
  buildah config --created-by "jrun test L3: replace /opt/app" bb
  commit bb jrun-test/busybox:l3

  log "busybox: L4"
  new_ctr bb jrun-test/busybox:l3; m=$(buildah mount bb)
  echo 4 > "$m/srv/layer4.txt"; touch -h -d "@$SOURCE_DATE_EPOCH" "$m/srv/layer4.txt" "$m/srv"
  buildah config --created-by "jrun test L4: add /srv/layer4.txt" bb
  commit bb jrun-test/busybox:latest

  rm -rf "$OUT/busybox"
  buildah push --quiet --format oci jrun-test/busybox:latest "oci:$OUT/busybox:latest" >/dev/null
  recompress "$OUT/busybox" latest 1 zstd
  recompress "$OUT/busybox" latest 2 none
  strip_buildah_label "$OUT/busybox" latest

  log "busybox-docker: schema2"
  rm -rf "$OUT/busybox-docker"
  buildah push --quiet --format v2s2 jrun-test/busybox:latest "dir:$OUT/busybox-docker" >/dev/null
  strip_buildah_label "$OUT/busybox-docker" latest
}

# strip_buildah_label LAYOUT TAG: buildah 1.28 always adds io.buildah.version to the config's Labels;
# the test image promises Labels {"org.jrun.test":"busybox"} only. Rewrites config and manifest.
strip_buildah_label() {
  local l=$1 t=$2 mf cd cf new size nd newmf
  mf=$(blob "$l" "$(tag_digest "$l" "$t")"); cd=$(jq -r .config.digest "$mf"); cf=$(blob "$l" "$cd")
  jq -e '.config.Labels | has("io.buildah.version")' "$cf" >/dev/null || return 0
  new=$(mktemp -p "$WORK"); jq -cj 'del(.config.Labels["io.buildah.version"])' "$cf" > "$new"
  size=$(stat -c %s "$new"); nd=$(put_blob "$l" "$new")
  newmf=$(mktemp -p "$WORK")
  jq -cj --arg d "$nd" --argjson s "$size" '.config.digest=$d | .config.size=$s' "$mf" > "$newmf"
  set_manifest "$l" "$t" "$newmf"
  rm -f "$cf"
}

# ---------------------------------------------------------------- busybox-multi (index)
build_multi() {
  local deb arm=$WORK/arm64-deb a m
  deb=$(ls "$repo"/.build/debs/busybox-static_*_arm64.deb 2>/dev/null | head -1) || true
  [ -n "$deb" ] || die "missing the arm64 busybox-static .deb in $repo/.build/debs: run scripts/setup.sh"
  dpkg-deb -x "$deb" "$arm"
  for a in amd64 arm64; do
    log "busybox-multi: $a"
    local s=$WORK/multi-$a bb=/bin/busybox variant=()
    [ $a = arm64 ] && { bb=$arm/bin/busybox; variant=(--variant v8); }
    busybox_tree "$s" "$bb"; echo $a > "$s/etc/arch"; stamp "$s"
    new_ctr mb-$a scratch; m=$(copy_into mb-$a "$s")
    buildah config --os linux --arch $a "${variant[@]}" \
      --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      --cmd '["/bin/sh","-c","cat /etc/arch"]' --created-by "jrun test: busybox rootfs $a" mb-$a
    commit mb-$a jrun-test/busybox-multi:$a
  done
  buildah manifest create jrun-test/busybox-multi:latest >/dev/null
  buildah manifest add jrun-test/busybox-multi:latest containers-storage:localhost/jrun-test/busybox-multi:amd64 >/dev/null
  buildah manifest add --arch arm64 --variant v8 jrun-test/busybox-multi:latest \
    containers-storage:localhost/jrun-test/busybox-multi:arm64 >/dev/null
  rm -rf "$OUT/busybox-multi"
  buildah manifest push --quiet --all --format oci jrun-test/busybox-multi:latest "oci:$OUT/busybox-multi:latest" >/dev/null

  log "busybox-multi-docker: manifest list"
  rm -rf "$OUT/busybox-multi-docker"
  buildah manifest push --quiet --all --format v2s2 jrun-test/busybox-multi:latest "dir:$OUT/busybox-multi-docker" >/dev/null
}

# ---------------------------------------------------------------- verification
# layer_tar LAYOUT DIGEST MEDIATYPE: the uncompressed tar on stdout
layer_tar() {
  case $3 in
    *tar+gzip|*diff.tar.gzip) gzip -dc < "$(blob "$1" "$2")" ;;
    *tar+zstd) zstd -dc < "$(blob "$1" "$2")" ;;
    *tar|*diff.tar) cat < "$(blob "$1" "$2")" ;;
    *) die "unknown layer media type $3" ;;
  esac
}
# expect WHAT FILE REGEX: FILE (a tar -tv listing or raw tar) must match REGEX
expect() { grep -aqE -- "$3" "$2" || die "verification failed: $1 (no match for /$3/ in $2)"; }
absent() { ! grep -aqE -- "$3" "$2" || die "verification failed: $1 (unexpected /$3/ in $2)"; }

verify_image() {  # LAYOUT TAG EXPECTED_LAYER_TYPES...
  local l=$1 t=$2 mf i=0 d mt v=$WORK/verify-${1##*/}; shift 2
  mkdir -p "$v"; mf=$(blob "$l" "$(tag_digest "$l" "$t")")
  skopeo inspect --raw "$(skopeo_ref "$l" "$t")" | cmp -s - "$mf" || die "skopeo reads another manifest than expected in $l:$t"
  skopeo inspect --config "$(skopeo_ref "$l" "$t")" > "$v/config.json" || die "skopeo cannot read $l:$t"
  [ "$(jq '.layers|length' "$mf")" -eq $# ] || die "$l:$t has $(jq '.layers|length' "$mf") layers, expected $#"
  for want; do
    mt=$(jq -r ".layers[$i].mediaType" "$mf"); d=$(jq -r ".layers[$i].digest" "$mf")
    [ "$mt" = "$want" ] || die "$l:$t layer $i is $mt, expected $want"
    [ "$(sha256sum < "$(blob "$l" "$d")" | cut -d' ' -f1)" = "${d#sha256:}" ] || die "$l: blob $d does not match its digest"
    layer_tar "$l" "$d" "$mt" > "$v/l$i.tar"
    [ "sha256:$(sha256sum < "$v/l$i.tar" | cut -d' ' -f1)" = "$(jq -r ".rootfs.diff_ids[$i]" "$v/config.json")" ] \
      || die "$l:$t layer $i does not match diff_id $i"
    tar --numeric-owner -tvf "$v/l$i.tar" > "$v/l$i.list" || die "$l:$t layer $i is not a valid tar"
    i=$((i + 1))
  done
  jq -e '.config.Labels["io.buildah.version"] == null' "$v/config.json" >/dev/null || die "$l:$t still has the io.buildah.version label"
  echo "$v"
}

verify_busybox() {  # LAYOUT L1..L4 types
  local v; v=$(verify_image "$@")
  local L1=$v/l0.list
  # one hardlink set under bin/: the first name in walk order carries the data, the others
  # (bin/busybox and bin/sh among them) are hardlink entries naming it
  local data; data=$(awk -v size="$(stat -c %s /bin/busybox)" '$1=="-rwxr-xr-x" && $3==size && $6 ~ /^(\.\/)?bin\/[^\/]+$/ {print $6}' "$L1")
  [ "$(echo "$data" | grep -c .)" = 1 ] || die "verification failed: expected one busybox data entry under bin/, got: $data"
  local n; for n in bin/busybox bin/sh bin/ls bin/cat; do
    [ "${data#./}" = $n ] || expect "$n hardlink" "$L1" "^h.* (\./)?$n link to $data\$"
  done
  expect "sbin symlink" "$L1" '^l.* (\./)?sbin/[a-z]+ -> /bin/busybox$'
  expect "setuid file" "$L1" '^-rwsr-xr-x 0/0 .* (\./)?usr/local/bin/suid-test$'
  expect "char device" "$L1" '^crw-rw-rw- 0/0 +1,3 .* (\./)?dev-test/null-like$'
  expect "fifo" "$L1" '^prw-r--r-- 0/0 .* (\./)?srv/fifo$'
  expect "home owned by app" "$L1" '^drwxr-xr-x 1000/1000 .* (\./)?home/app/?$'
  expect "long path" "$L1" "(\./)?srv/long/$LONG_D/$LONG_D/$LONG_D/deep.txt\$"
  expect "long name" "$L1" "(\./)?srv/long/$LONG_N\$"
  expect "motd" "$L1" ' (\./)?etc/motd$'
  expect "old-subdir" "$L1" ' (\./)?opt/app/old-subdir/old.txt$'
  expect "xattr user.jrun.test=hello" "$v/l0.tar" 'SCHILY\.xattr\.user\.jrun\.test=hello'
  expect "motd whiteout" "$v/l1.list" ' (\./)?etc/\.wh\.motd$'
  expect "jrun-release" "$v/l1.list" ' (\./)?etc/jrun-release$'
  expect "opaque marker" "$v/l2.list" ' (\./)?opt/app/\.wh\.\.wh\.\.opq$'
  expect "new.txt" "$v/l2.list" ' (\./)?opt/app/new\.txt$'
  absent "old files in L3" "$v/l2.list" 'old-subdir|config\.txt'
  expect "layer4.txt" "$v/l3.list" ' (\./)?srv/layer4\.txt$'
  jq -e '.config.Env == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JRUN_TEST=1"]
         and .config.Cmd == ["/bin/sh","-c","echo hello from busybox"] and .config.WorkingDir == "/srv"
         and .config.Labels == {"org.jrun.test":"busybox"} and .os == "linux" and .architecture == "amd64"' \
    "$v/config.json" >/dev/null || die "busybox config is not as documented: $(cat "$v/config.json")"
}

verify_multi() {  # LAYOUT INDEX_TYPE
  local l=$1 idx a d
  idx=$(blob "$l" "$(tag_digest "$l" latest)")
  [ "$(jq -r .mediaType "$idx")" = "$2" ] || die "$l:latest is $(jq -r .mediaType "$idx"), expected $2"
  for a in amd64 arm64; do
    d=$(jq -r --arg a $a '.manifests[]|select(.platform.os=="linux" and .platform.architecture==$a)|.digest' "$idx")
    [ -n "$d" ] || die "$l has no linux/$a instance"
    local mf; mf=$(blob "$l" "$d"); [ "$(jq '.layers|length' "$mf")" -eq 1 ] || die "$l $a: expected one layer"
    layer_tar "$l" "$(jq -r '.layers[0].digest' "$mf")" "$(jq -r '.layers[0].mediaType' "$mf")" > "$WORK/m.tar"
    rm -rf "$WORK/mx"; mkdir "$WORK/mx"; tar -C "$WORK/mx" -xf "$WORK/m.tar"
    [ "$(cat "$WORK/mx/etc/arch")" = $a ] || die "$l $a: /etc/arch is wrong"
    cp "$WORK/mx/bin/busybox" "$WORK/bb"
    [ "$(stat -c %i "$WORK/mx/bin/sh")" = "$(stat -c %i "$WORK/mx/bin/busybox")" ] || die "$l $a: /bin/sh is no hardlink of /bin/busybox"
    case $a in
      amd64) cmp -s "$WORK/bb" /bin/busybox || die "$l amd64: /bin/busybox is not the host's" ;;
      arm64) [ "$(od -An -tx1 -j18 -N2 "$WORK/bb" | tr -d ' ')" = b700 ] || die "$l arm64: /bin/busybox is not an aarch64 ELF" ;;
    esac
  done
}

build_busybox
build_multi
log "verifying"
verify_busybox "$OUT/busybox" latest application/vnd.oci.image.layer.v1.tar+{gzip,zstd} \
  application/vnd.oci.image.layer.v1.tar application/vnd.oci.image.layer.v1.tar+gzip
verify_busybox "$OUT/busybox-docker" latest application/vnd.docker.image.rootfs.diff.tar.gzip \
  application/vnd.docker.image.rootfs.diff.tar.gzip application/vnd.docker.image.rootfs.diff.tar.gzip \
  application/vnd.docker.image.rootfs.diff.tar.gzip
[ "$(jq -r .mediaType "$(blob "$OUT/busybox-docker" "$(tag_digest "$OUT/busybox-docker" latest)")")" \
  = application/vnd.docker.distribution.manifest.v2+json ] || die "busybox-docker is not a schema2 manifest"
verify_multi "$OUT/busybox-multi" application/vnd.oci.image.index.v1+json
verify_multi "$OUT/busybox-multi-docker" application/vnd.docker.distribution.manifest.list.v2+json
for l in busybox busybox-docker busybox-multi busybox-multi-docker; do
  echo "$l:latest $(tag_digest "$OUT/$l" latest)"
done
