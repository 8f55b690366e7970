#!/usr/bin/env bash
# promtool for the alert-rule tests: from PATH, else the Debian package `prometheus` (which
# ships it) is installed when we are root. usage: deploy/prometheus/promtool.sh ARGS...
set -euo pipefail
if ! command -v promtool >/dev/null 2>&1; then
  "$(dirname "$0")/../local/apt.sh" prometheus \
    || { echo "promtool is missing: install the Debian package prometheus" >&2; exit 1; }
  # The package may start a server on :9090 where policy-rc.d allows it; only promtool is wanted.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl disable --now prometheus >&2 || true
  fi
fi
exec promtool "$@"
