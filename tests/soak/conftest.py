"""The soak test runs only when asked: `make soak` (CHIBO_SOAK=full) or CHIBO_SOAK=short.

Without CHIBO_SOAK it is deselected (not skipped), so `make test` stays as long as it was; a
later `make test` can include the short form by exporting CHIBO_SOAK=short."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CHIBO_SOAK"):
        return
    soak = [item for item in items if item.get_closest_marker("soak")]
    if soak:
        config.hook.pytest_deselected(items=soak)
        items[:] = [item for item in items if not item.get_closest_marker("soak")]
