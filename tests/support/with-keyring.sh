#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs a command against a real, private keyring: a new D-Bus session bus with gnome-keyring's
# Secret Service unlocked inside it. HOME and the XDG directories point into a temporary directory
# so the keyring file the daemon creates never touches the user's own keyrings.
# Exit code 77 (skip) when the tools are missing; otherwise the command's exit code.
set -u

missing=""
for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
    echo "with-keyring: missing$missing; install the Debian packages dbus, gnome-keyring and libsecret-tools" >&2
    exit 77
fi
if [ "$#" -eq 0 ]; then
    echo "usage: with-keyring.sh COMMAND [ARGS...]" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/flightdeck-keyring.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"

# The keyring password only unlocks this throwaway keyring.
HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" \
XDG_RUNTIME_DIR="$tmp/runtime" FLIGHTDECK_TEST_KEYRING=gnome-keyring FLIGHTDECK_TEST_KEYRING_PASSWORD="test-$$" \
    dbus-run-session -- sh -c '
        eval "$(printf "%s" "$FLIGHTDECK_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)" || exit 1
        unset FLIGHTDECK_TEST_KEYRING_PASSWORD
        export GNOME_KEYRING_CONTROL
        exec "$@"' with-keyring "$@"
status=$?
exit $status
