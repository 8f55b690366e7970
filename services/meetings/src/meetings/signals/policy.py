"""Thresholds of the formality signals as dated rule data: which set applies is chosen by province
and date, and every report names the version that produced it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

RULES_DIR = Path(__file__).with_name("data")


class FormalityRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    version: str
    effective_from: date
    province_code: str | None = None
    shingle_words: int = Field(ge=1, le=8)
    minhash_permutations: int = Field(ge=16, le=1024)
    minhash_seed: int = 1
    lookback_months: int = Field(ge=1, le=60, description="earlier meetings compared for copying")
    min_words_compared: int = Field(
        ge=1, description="shorter texts are not compared: a few words match by chance"
    )
    minutes_similarity: float = Field(gt=0, le=1)
    resolution_similarity: float = Field(gt=0, le=1)
    min_measurable_targets: int = Field(ge=1)
    min_named_speakers: int = Field(ge=1)
    attendance_identical_meetings: int = Field(ge=2, description="this meeting included")
    attendance_lookback_months: int = Field(ge=1, le=24)
    attendance_min_members: int = Field(ge=1, description="members counted, exempt excluded")
    attendance_full_min_members: int = Field(
        ge=1, description="the same, when everyone was present at every one of those meetings"
    )


def load_rules(directory: Path = RULES_DIR) -> list[FormalityRules]:
    return [
        FormalityRules.model_validate(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(directory.glob("formality-*.json"))
    ]


def rules_for(
    rule_sets: list[FormalityRules], province_code: str | None, on: date
) -> FormalityRules:
    """The latest set in force on `on`, the province's own before the default."""
    candidates = [
        r for r in rule_sets if r.effective_from <= on and r.province_code in (province_code, None)
    ]
    if not candidates:
        raise LookupError(f"no formality rules in force on {on}")
    return max(candidates, key=lambda r: (r.province_code is not None, r.effective_from))
