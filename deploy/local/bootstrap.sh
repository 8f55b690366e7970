#!/usr/bin/env bash
# Install what chibo needs into .venv: uv (if missing), the exact pins of requirements.lock
# (hash-checked), and the workspace packages in editable mode. Fast no-op when nothing changed.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
export UV_PYTHON_DOWNLOADS=never

PY=${CHIBO_PYTHON:-$(command -v python3.11 || command -v python3)}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
  || { echo "bootstrap: chibo needs Python 3.11 (found $("$PY" --version 2>&1))" >&2; exit 1; }

if command -v uv >/dev/null 2>&1; then
  UV=(uv)
elif "$PY" -m uv --version >/dev/null 2>&1; then
  UV=("$PY" -m uv)
else
  echo "bootstrap: installing uv with pip" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check uv
  UV=("$PY" -m uv)
fi

stamp=.venv/.chibo-installed
want=$( (echo "bytecode 1"; cat requirements.lock pyproject.toml libs/*/pyproject.toml \
  services/*/pyproject.toml) | sha256sum | cut -d' ' -f1)
compile_own() {
  # Our own sources' bytecode too (only files changed since last time: about a second).
  .venv/bin/python -m compileall -q -j 0 libs services deploy tests >/dev/null || true
}
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  compile_own
  exit 0
fi
[ -x .venv/bin/python ] || "${UV[@]}" venv --quiet --python "$PY" .venv
# --compile-bytecode: every service process and test worker imports from .pyc files; without
# them each start compiles FastAPI, SQLAlchemy, pydantic… afresh (9 s instead of 3.5 s per
# process here, and never cached where PYTHONDONTWRITEBYTECODE is set).
"${UV[@]}" pip sync --quiet --python .venv/bin/python --require-hashes --compile-bytecode \
  requirements.lock
editables=()
for pkg in libs/* services/*; do editables+=(-e "$pkg"); done
"${UV[@]}" pip install --quiet --python .venv/bin/python --no-deps "${editables[@]}"
compile_own
echo "$want" > "$stamp"
echo "bootstrap: .venv ready ($(.venv/bin/python --version))" >&2
