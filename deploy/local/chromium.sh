#!/usr/bin/env bash
# Debian's Chromium for the portal's browser tests (Playwright drives it; it never downloads a
# browser of its own). Prints the binary's path. Idempotent: a no-op when it is installed.
#
# usage: deploy/local/chromium.sh
set -euo pipefail

BIN=${CHIBO_CHROMIUM:-/usr/bin/chromium}
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "chromium.sh: chromium is missing and I am not root;" \
  "install it (sudo apt-get install -y chromium) or set CHIBO_CHROMIUM" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "chromium.sh: apt-get is not available" >&2; exit 1; }
echo "chromium.sh: installing chromium (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
# fonts-noto-core: Vietnamese glyphs in screenshots look as they do on a phone.
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium fonts-noto-core >&2
[ -x "$BIN" ] || { echo "chromium.sh: installed, but $BIN is missing" >&2; exit 1; }
echo "$BIN"
