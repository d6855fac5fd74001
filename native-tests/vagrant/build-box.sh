#!/usr/bin/env bash
# build-box.sh [--stock]: builds a Vagrant box for the libvirt provider like Debian's
# debian/bookworm64, from Debian packages only, and the Debian packages that scripts/setup.sh
# installs into it, for a box that reaches no Debian mirror. Caches both under $JRUN_VM_CACHE
# (or .build/vm) in vagrant-box-MODE-HASH/, HASH over this script and setup.sh's package list;
# builds only when that directory is missing. Prints the directory on stdout; progress and
# timings go to stderr.
#
# By default (MODE "ready") setup.sh's packages are installed in the box here, where dpkg runs
# natively, so that provision.sh's setup.sh finds them all and installs nothing: under TCG on a
# busy 2-core host, apt installing them in the box took over 95 minutes (one update-initramfs
# alone over 55). --stock (MODE "stock") leaves them out, as in Debian's own box, and the box
# installs them from debs/ when provisioned: a user's path with a stock box, slow under TCG.
#
#   debian-bookworm64.box  the box: metadata.json and box.img (qcow2, a 20 GB disk: an MBR
#                          partition table, one ext4 root partition, GRUB in the MBR)
#   debs/                  a flat apt repository (Packages) of what setup.sh installs and the
#                          box lacks, with their dependencies
#
# The box: a minbase Debian 12 with Debian's 6.1 kernel, systemd, GRUB, ifupdown with DHCP on
# eth0, OpenSSH, sudo, rsync, and the user vagrant (password vagrant, sudo without a password,
# Vagrant's insecure public key), as Vagrant boxes are. The disk is made without loop devices:
# `mke2fs -d` writes the file system into a file, sfdisk partitions a sparse disk image, dd puts
# the one in the other. GRUB cannot be installed into a file, so the box boots once under qemu
# (its own kernel and initramfs given to qemu directly, no network) and a one-shot service
# installs GRUB into the MBR, writes grub.cfg and powers off.
# Needs root (mmdebstrap's root mode) and the host packages vagrant-test.sh installs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../vm/lib.sh"

die() { echo "build-box.sh: $*" >&2; exit 1; }
log() { echo "build-box.sh: $*" >&2; }

# What the box is made of: what a Vagrant box of Debian needs to boot, be reached and be
# provisioned (the shell provisioner, rsync synced folders, the hostname).
packages=(systemd systemd-sysv udev kmod dbus linux-image-amd64 initramfs-tools grub-pc
  ifupdown isc-dhcp-client iproute2 openssh-server sudo rsync procps ca-certificates)
disk_gb=20
mode=ready
case ${1:-} in
  --stock) mode=stock ;;
  '') ;;
  *) die "unknown option $1 (usage: build-box.sh [--stock])" ;;
esac

[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap's root mode, the box's root-owned tree)"
for tool in mmdebstrap mke2fs sfdisk qemu-img qemu-system-x86_64 dpkg-scanpackages; do
  command -v "$tool" >/dev/null || die "$tool not found: run native-tests/vagrant/vagrant-test.sh (it installs what it needs)"
done
vagrant_pub=$(dpkg -L vagrant 2>/dev/null | grep '/keys/vagrant\.pub$' | head -n 1) \
  || die "Vagrant's insecure public key not found: install Debian's vagrant package"
mapfile -t setup_packages < <("$vm_repo/scripts/setup.sh" --list)

hash=$( { sha256sum <"$0"; printf '%s\n' "${setup_packages[@]}"; } | sha256sum | cut -c1-16)
box_dir=$vm_cache/vagrant-box-$mode-$hash
built() { [ -s "$box_dir/debian-bookworm64.box" ] && [ -s "$box_dir/debs/Packages" ]; }
vm_build_once box "$box_dir" "$vm_cache/vagrant-box.lock" built

mapfile -t sources < <(vm_debian_sources)
[ ${#sources[@]} -gt 0 ] || die "no Debian bookworm archive in this host's apt sources (apt-cache policy): run apt-get update, or add one"

find "$vm_cache" -mindepth 1 -maxdepth 1 -name 'vagrant-building.*' -exec rm -rf {} +
start=$(vm_now)
work=$(mktemp -d "$vm_cache/vagrant-building.XXXXXX")
qemu_pid=""
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill -KILL "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rootfs=$work/rootfs
mkdir -p "$work/debs"
log "building the box from: ${sources[*]}"

# The box keeps no man pages (path-exclude, in the box's dpkg configuration too), but
# openjdk-17-jre-headless, which Debian's maven pulls in, fails in its postinst without
# /usr/share/man/man1: the box has the directory, empty, in both modes.
# grub-pc asks where to install itself; there is no disk yet (the first boot installs it).
# After the box's own packages, the customize hooks download what setup.sh would install into
# it (the box's own .debs removed first) and copy those out as the box's package repository;
# unless --stock, they are then installed from that download (no second one).
preinstall=(--customize-hook=true)
[ "$mode" = stock ] || preinstall=(
  --customize-hook="chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${setup_packages[*]}"
  --customize-hook='chroot "$1" apt-get clean')
unshare --mount --propagation private -- mmdebstrap --mode=root --variant=minbase \
  --include="$(IFS=,; echo "${packages[*]}")" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook='printf "%s\n" "grub-pc grub-pc/install_devices multiselect" "grub-pc grub-pc/install_devices_empty boolean true" | chroot "$1" debconf-set-selections' \
  --customize-hook='chroot "$1" apt-get clean' \
  --customize-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook="chroot \"\$1\" apt-get install --download-only -y -qq ${setup_packages[*]}" \
  --customize-hook="sync-out /var/cache/apt/archives $work/debs" \
  "${preinstall[@]}" \
  bookworm "$rootfs" "${sources[@]}" 2>&1 | sed 's/^/  mmdebstrap: /' >&2 \
  || die "mmdebstrap failed (its output is above)"
log "mmdebstrap done after $(vm_secs "$start" "$(vm_now)") s"
find "$work/debs" -mindepth 1 -not -name '*.deb' -exec rm -rf {} +
(cd "$work/debs" && dpkg-scanpackages --multiversion . /dev/null >Packages 2>/dev/null) \
  || die "dpkg-scanpackages failed in $work/debs"
log "package repository: $(grep -c '^Package:' "$work/debs/Packages") packages, $(du -sh "$work/debs" | cut -f1)"

kver=$(ls "$rootfs/lib/modules")
[ "$(wc -w <<<"$kver")" = 1 ] || die "expected one kernel in the box, found: $kver"
[ -s "$rootfs/boot/initrd.img-$kver" ] || die "the kernel package made no initramfs in the box"
uuid=$(cat /proc/sys/kernel/random/uuid)

# The box's own configuration.
echo bookworm >"$rootfs/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 bookworm\n::1 localhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"
echo "UUID=$uuid / ext4 errors=remount-ro 0 1" >"$rootfs/etc/fstab"
printf 'auto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet dhcp\n' >"$rootfs/etc/network/interfaces"
chroot "$rootfs" useradd --create-home --shell /bin/bash --user-group vagrant
echo vagrant:vagrant | chroot "$rootfs" chpasswd
echo 'vagrant ALL=(ALL) NOPASSWD: ALL' >"$rootfs/etc/sudoers.d/vagrant"
chmod 0440 "$rootfs/etc/sudoers.d/vagrant"
install -d -m 0700 "$rootfs/home/vagrant/.ssh"
install -m 0600 "$vagrant_pub" "$rootfs/home/vagrant/.ssh/authorized_keys"
chroot "$rootfs" chown -R vagrant:vagrant /home/vagrant/.ssh
# eth0 as ifupdown expects it; the serial console for libvirt's log; no_timer_check because
# under TCG on a busy host the kernel's 8254 timer check can fail and the boot then hangs.
sed -i -e 's/^GRUB_TIMEOUT=.*/GRUB_TIMEOUT=1/' \
  -e 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="net.ifnames=0 console=tty0 console=ttyS0,115200n8 no_timer_check"/' \
  "$rootfs/etc/default/grub"
# Timers of a long-lived host that only slow a throw-away VM down.
chroot "$rootfs" systemctl mask --quiet apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
  fstrim.timer dpkg-db-backup.timer

# The first boot's job: GRUB into the MBR, grub.cfg, then the job removes itself.
cat >"$rootfs/usr/local/sbin/jrun-box-firstboot" <<'EOF'
#!/bin/sh
# Installs GRUB on the box's disk once, then powers off (native-tests/vagrant/build-box.sh).
if grub-install --target=i386-pc /dev/vda && update-grub; then
  rm -f /etc/systemd/system/multi-user.target.wants/jrun-box-firstboot.service \
    /etc/systemd/system/jrun-box-firstboot.service /usr/local/sbin/jrun-box-firstboot
  : >/etc/machine-id
  echo "jrun-box-firstboot: grub installed" >/dev/ttyS0
else
  echo "jrun-box-firstboot: FAILED" >/dev/ttyS0
fi
sync
systemctl --no-block poweroff
EOF
chmod 0755 "$rootfs/usr/local/sbin/jrun-box-firstboot"
cat >"$rootfs/etc/systemd/system/jrun-box-firstboot.service" <<'EOF'
[Unit]
Description=Install GRUB on the box's disk (first boot of the box build)
After=local-fs.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/jrun-box-firstboot
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
chroot "$rootfs" systemctl enable --quiet jrun-box-firstboot.service
cp "$rootfs/boot/vmlinuz-$kver" "$work/vmlinuz"
cp "$rootfs/boot/initrd.img-$kver" "$work/initrd.img"
chroot "$rootfs" dpkg-query -W -f='${Package} ${Version}\n' >"$work/packages.txt"

# The disk, without loop devices: the root file system in a file, placed at 1 MiB into a
# sparse disk image with one bootable partition from there to the end.
mke2fs -q -F -t ext4 -U "$uuid" -L root -d "$rootfs" "$work/root.ext4" "$((disk_gb * 1024 - 1))M" >&2 \
  || die "mke2fs -d failed"
rm -rf "$rootfs"
truncate -s "${disk_gb}G" "$work/disk.raw"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$work/disk.raw" >&2 \
  || die "sfdisk could not partition $work/disk.raw"
dd if="$work/root.ext4" of="$work/disk.raw" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$work/root.ext4"

# The first boot, under TCG (single-threaded, as in native-tests/vm), no network.
boot_start=$(vm_now)
qemu-system-x86_64 -name jrun-box-firstboot -machine pc -nodefaults -no-user-config -no-reboot \
  -accel tcg,thread=single -cpu max -smp 1 -m 1024 \
  -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
  -append "root=UUID=$uuid rw console=ttyS0 net.ifnames=0 no_timer_check panic=-1" \
  -drive "file=$work/disk.raw,format=raw,if=virtio" \
  -device virtio-rng-pci -nic none -display none -monitor none \
  -serial "file:$work/console.log" </dev/null &
qemu_pid=$!
for ((waited = 0; waited < 900; waited++)); do
  kill -0 "$qemu_pid" 2>/dev/null || break
  sleep 1
done
if kill -0 "$qemu_pid" 2>/dev/null; then
  tail -n 30 "$work/console.log" | sed 's/^/  console: /' >&2
  die "the first boot did not power off within 900 s (qemu pid $qemu_pid killed; the console's last lines are above)"
fi
wait "$qemu_pid" || true
qemu_pid=""
if ! grep -q 'jrun-box-firstboot: grub installed' "$work/console.log"; then
  tail -n 30 "$work/console.log" | sed 's/^/  console: /' >&2
  die "the first boot did not install GRUB (the console's last lines are above)"
fi
log "first boot installed GRUB in $(vm_secs "$boot_start" "$(vm_now)") s"

# The box: the disk as qcow2, and the metadata vagrant-libvirt reads.
mkdir "$work/box"
qemu-img convert -O qcow2 "$work/disk.raw" "$work/box/box.img"
rm -f "$work/disk.raw" "$work/vmlinuz" "$work/initrd.img"
printf '{"provider": "libvirt", "format": "qcow2", "virtual_size": %d}\n' "$disk_gb" >"$work/box/metadata.json"
tar -cf "$work/debian-bookworm64.box" -C "$work/box" metadata.json box.img
rm -rf "$work/box"

find "$vm_cache" -mindepth 1 -maxdepth 1 -name "vagrant-box-$mode-*" -exec rm -rf {} +
rm -rf "$vm_cache"/vagrant-box-[0-9a-f]*   # from before the two modes
chmod 0755 "$work"
mv "$work" "$box_dir"
trap - EXIT
log "box ($mode) built in $(vm_secs "$start" "$(vm_now)") s: $box_dir (kernel $kver, box $(du -sh "$box_dir/debian-bookworm64.box" | cut -f1))"
echo "$box_dir"
