"""Loading rubric files (YAML, validated, errors naming file and path) and choosing one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from pydantic import ValidationError

from scoring.rubrics.engine import check_templates
from scoring.rubrics.format import Rubric

RUBRICS_DIR = Path(__file__).resolve().parents[3] / "rubrics"
# libyaml when present (ten times faster than the pure-Python parser), else the same rules.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names the file and where in it."""


class NoRubric(LookupError):
    """No rubric is in force for the province and date asked."""


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(gốc)"


def load_file(path: Path) -> Rubric:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise RubricError(f"{path.name}: không đọc được YAML: {exc}") from exc
    try:
        rubric = Rubric.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"{path.name}: {_where(tuple(e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise RubricError("\n".join(lines)) from exc
    try:
        check_templates(rubric)
    except ValueError as exc:
        raise RubricError(f"{path.name}: {_where(())}: {exc}") from exc
    return rubric


@dataclass(frozen=True)
class RubricBook:
    """Every loaded rubric version; `select` answers which one scores a given meeting."""

    rubrics: tuple[Rubric, ...]

    def get(self, rubric_id: str, version: str) -> Rubric | None:
        return next((r for r in self.rubrics if (r.id, r.version) == (rubric_id, version)), None)

    def select(
        self, *, held_on: date, province: str | None = None, rubric_id: str | None = None
    ) -> Rubric:
        """The newest version in force on `held_on`: of `rubric_id` when given, else the
        province's own rubric, else the default (province-less) one."""
        in_force = [r for r in self.rubrics if r.effective_on <= held_on]
        if rubric_id is not None:
            pool = [r for r in in_force if r.id == rubric_id]
        else:
            pool = [r for r in in_force if province and r.province == province]
            pool = pool or [r for r in in_force if r.province is None]
        if not pool:
            wanted = rubric_id or province or "mặc định"
            raise NoRubric(f"không có bảng điểm ({wanted}) có hiệu lực ngày {held_on.isoformat()}")
        return max(pool, key=lambda r: (r.effective_on, r.version))


def load_book(directory: Path = RUBRICS_DIR) -> RubricBook:
    """Every `*.yaml` in the directory; all errors of all files at once, or the book."""
    rubrics: list[Rubric] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            rubrics.append(load_file(path))
        except RubricError as exc:
            errors.append(str(exc))
    seen: set[tuple[str, str]] = set()
    for rubric in rubrics:
        if (rubric.id, rubric.version) in seen:
            errors.append(f"{rubric.id} phiên bản {rubric.version} có ở hơn một tệp")
        seen.add((rubric.id, rubric.version))
    if errors:
        raise RubricError("\n".join(errors))
    if not rubrics:
        raise RubricError(f"{directory}: không có tệp bảng điểm *.yaml nào")
    return RubricBook(tuple(rubrics))
