#!/usr/bin/env bash
# Rewrite requirements.lock (exact pins with hashes, no index addresses) from the pyproject files.
#
# usage: deploy/local/lock.sh            keep every pin already in the lock; resolve only what is
#                                        new (a dependency just added to a pyproject)
#        deploy/local/lock.sh --upgrade  resolve everything afresh (newest allowed versions)
#
# uv.lock stays out of git, so a plain `uv lock` on a new machine would move every pin; the
# default mode turns the current pins into constraints for the resolution.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export UV_PYTHON_DOWNLOADS=never
UV=(uv)
command -v uv >/dev/null 2>&1 || UV=(python3 -m uv)

if [ "${1:-}" != "--upgrade" ] && [ -s requirements.lock ]; then
  backup=$(mktemp)
  cp pyproject.toml "$backup"
  trap 'cp "$backup" pyproject.toml; rm -f "$backup"' EXIT
  python3 - <<'PY'
import re
pins = re.findall(r"^([A-Za-z0-9_.-]+==[^ \\\n]+)(?: ; ([^\\\n]+))?", open("requirements.lock").read(), re.M)
lines = "".join(f'    "{p}{" ; " + m if m else ""}",\n' for p, m in pins)
text = open("pyproject.toml").read()
text = text.replace("[tool.uv]\n", "[tool.uv]\nconstraint-dependencies = [\n" + lines + "]\n", 1)
open("pyproject.toml", "w").write(text)
PY
fi
rm -f uv.lock
"${UV[@]}" lock --quiet
"${UV[@]}" export --frozen --no-emit-workspace --no-editable --format requirements-txt > requirements.lock
echo "lock.sh: requirements.lock written ($(grep -c '==' requirements.lock) pins)" >&2
