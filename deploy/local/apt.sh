#!/usr/bin/env bash
# Install Debian packages that are missing, one installer at a time: the test processes of
# `make test` (pytest -n) and the brokers they start may all ask at once, and two apt-gets side
# by side fail on apt's lock. Idempotent: a no-op when every package is installed.
#
# usage: deploy/local/apt.sh [--no-install-recommends] PACKAGE...
set -euo pipefail

opts=()
if [ "${1:-}" = --no-install-recommends ]; then opts+=("$1"); shift; fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing() { local p; for p in "$@"; do installed "$p" || echo "$p"; done; }

[ -z "$(missing "$@")" ] && exit 0
[ "$(id -u)" = 0 ] || { echo "apt.sh: missing $(missing "$@" | xargs) and I am not root;" \
  "install them (sudo apt-get install -y $*)" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "apt.sh: apt-get is not available" >&2; exit 1; }

exec 9>/tmp/chibo-apt.lock
flock -w 1800 9 || { echo "apt.sh: waited 30 min for another installer" >&2; exit 1; }
mapfile -t todo < <(missing "$@")  # another process may have installed them meanwhile
[ ${#todo[@]} -eq 0 ] && exit 0
echo "apt.sh: installing ${todo[*]} (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${opts[@]}" "${todo[@]}" >&2
