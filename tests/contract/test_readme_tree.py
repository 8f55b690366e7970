"""The README's map ("Where things are") matches the tree: every folder it names exists, and every
library, service, deploy folder and cross-service suite is on it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _map() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def test_every_folder_on_the_map_exists() -> None:
    named = re.findall(r"^(\S+/)", _map(), re.M)
    assert named, "the map names no folder"
    for folder in named:
        if "<" in folder:
            continue
        assert (ROOT / folder).is_dir(), f"README names {folder}, which does not exist"


def test_every_part_of_the_tree_is_on_the_map() -> None:
    text = _map()
    for pattern in ("libs/*", "services/*"):
        for path in sorted(ROOT.glob(pattern)):
            if path.is_dir():
                name = path.name
                shown = f"{path.parent.name}/{name}/" in text or f"— {name}" in text
                shown = shown or re.search(rf"\b{name}\b", text) is not None
                assert shown, f"{path.relative_to(ROOT)} is not on the README's map"
    for parent in ("deploy", "tests"):
        for path in sorted((ROOT / parent).iterdir()):
            if path.is_dir() and not path.name.startswith((".", "_")):
                assert f"{path.name}/" in text, f"{parent}/{path.name}/ is not on the map"
