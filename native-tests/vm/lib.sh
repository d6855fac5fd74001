# lib.sh: sourced by the VM test runner's scripts (build-guest.sh, run-in-vm.sh, vm-tests.sh).
# Where the guest image lives and which inputs name it.
vm_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vm_repo=$(cd "$vm_dir/../.." && pwd)
# JRUN_VM_CACHE moves the cache, e.g. to share one image between several checkouts.
vm_cache=${JRUN_VM_CACHE:-$vm_repo/.build/vm}

# The inputs the guest image is made from: the build script (its package list included) and
# the files it installs into the guest. A change to any of them makes a new image; nothing else
# does (a Debian point release alone does not: delete .build/vm to take one).
vm_input_files() {
  echo "$vm_dir/build-guest.sh"
  find "$vm_dir/guest" -type f | LC_ALL=C sort
}

vm_input_hash() {
  local f
  vm_input_files | while read -r f; do
    printf '%s\n' "${f#"$vm_dir"/}"
    sha256sum <"$f"
  done | sha256sum | cut -c1-16
}

# The directory of the image for the current inputs (it may not exist yet).
vm_image_dir() { echo "$vm_cache/guest-$(vm_input_hash)"; }

# Debian's own archives as this host's apt knows them (bookworm, -updates, -security), one
# sources.list line each, so a guest comes from the same mirror or proxy the host uses.
vm_debian_sources() {
  apt-cache policy | awk '
    /^ *[0-9]+ [a-z]+:\/\// { uri = $2; split($3, sc, "/"); suite = sc[1]; comp = sc[2]; next }
    /release .*o=Debian,/ && uri != "" && suite ~ /^bookworm/ { print "deb " uri " " suite " " comp }
    { uri = "" }' | sort -u
}

# A cached build (the guest image, the Vagrant box): when BUILT (a command) says DIR is complete,
# prints DIR and exits the script; else takes LOCK on fd 9, one build at a time per cache (a
# second one waits, then finds DIR built), checks again, and returns to build it.
vm_build_once() {  # WHAT DIR LOCK BUILT...
  local what=$1 dir=$2 lock=$3
  shift 3
  if "$@"; then echo "${0##*/}: $what up to date: $dir" >&2; echo "$dir"; exit 0; fi
  mkdir -p "$vm_cache"
  exec 9>"$lock"
  flock 9
  if "$@"; then echo "${0##*/}: $what built meanwhile: $dir" >&2; echo "$dir"; exit 0; fi
}

vm_now() { date +%s.%N; }
vm_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
