"""Routing keys carry the organisation's path after the type, for public events only."""

from __future__ import annotations

from event_contracts import CATALOG
from event_contracts.routing import (
    MAX_KEY_BYTES,
    any_path,
    organisation_of,
    path_of,
    subtree_binding,
    type_key,
    with_path,
)

PROVINCE, COMMUNE, BRANCH = "tinh-ht", "xa-binh-phu", "cb-thon-1"


def test_every_public_event_names_the_organisation_it_is_about() -> None:
    for spec in CATALOG:
        if spec.public:
            assert spec.organisation_field in ("branch_id", "organisation_id"), spec.type


def test_a_public_key_carries_the_path_and_an_internal_one_does_not_get_one() -> None:
    key = "meetings.request.raised.v1"
    assert organisation_of(key, {"branch_id": BRANCH, "addressee_id": COMMUNE}) == BRANCH
    assert organisation_of("registry.organisation.renamed.v1", {"organisation_id": "x"}) == "x"
    assert organisation_of("meetings.meeting.submitted.v1", {"branch_id": BRANCH}) is None
    assert organisation_of("nothing.we.know.v1", {"branch_id": BRANCH}) is None
    keyed = with_path(key, [PROVINCE, COMMUNE, BRANCH])
    assert keyed == f"{key}.{PROVINCE}.{COMMUNE}.{BRANCH}"
    assert type_key(keyed) == key and path_of(keyed) == [PROVINCE, COMMUNE, BRANCH]
    assert path_of(key) == []


def test_a_word_that_cannot_stand_in_a_key_leaves_the_type_only() -> None:
    key = "scoring.meeting.scored.v1"
    assert with_path(key, ["tinh", "a.b"]) == key
    assert with_path(key, ["tinh", "#"]) == key
    assert with_path(key, []) == key


def test_a_path_too_long_loses_its_deepest_ids_first() -> None:
    key = "registry.organisation.registered.v1"
    ids = [f"{i}-0193a5b2-7c1d-7e2f-8a3b-4c5d6e7f8a9b"[:36] for i in range(8)]
    keyed = with_path(key, ids)
    assert len(keyed.encode()) <= MAX_KEY_BYTES
    kept = path_of(keyed)
    assert kept == ids[: len(kept)] and 4 <= len(kept) < 8


def test_bindings() -> None:
    key = "meetings.request.raised.v1"
    assert subtree_binding(key, [PROVINCE, COMMUNE]) == f"{key}.{PROVINCE}.{COMMUNE}.#"
    assert subtree_binding(key, []) == f"{key}.#"
    assert any_path(key) == f"{key}.#" and any_path("meetings.#") == "meetings.#"
