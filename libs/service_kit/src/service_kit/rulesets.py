"""Dated rule sets as versioned data: one YAML file per set, in force from `effective_from`, a
national default (`province_code: null`) and a province's own sets (its registry code).

Loaded and validated when the app is built — a file that does not validate stops the start-up
with every error at once, each naming the file and the field — and asked "which set is in force
on day D for province P": the latest of P's own sets in force on D, else the latest national one.
A province's set is whole (every value written out), so it never mixes with the national one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

# libyaml when present (ten times faster than the pure-Python parser), else the same rules.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleSet(BaseModel):
    """What every dated rule set carries beside its values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    version: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, description="Vietnamese, shown where the values are used")
    source: str = Field(min_length=1, description="where the values come from")
    effective_from: date
    province_code: str | None = Field(
        default=None, max_length=64, description="the province's registry code; null: national"
    )

    @property
    def label(self) -> str:
        return f"{self.id} {self.version}"


class RuleSetError(ValueError):
    """Rule files that cannot be used; the message names each file and field."""


T = TypeVar("T", bound=RuleSet)


class NoRuleSet(LookupError):
    """No set is in force on the day asked (the message says so in Vietnamese)."""


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(gốc)"


@dataclass(frozen=True)
class RuleBook(Generic[T]):
    """Every loaded set of one kind; `in_force` picks the one of a day and province."""

    rule_sets: tuple[T, ...]

    @property
    def provinces(self) -> frozenset[str]:
        """The provinces with sets of their own: when there are none, nobody needs to ask
        which province a branch lies in."""
        return frozenset(r.province_code for r in self.rule_sets if r.province_code is not None)

    def in_force(self, on: date, province_code: str | None = None) -> T:
        """The latest of the province's own sets in force on `on`, else the latest national one
        (no two sets of one scope share a day: `load_rule_book` refuses them)."""
        for scope in (province_code, None) if province_code is not None else (None,):
            pool = [
                r for r in self.rule_sets if r.province_code == scope and r.effective_from <= on
            ]
            if pool:
                return max(pool, key=lambda r: r.effective_from)
        first = min(
            (r for r in self.rule_sets if r.province_code is None), key=lambda r: r.effective_from
        )
        raise NoRuleSet(
            f"Không có quy định «{first.name}» nào có hiệu lực ngày {on:%d/%m/%Y}; bộ sớm nhất "
            f"áp dụng từ {first.effective_from:%d/%m/%Y}."
        )


def load_rule_book(directory: Path, model: type[T]) -> RuleBook[T]:
    """Every `*.yaml` of the folder as `model`; all errors at once, each naming its file."""
    rule_sets: list[T] = []
    errors: list[str] = []
    paths = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    for path in paths:
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        except yaml.YAMLError as exc:
            errors.append(f"{path.name}: không đọc được YAML: {exc}")
            continue
        try:
            rule_sets.append(model.model_validate(raw))
        except ValidationError as exc:
            errors += [
                f"{path.name}: {_where(tuple(e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()
            ]
    if not paths:
        errors.append(f"{directory}: không có tệp quy định *.yaml nào")
    errors += _clashes(rule_sets)
    if rule_sets and not any(r.province_code is None for r in rule_sets):
        errors.append(f"{directory}: thiếu bộ quy định chung toàn quốc (province_code: null)")
    if errors:
        raise RuleSetError(f"{directory}:\n" + "\n".join(errors))
    return RuleBook(tuple(rule_sets))


def _clashes(rule_sets: Iterable[RuleSet]) -> list[str]:
    """Two sets of one scope from the same day would leave the choice to file order."""
    errors: list[str] = []
    seen: dict[tuple[str | None, date], str] = {}
    versions: set[tuple[str, str]] = set()
    for r in rule_sets:
        if (r.id, r.version) in versions:
            errors.append(f"{r.id} phiên bản {r.version} có ở hơn một tệp")
        versions.add((r.id, r.version))
        key = (r.province_code, r.effective_from)
        if key in seen:
            scope = f"tỉnh {r.province_code}" if r.province_code else "toàn quốc"
            errors.append(
                f"{seen[key]} và {r.label}: hai bộ quy định {scope} cùng áp dụng từ "
                f"{r.effective_from:%d/%m/%Y}"
            )
        seen[key] = r.label
    return errors
