"""How many branches a rotation cluster has, as dated rule data (`policies/clusters/*.yaml`): a
national default and a province's own sets, each from its `effective_from`
(`service_kit.rulesets`); loaded when the app is built."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TypeAlias

from pydantic import Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.vocabulary import OrganisationKind
from registry.organisations.queries import ancestors
from service_kit.rulesets import RuleBook, RuleSet, load_rule_book

CLUSTER_RULES_DIR = Path(__file__).resolve().parents[3] / "policies" / "clusters"


class ClusterRules(RuleSet):
    min_branches: int = Field(ge=2, le=10)
    max_branches: int = Field(ge=2, le=10, description="at most 10: a cluster's body carries 10")

    @model_validator(mode="after")
    def _ordered(self) -> ClusterRules:
        if self.min_branches > self.max_branches:
            raise ValueError("min_branches không được lớn hơn max_branches")
        return self


ClusterRuleBook: TypeAlias = RuleBook[ClusterRules]


def load_cluster_rules(directory: Path = CLUSTER_RULES_DIR) -> ClusterRuleBook:
    return load_rule_book(directory, ClusterRules)


async def rules_of_branch(
    session: AsyncSession, book: ClusterRuleBook, branch_id: str | None, on: date
) -> ClusterRules:
    """The set in force on `on` for the branch's province that day (the province is asked only
    when some province has sets of its own; no branch: the national set)."""
    province = None
    if book.provinces and branch_id is not None:
        chain = await ancestors(session, branch_id, on)
        province = next((r.code for r in chain if r.kind == OrganisationKind.PROVINCE), None)
    return book.in_force(on, province)
