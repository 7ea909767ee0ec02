#!/bin/sh
# Makes sure Debian's Chromium is installed at /usr/bin/chromium, for the real-browser e2e test
# (test/e2e/browser.e2e.test.ts drives it with playwright-core; never `npx playwright install`).
# Does nothing if it is already there. Idempotent; safe to call from CI and from the test.
set -eu

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available; install Chromium by other means" >&2
	exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "ensure-chromium: not root and no sudo; cannot install chromium" >&2
		exit 1
	fi
fi

echo "ensure-chromium: installing Debian's chromium (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

if [ ! -x "$CHROMIUM" ]; then
	echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
	exit 1
fi
"$CHROMIUM" --version >&2 || true
