#!/bin/sh
# install-deps.sh - install the Debian 12 packages Toro's build, run, tests and bench need.
#
# Idempotent and quick when everything is present: it asks dpkg first and only calls
# apt-get when something is missing. Called by `make run`, `make test` and `make bench`
# when a tool they need is absent; safe to run by hand at any time.
#
#   scripts/install-deps.sh          install what is missing
#   scripts/install-deps.sh --check  exit 1 and list what is missing, install nothing
set -eu

PACKAGES="
	gcc binutils make nasm
	python3 python3-kconfiglib python3-pytest python3-pytest-xdist
	qemu-system-x86 qemu-utils ovmf
	grub-pc-bin grub-common xorriso mtools dosfstools e2fsprogs fdisk
	tmux gdb hyperfine python3-matplotlib
	busybox-static cpio
"

missing=""
for p in $PACKAGES; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "missing Debian packages:$missing"
	exit 1
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "install-deps: need root (or sudo) to install:$missing" >&2
		exit 1
	}
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
