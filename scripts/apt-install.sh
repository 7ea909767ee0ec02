#!/bin/sh
# apt-install.sh WHO PACKAGE...: installs Debian packages with apt-get, as root or through sudo,
# for the ensure-*.sh scripts. WHO names the caller in its messages. Fails with one sentence when
# apt-get, or the right to use it, is missing.
set -eu

WHO=$1
shift

if ! command -v apt-get >/dev/null 2>&1; then
	echo "$WHO: apt-get is not available; install $* by other means" >&2
	exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "$WHO: not root and no sudo; cannot install $*" >&2
		exit 1
	fi
fi

echo "$WHO: installing $* (apt-get)" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
