#!/bin/sh
# Makes sure Apache Velocity 1.7 (Debian's `velocity` package, the Java engine MessageMedia renders
# webhook templates with), commons-lang3 (for EscapeTool's json escaping) and a headless JDK 11+
# (javac compiles the small runner) are installed, for
# test/sandbox/apache-velocity.test.ts. Does nothing if both are already there. Idempotent; safe to
# call from CI and from the test. Prints nothing on success when nothing had to be installed.
set -eu

JAR=/usr/share/java/velocity.jar
LANG3=/usr/share/java/commons-lang3.jar

have_java() {
	command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 || return 1
	v=$(javac -version 2>&1 | sed -n 's/^javac \([0-9][0-9]*\).*/\1/p' | head -n 1)
	[ -n "$v" ] && [ "$v" -ge 11 ]
}

if have_java && [ -f "$JAR" ] && [ -f "$LANG3" ]; then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-velocity: Java 11+ or $JAR is missing and apt-get is not available; install them by other means" >&2
	exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "ensure-velocity: not root and no sudo; cannot install velocity / a JRE" >&2
		exit 1
	fi
fi

PACKAGES="velocity libcommons-lang3-java"
have_java || PACKAGES="$PACKAGES default-jdk-headless"

echo "ensure-velocity: installing $PACKAGES (apt-get)" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES

if [ ! -f "$JAR" ] || [ ! -f "$LANG3" ] || ! have_java; then
	echo "ensure-velocity: apt-get finished but $JAR, $LANG3 or a JDK 11+ is still missing" >&2
	exit 1
fi
