#!/bin/sh
# Makes sure Apache Velocity 1.7 (Debian's `velocity` package, the Java engine MessageMedia renders
# webhook templates with), commons-lang3 (for EscapeTool's json escaping) and a headless JDK 11+
# (javac compiles the small runner) are installed, for `npm run test:velocity`
# (test/apache-velocity/). Does nothing if both are already there. Idempotent; .ci/run calls it
# before that command. Prints nothing on success when nothing had to be installed.
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

PACKAGES="velocity libcommons-lang3-java"
have_java || PACKAGES="$PACKAGES default-jdk-headless"
# shellcheck disable=SC2086
sh "$(dirname "$0")/apt-install.sh" ensure-velocity $PACKAGES

if [ ! -f "$JAR" ] || [ ! -f "$LANG3" ] || ! have_java; then
	echo "ensure-velocity: apt-get finished but $JAR, $LANG3 or a JDK 11+ is still missing" >&2
	exit 1
fi
