#!/bin/sh
# Makes sure Debian's Chromium is installed at /usr/bin/chromium, for the real-browser e2e test
# (test/e2e/browser.e2e.test.ts drives it with playwright-core; never `npx playwright install`).
# Does nothing if it is already there. Idempotent; safe to call from CI and from the test.
set -eu

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
	exit 0
fi

sh "$(dirname "$0")/apt-install.sh" ensure-chromium chromium

if [ ! -x "$CHROMIUM" ]; then
	echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
	exit 1
fi
"$CHROMIUM" --version >&2 || true
