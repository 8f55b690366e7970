"""Which soak runs: CHIBO_SOAK=smoke (the default, in `make test`: every fault once on a short
load, ~3 min), short (~5 min) or full (`make soak`, ~15 min); CHIBO_SOAK=off deselects it (not a
skip), e.g. for a quick local run of the rest of the suite."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    soak = [item for item in items if item.get_closest_marker("soak")]
    if not soak:
        return
    if os.environ.get("CHIBO_SOAK", "smoke") == "off":
        config.hook.pytest_deselected(items=soak)
        items[:] = [item for item in items if not item.get_closest_marker("soak")]
        return
    # The longest test first, so the other worker runs the rest of the suite beside it.
    items[:] = soak + [item for item in items if not item.get_closest_marker("soak")]
