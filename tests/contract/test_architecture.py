"""The house rules that a reader relies on, checked on the source itself: no import cycle (a
function-local import counts: it hides a cycle, it does not break it), no service importing
another, HTTP problems only at the edge, and no wall clock in domain code."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for p in (*ROOT.glob("libs/*/src"), *ROOT.glob("services/*/src")))
SERVICES = {p.parent.name for p in ROOT.glob("services/*/src")}

# Real time on purpose: a signature's timestamp is checked against the receiver's wall clock,
# and the outbox relay publishes on its own clock (a demo's shifted business clock must never
# postpone publishing).
WALL_CLOCK_ALLOWED = {
    "services/notifications/src/notifications/webhooks/sender.py",
    "services/notifications/src/notifications/webhooks/verify.py",
    "services/registry/src/registry/imports/bulk.py",
}


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for src in SOURCES:
        for path in src.rglob("*.py"):
            parts = list(path.relative_to(src).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _outside_type_checking(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, except what sits under `if TYPE_CHECKING:` (never imported at run time)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _outside_type_checking(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    # Keep first-party modules only; `a.b.c` importing `a.b` does not make `a.b` import `a.b.c`.
    return {m for m in out if m in known and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _graph() -> dict[str, set[str]]:
    known = modules()
    # A package's __init__ imported for a submodule is not an edge back into the package.
    return {
        name: {m for m in imports_of(name, path, known) if not name.startswith(m + ".")}
        for name, path in known.items()
    }


def test_no_import_cycle_in_the_source() -> None:
    found = cycles(_graph())
    assert not found, "import cycles:\n" + "\n".join(" → ".join(c) for c in found)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_services_import_only_libraries_and_themselves() -> None:
    graph = _graph()
    crossing = [
        f"{name} imports {dep}"
        for name, deps in graph.items()
        for dep in deps
        if name.split(".")[0] in SERVICES
        and dep.split(".")[0] in SERVICES
        and dep.split(".")[0] != name.split(".")[0]
    ]
    libraries_into_services = [
        f"{name} imports {dep}"
        for name, deps in graph.items()
        for dep in deps
        if name.split(".")[0] not in SERVICES and dep.split(".")[0] in SERVICES
    ]
    assert not crossing and not libraries_into_services, crossing + libraries_into_services


def _domain_files() -> Iterator[Path]:
    for src in ROOT.glob("services/*/src"):
        for path in src.rglob("*.py"):
            if path.name != "router.py":
                yield path


def test_http_problems_are_raised_only_at_the_edge() -> None:
    """Domain code raises `service_kit.errors`; only routers answer with `Problem` directly."""
    offenders = []
    for path in _domain_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Problem"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


@pytest.mark.parametrize("call", ["datetime.now", "utcnow", "time.time", "date.today"])
def test_domain_code_reads_the_injected_clock(call: str) -> None:
    offenders = []
    for src in ROOT.glob("services/*/src"):
        for path in src.rglob("*.py"):
            rel = str(path.relative_to(ROOT))
            if rel in WALL_CLOCK_ALLOWED:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(call):
                    offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, offenders
