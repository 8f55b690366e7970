"""Print the blocks of requirements.lock (pins and hashes) that the services need at run time:
the closure of the workspace packages' declared dependencies, read from the installed metadata.
Dev tools (pytest, mypy, ruff, …) stay out of the image.

usage: python runtime_requirements.py requirements.lock > runtime.lock   (run in a venv that
has every package of the lock installed)"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# Workspace packages that never run in a service: the test tooling.
TEST_ONLY = {"chibo-testing"}


def workspace(root: Path) -> tuple[set[str], list[Requirement]]:
    names, wanted = set(TEST_ONLY), []
    for pyproject in sorted(root.glob("libs/*/pyproject.toml")) + sorted(
        root.glob("services/*/pyproject.toml")
    ):
        project = tomllib.loads(pyproject.read_text())["project"]
        if canonical(project["name"]) in TEST_ONLY:
            continue
        names.add(canonical(project["name"]))
        wanted += [Requirement(r) for r in project.get("dependencies", [])]
    return names, wanted


def closure(own: set[str], wanted: list[Requirement]) -> set[str]:
    env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    seen: set[str] = set()
    todo = list(wanted)
    while todo:
        req = todo.pop()
        name = canonical(req.name)
        if name in own or name in seen:
            continue
        if req.marker is not None and not req.marker.evaluate({**env, "extra": ""}):
            continue
        seen.add(name)
        dist = metadata.distribution(req.name)
        extras = set(req.extras)
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or any(
                sub.marker.evaluate({**env, "extra": e}) for e in ({""} | extras)
            ):
                # Its marker held for this parent's extras; the dependency is wanted as such.
                todo.append(Requirement(str(sub).split(";")[0]))
    return seen


def blocks(lock: str) -> list[tuple[str, str]]:
    """(canonical name, text) of each pinned requirement of the lock, with its hashes."""
    out: list[tuple[str, str]] = []
    current: list[str] = []
    for line in lock.splitlines():
        if re.match(r"^[A-Za-z0-9]", line):
            if current:
                out.append((canonical(current[0].split("==")[0]), "\n".join(current)))
            current = [line]
        elif current and line.startswith("    --hash"):
            current.append(line)
        elif current:
            out.append((canonical(current[0].split("==")[0]), "\n".join(current)))
            current = []
    if current:
        out.append((canonical(current[0].split("==")[0]), "\n".join(current)))
    return out


def main(lock_path: str) -> int:
    root = Path(lock_path).resolve().parent
    own, wanted = workspace(root)
    needed = closure(own, wanted)
    kept = [text for name, text in blocks(Path(lock_path).read_text()) if name in needed]
    missing = needed - {name for name, _ in blocks(Path(lock_path).read_text())}
    if missing:
        print(f"not in the lock: {sorted(missing)}", file=sys.stderr)
        return 1
    print("# Generated from requirements.lock by deploy/docker/runtime_requirements.py")
    print("\n".join(kept))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
