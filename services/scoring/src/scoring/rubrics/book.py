"""Loading rubric files (YAML, validated, errors naming file and path) and choosing one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from pydantic import ValidationError

from scoring.rubrics.engine import check_templates
from scoring.rubrics.format import Rubric

RUBRICS_DIR = Path(__file__).resolve().parents[3] / "rubrics"
# Not a rubric: which rubric family (`province:` of the rubric files) scores a province's branches.
PROVINCES_FILE = "provinces.yaml"
# libyaml when present (ten times faster than the pure-Python parser), else the same rules.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names the file and where in it."""


class NoRubric(LookupError):
    """No rubric is in force for the province and date asked; the message says so in Vietnamese
    (it is stored with the meeting, which is recorded but not scored)."""


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


def _vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class RubricBook:
    """Every loaded rubric version; `select` answers which one scores a given meeting.

    `provinces`: the registry's province code → the rubric family (`province:` in the files)
    that scores its branches; a province not listed is scored with the default rubrics."""

    rubrics: tuple[Rubric, ...]
    provinces: Mapping[str, str] = field(default_factory=dict)

    def get(self, rubric_id: str, version: str) -> Rubric | None:
        return next((r for r in self.rubrics if (r.id, r.version) == (rubric_id, version)), None)

    @property
    def withdrawn(self) -> dict[tuple[str, str], str]:
        """(id, version) → why a later version withdrew it: never chosen for a meeting again."""
        return {(r.id, w.version): w.reason for r in self.rubrics for w in r.withdraws}

    def family_of(self, province_code: str | None) -> str | None:
        """The rubric family of a province (by the mapping, or a family named like the code)."""
        if province_code is None:
            return None
        if province_code in self.provinces:
            return self.provinces[province_code]
        return province_code if any(r.province == province_code for r in self.rubrics) else None

    def select(
        self, *, held_on: date, province: str | None = None, rubric_id: str | None = None
    ) -> Rubric:
        """The newest version in force on `held_on`: of `rubric_id` when given, else the
        province's own rubric, else the default (province-less) one. `province` is a rubric
        family (`family_of` turns a registry province code into one)."""
        withdrawn = self.withdrawn
        usable = [r for r in self.rubrics if (r.id, r.version) not in withdrawn]
        if rubric_id is not None:
            family = [r for r in usable if r.id == rubric_id]
        else:
            family = [r for r in usable if province and r.province == province]
            if not [r for r in family if r.effective_on <= held_on]:
                family = [r for r in usable if r.province is None]
        pool = [r for r in family if r.effective_on <= held_on]
        if not pool:
            wanted = f"bảng điểm {rubric_id}" if rubric_id else "bảng điểm nào"
            detail = f"Không có {wanted} có hiệu lực ngày {_vn(held_on)}"
            if family:
                first = min(family, key=lambda r: (r.effective_on, r.version))
                detail += f"; bảng sớm nhất «{first.name}» áp dụng từ {_vn(first.effective_on)}"
            raise NoRubric(f"{detail}: cuộc họp được ghi nhận nhưng không chấm điểm.")
        return max(pool, key=lambda r: (r.effective_on, r.version))


def load_book(directory: Path = RUBRICS_DIR) -> RubricBook:
    """Every `*.yaml` in the directory; all errors of all files at once, or the book."""
    rubrics: list[Rubric] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == PROVINCES_FILE:
            continue
        try:
            rubrics.append(load_file(path))
        except RubricError as exc:
            errors.append(str(exc))
    seen: set[tuple[str, str]] = set()
    for rubric in rubrics:
        if (rubric.id, rubric.version) in seen:
            errors.append(f"{rubric.id} phiên bản {rubric.version} có ở hơn một tệp")
        seen.add((rubric.id, rubric.version))
    for rubric in rubrics:
        for w in rubric.withdraws:
            if (rubric.id, w.version) not in seen:
                errors.append(
                    f"{rubric.id} phiên bản {rubric.version}: rút phiên bản {w.version} không có"
                )
    provinces = _load_provinces(directory / PROVINCES_FILE, rubrics, errors)
    if errors:
        raise RubricError("\n".join(errors))
    if not rubrics:
        raise RubricError(f"{directory}: không có tệp bảng điểm *.yaml nào")
    return RubricBook(tuple(rubrics), provinces)


def _load_provinces(path: Path, rubrics: list[Rubric], errors: list[str]) -> dict[str, str]:
    """`provinces.yaml`: `provinces: {<registry province code>: <rubric family>}`; each family
    must be the `province:` of a loaded rubric."""
    if not path.exists():
        return {}
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        errors.append(f"{path.name}: không đọc được YAML: {exc}")
        return {}
    mapping = raw.get("provinces") if isinstance(raw, dict) else None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        errors.append(f"{path.name}: provinces: cần ánh xạ mã tỉnh → họ bảng điểm (chuỗi)")
        return {}
    families = {r.province for r in rubrics if r.province}
    errors += [
        f"{path.name}: provinces.{code}: không có bảng điểm nào của '{family}'"
        for code, family in mapping.items()
        if family not in families
    ]
    return dict(mapping)
