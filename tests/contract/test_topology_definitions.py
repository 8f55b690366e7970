"""deploy/rabbitmq/definitions.json is exactly what the services declare."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_definitions_file_matches_the_code() -> None:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "deploy/rabbitmq/generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "deploy/rabbitmq/definitions.json").read_text(encoding="utf-8")
    assert committed == module.render(), "run: .venv/bin/python deploy/rabbitmq/generate.py"
