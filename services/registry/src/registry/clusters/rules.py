"""Cluster rules as pure functions; the size is the rule set's in force (`clusters.policy`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from registry.clusters.policy import ClusterRules
from service_kit.web.problems import FieldError


def cluster_errors(
    branch_ids: Sequence[str],
    valid_from: date,
    valid_to: date | None,
    busy: set[str],
    rules: ClusterRules,
) -> list[FieldError]:
    """`busy`: branches already in another cluster during an overlapping period; `rules`: the
    set in force on `valid_from`."""
    errors: list[FieldError] = []
    if not rules.min_branches <= len(branch_ids) <= rules.max_branches:
        errors.append(
            FieldError(
                "/branch_ids",
                f"Cụm sinh hoạt luân phiên gồm {rules.min_branches}–{rules.max_branches} chi bộ "
                f"({rules.name}).",
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
