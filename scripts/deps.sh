#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages Flightdeck needs that are not installed yet.
#   scripts/deps.sh build     to build and run
#   scripts/deps.sh test      to build and run every test
# Works as root or through sudo; installs nothing when everything is present.
set -euo pipefail

BUILD=(cmake ninja-build g++ pkg-config git
       qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-charts-dev qt6-svg-dev libqt6svg6-dev
       libgit2-dev libyaml-dev libyaml-cpp-dev qtkeychain-qt6-dev libgl-dev
       libsecret-1-0 gnome-keyring dbus)
TEST=(clang libclang-rt-14-dev dbus-x11 libsecret-tools openssh-server openssh-client
      postgresql nodejs npm xvfb xauth)

want=("${BUILD[@]}")
[[ "${1:-build}" == test ]] && want+=("${TEST[@]}")

missing=()
for p in "${want[@]}"; do
    # nodejs/npm may come from elsewhere (a newer Node.js); accept any working install
    if [[ $p == nodejs ]] && command -v node >/dev/null; then continue; fi
    if [[ $p == npm ]] && command -v npm >/dev/null; then continue; fi
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
    exit 0
fi
echo "Installing: ${missing[*]}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "Need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
fi
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
