"""Cluster rules as pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from service_kit.web.problems import FieldError

MIN_BRANCHES, MAX_BRANCHES = 3, 4


def cluster_errors(
    branch_ids: Sequence[str], valid_from: date, valid_to: date | None, busy: set[str]
) -> list[FieldError]:
    """`busy`: branches already in another cluster during an overlapping period."""
    errors: list[FieldError] = []
    if not MIN_BRANCHES <= len(branch_ids) <= MAX_BRANCHES:
        errors.append(
            FieldError(
                "/branch_ids",
                f"Cụm sinh hoạt luân phiên gồm {MIN_BRANCHES}–{MAX_BRANCHES} chi bộ.",
                "cluster-size",
            )
        )
    seen: set[str] = set()
    for i, branch_id in enumerate(branch_ids):
        if branch_id in seen:
            errors.append(FieldError(f"/branch_ids/{i}", "Chi bộ bị lặp.", "duplicate"))
        elif branch_id in busy:
            errors.append(
                FieldError(f"/branch_ids/{i}", "Chi bộ đã thuộc một cụm khác.", "in-other-cluster")
            )
        seen.add(branch_id)
    if valid_to is not None and valid_to <= valid_from:
        errors.append(FieldError("/valid_to", "Phải sau ngày bắt đầu.", "period-order"))
    return errors
