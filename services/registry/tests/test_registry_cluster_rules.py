"""A rotation cluster's size as dated rule data (#14): the national 3–4 branches, unless the
branches' province has its own set in force on the cluster's first day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from registry_factories import Registry, province_with_district

from registry.clusters.policy import CLUSTER_RULES_DIR, load_cluster_rules
from service_kit.rulesets import RuleSetError


def rules(directory: Path, **sets: dict[str, object]) -> Path:
    national = yaml.safe_load((CLUSTER_RULES_DIR / "national.yaml").read_text(encoding="utf-8"))
    (directory / "national.yaml").write_text(yaml.safe_dump(national), encoding="utf-8")
    for name, changes in sets.items():
        (directory / f"{name}.yaml").write_text(
            yaml.safe_dump({**national, **changes}), encoding="utf-8"
        )
    return directory


def test_the_shipped_national_size_is_three_to_four() -> None:
    national = load_cluster_rules().in_force(date(2026, 1, 1))
    assert (national.min_branches, national.max_branches) == (3, 4)


def test_a_size_the_wrong_way_round_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match=r"bad\.yaml: \(gốc\): min_branches không được lớn"):
        load_cluster_rules(
            rules(tmp_path, bad={"version": "2", "min_branches": 5, "effective_from": "2026-01-01"})
        )


async def test_a_province_s_own_size_from_its_date(api: Registry, tmp_path: Path) -> None:
    """Hà Tĩnh (code HT) lets two branches form a cluster from 2024; before, the national 3–4."""
    api.runtime.context.cluster_rules = load_cluster_rules(  # type: ignore[attr-defined]
        rules(
            tmp_path,
            ha_tinh={
                "version": "ht-1",
                "province_code": "HT",
                "effective_from": date(2024, 1, 1),
                "min_branches": 2,
            },
        )
    )
    t = await province_with_district(api)
    pair = [t["dh"]["id"], t["tb"]["id"]]

    def body(valid_from: str, code: str) -> dict[str, object]:
        return {"code": code, "name": "Cụm 1", "branch_ids": pair, "valid_from": valid_from}

    before = await api.client.post(
        "/v1/rotation-clusters", json=body("2023-12-01", "C0"), headers={"Idempotency-Key": "a"}
    )
    assert before.status_code == 422, before.text
    assert before.json()["errors"][0]["detail"].startswith("Cụm sinh hoạt luân phiên gồm 3–4")
    await api.post("/v1/rotation-clusters", body("2024-01-01", "C1"), 201)
