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
# fonts-noto-core: Vietnamese glyphs in screenshots look as they do on a phone.
"$(dirname "$0")/apt.sh" --no-install-recommends chromium fonts-noto-core
[ -x "$BIN" ] || { echo "chromium.sh: installed, but $BIN is missing" >&2; exit 1; }
echo "$BIN"
