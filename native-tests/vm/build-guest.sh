#!/usr/bin/env bash
# build-guest.sh: builds the Debian 12 guest that the VM test group runs in, from Debian packages
# only, and caches it under .build/vm/guest-HASH/ (HASH: the inputs in lib.sh, i.e. this script
# with its package list, and the files under guest/). It builds only when no image exists for the
# current inputs. Prints the image directory on stdout; progress and timings go to stderr.
#
#   rootfs.ext4  the root file system, made by `mke2fs -d` from an mmdebstrap tree
#   vmlinux      the uncompressed kernel: qemu boots it through its PVH entry point, skipping the
#                bzImage decompressor (3-4 s under TCG)
#   vmlinuz      Debian's bzImage, the fallback when vmlinux cannot be had
#   initrd.img   a busybox initramfs with the virtio, ext4 and 9p modules (guest/initramfs-init)
#   packages.txt the guest's package versions
#
# The guest has no JDK: run-in-vm.sh shares the host's read-only over 9p.
# Needs root (mmdebstrap's root mode); the host packages come from scripts/setup.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

die() { echo "build-guest.sh: $*" >&2; exit 1; }
log() { echo "build-guest.sh: $*" >&2; }

# What the guest is made of. systemd as PID 1 and Debian's own 6.1 kernel (linux-image-amd64:
# the cloud flavour has no 9p) are the point; dbus for systemd-run and systemctl as on any
# systemd host; conmon supervises `jrun run -d`'s pods; the rest is what the tests use.
packages=(systemd systemd-sysv udev kmod dbus linux-image-amd64 initramfs-tools
  iproute2 busybox-static procps util-linux e2fsprogs conmon)
# Loaded by the initramfs (their dependencies too): the root disk is virtio-blk, the shares are
# 9p over virtio. Debian builds all of them as modules.
initramfs_modules=(virtio_pci virtio_blk virtio_console virtio_rng ext4 9p 9pnet_virtio)
# Hardware drivers a VM never needs, dropped to keep the image small and quick to build.
pruned_module_dirs=(drivers/gpu drivers/media drivers/net/wireless drivers/infiniband
  drivers/staging drivers/net/ethernet sound)

[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap's root mode, mke2fs of a root-owned tree)"
for tool in mmdebstrap mke2fs unshare apt-cache; do
  command -v "$tool" >/dev/null || die "$tool not found: run scripts/setup.sh (it installs mmdebstrap, e2fsprogs, qemu-system-x86)"
done

image=$(vm_image_dir)
built() { [ -s "$image/rootfs.ext4" ] && [ -s "$image/initrd.img" ] && { [ -s "$image/vmlinux" ] || [ -s "$image/vmlinuz" ]; }; }
vm_build_once "guest image" "$image" "$vm_cache/lock" built

# Debian's own archives as this host's apt knows them, so the guest comes from the same mirror.
mapfile -t sources < <(vm_debian_sources)
[ ${#sources[@]} -gt 0 ] || die "no Debian bookworm archive in this host's apt sources (apt-cache policy): run apt-get update, or add one"

# Leftovers of an interrupted build (their mounts went with mmdebstrap's mount namespace).
find "$vm_cache" -mindepth 1 -maxdepth 1 -name 'building.*' -exec rm -rf {} +
start=$(vm_now)
work=$(mktemp -d "$vm_cache/building.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
rootfs=$work/rootfs
log "building the guest image (inputs $(vm_input_hash)) from: ${sources[*]}"

modules_list=$(printf '%s\n' "${initramfs_modules[@]}")
# Root mode inside a private mount namespace: the /proc, /sys and /dev mounts mmdebstrap makes
# in the tree vanish with the namespace, even if it is interrupted.
unshare --mount --propagation private -- mmdebstrap --mode=root --variant=minbase \
  --include="$(IFS=,; echo "${packages[*]}")" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"' \
  --setup-hook="printf 'MODULES=list\nCOMPRESS=gzip\n' >\"\$1/etc/initramfs-tools/conf.d/jrun-vm.conf\"" \
  --setup-hook="printf '%s\n' '$modules_list' >\"\$1/usr/share/initramfs-tools/modules.d/jrun-vm\"" \
  bookworm "$rootfs" "${sources[@]}" 2>&1 | sed 's/^/  mmdebstrap: /' >&2 \
  || die "mmdebstrap failed (its output is above)"
log "mmdebstrap done after $(vm_secs "$start" "$(vm_now)") s"

# The guest's own configuration.
kver=$(ls "$rootfs/lib/modules")
[ "$(wc -w <<<"$kver")" = 1 ] || die "expected one kernel in the guest, found: $kver"
for dir in "${pruned_module_dirs[@]}"; do rm -rf "${rootfs:?}/lib/modules/$kver/kernel/$dir"; done
chroot "$rootfs" depmod "$kver"
install -m 0755 "$vm_dir/guest/jrun-vm-job" "$rootfs/usr/local/sbin/jrun-vm-job"
install -m 0644 "$vm_dir/guest/jrun-vm-job.service" "$rootfs/etc/systemd/system/jrun-vm-job.service"
chroot "$rootfs" systemctl enable --quiet jrun-vm-job.service
# Timers and jobs of a long-lived host that only slow a throw-away VM down.
# And the gettys on the (absent) VGA consoles: without logind, getty-static starts tty2-tty6,
# 4 s under TCG. The serial console keeps its getty, for a guest booted by hand.
chroot "$rootfs" systemctl mask --quiet apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
  e2scrub_reap.service fstrim.timer systemd-tmpfiles-clean.timer dpkg-db-backup.timer \
  getty-static.service getty@tty1.service
echo jrun-vm >"$rootfs/etc/hostname"
# qemu's pc machine has a floppy controller; probing it is slow under TCG and nothing uses it.
echo 'blacklist floppy' >"$rootfs/etc/modprobe.d/jrun-vm.conf"
printf '127.0.0.1 localhost\n127.0.1.1 jrun-vm\n::1 localhost\n' >"$rootfs/etc/hosts"
# Root is mounted read-write by the kernel (rw on its command line): no fsck of a fresh image.
echo '/dev/vda / ext4 rw,errors=remount-ro 0 0' >"$rootfs/etc/fstab"
chroot "$rootfs" passwd -d root >/dev/null   # a login on the serial console when booted by hand
chroot "$rootfs" dpkg-query -W -f='${Package} ${Version}\n' >"$work/packages.txt"

# The kernel. vmlinuz is a bzImage: its compressed payload sits after the setup sectors at
# payload_offset (header field at 0x248, length at 0x24c); decompressed, it is the ELF vmlinux
# with the PVH note (Debian sets CONFIG_PVH) that qemu's -kernel boots directly.
cp "$rootfs/boot/vmlinuz-$kver" "$work/vmlinuz"
le32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
setup_sects=$(od -An -t u1 -j $((0x1f1)) -N 1 "$work/vmlinuz" | tr -d ' ')
[ "$setup_sects" != 0 ] || setup_sects=4
payload_offset=$(le32 "$work/vmlinuz" $((0x248)))
payload_length=$(le32 "$work/vmlinuz" $((0x24c)))
payload_start=$(( (setup_sects + 1) * 512 + payload_offset ))
payload() { dd if="$work/vmlinuz" iflag=skip_bytes,count_bytes skip="$payload_start" count="$payload_length" bs=1M status=none; }
magic=$(od -An -t x1 -j "$payload_start" -N 6 "$work/vmlinuz" | tr -d ' ')
case $magic in
  1f8b*)         payload | gzip -dc >"$work/vmlinux" 2>/dev/null || true ;;
  fd377a585a00*) payload | xz -dc >"$work/vmlinux" 2>/dev/null || true ;;
  28b52ffd*)     payload | zstd -dcq >"$work/vmlinux" 2>/dev/null || true ;;
  *)             log "unknown kernel compression (magic $magic): the VM boots the bzImage" ;;
esac
if [ -s "$work/vmlinux" ] && [ "$(head -c 4 "$work/vmlinux" | od -An -t x1 | tr -d ' ')" = 7f454c46 ]; then
  log "kernel $kver: extracted the uncompressed vmlinux for PVH boot"
else
  rm -f "$work/vmlinux"
  log "kernel $kver: no ELF vmlinux could be extracted: the VM boots the bzImage (3-4 s slower)"
fi

# The initramfs: busybox, the modules in dependency order, and guest/initramfs-init as /init,
# in an uncompressed cpio (nothing to decompress under TCG). cpio comes from the guest, where
# initramfs-tools needs it. (The kernel package's own initramfs-tools image stays unused in
# /boot; the setup hooks above only keep its build quick.)
initdir=$rootfs/tmp/jrun-initramfs
mkdir -p "$initdir"/{bin,dev,proc,sys,root,lib/modules}
cp "$rootfs/bin/busybox" "$initdir/bin/busybox"
install -m 0755 "$vm_dir/guest/initramfs-init" "$initdir/init"
mknod -m 0600 "$initdir/dev/console" c 5 1
for module in "${initramfs_modules[@]}"; do
  chroot "$rootfs" modprobe --set-version "$kver" --show-depends "$module" \
    || die "modprobe cannot resolve the module $module for kernel $kver"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
  cp "$rootfs$ko" "$initdir/lib/modules/"
  basename "$ko" >>"$initdir/modules"
done
[ -s "$initdir/modules" ] || die "no modules for the initramfs"
chroot "$rootfs" sh -c 'cd /tmp/jrun-initramfs && find . | cpio -o -H newc --quiet' >"$work/initrd.img" \
  || die "cpio failed building the initramfs"
log "initramfs: $(wc -l <"$initdir/modules") modules ($(tr '\n' ' ' <"$initdir/modules")), $(du -h "$work/initrd.img" | cut -f1)"
rm -rf "$initdir"

# The file system: the tree's size plus room for what tests write (into a snapshot overlay;
# the image is sparse, so the room costs no disk until used).
size_mb=$(( $(du -sm "$rootfs" | cut -f1) + 3072 ))
mke2fs -q -F -t ext4 -L jrun-vm -d "$rootfs" "$work/rootfs.ext4" "${size_mb}M" >&2 \
  || die "mke2fs -d failed"
rm -rf "$rootfs"

# Publish: replace any image of older inputs (each is about a gigabyte, sparse).
find "$vm_cache" -mindepth 1 -maxdepth 1 -name 'guest-*' -exec rm -rf {} +
chmod 0755 "$work"
mv "$work" "$image"
trap - EXIT
log "guest image built in $(vm_secs "$start" "$(vm_now)") s: $image (kernel $kver, $(du -sh --apparent-size "$image/rootfs.ext4" | cut -f1) file system, $(du -sh "$image/rootfs.ext4" | cut -f1) on disk)"
echo "$image"
