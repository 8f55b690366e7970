"""The classification dry run: the year's proposals for a subtree under the rule set in force on
`as_of`, next to what is stored. The same facts, exclusions and quota as a proposal run over the
organisation (`classification.service.proposals_for`), read in one session, nothing written."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from scoring.classification import rules, service
from scoring.classification.models import Classification
from scoring.classification.rules import Proposal
from scoring.classification.table import year_end
from scoring.dryrun.schemas import (
    ClassificationDryOut,
    ClassificationDryRunOut,
    ClassificationNowOut,
    ClassificationSubjectOut,
    LevelCountsOut,
    RuleSetOut,
)
from scoring.policy import ClassificationRules
from scoring.subtree import tree_on

LISTED = ("branch", "organisation")


def rule_set_out(r: ClassificationRules) -> RuleSetOut:
    return RuleSetOut(id=r.id, version=r.version, name=r.name, effective_on=r.effective_on)


def _level(row: Classification) -> str | None:
    return row.decided_level or row.proposed_level


def _counts(
    proposals: Sequence[Proposal], stored: dict[str, Classification], year: int
) -> LevelCountsOut:
    current = {level: 0 for level in rules.LEVELS} | {"excluded": 0, "not_proposed": 0}
    for p in proposals:
        row = stored.get(service.classification_id(year, p.subject_type, p.subject_id))
        key = "not_proposed" if row is None else (_level(row) or "excluded")
        current[key] += 1
    return LevelCountsOut(current=current, dry_run=rules.distribution(proposals))


async def classification_dry_run(
    session: AsyncSession,
    rule_set: ClassificationRules,
    year_rules: ClassificationRules | None,
    organisation_id: str,
    year: int,
    as_of: date,
) -> ClassificationDryRunOut:
    tree = await tree_on(session, year_end(year))
    scope = service.Scope(
        year,
        await service.subtree_branches(session, organisation_id, year),
        groups={},
        exclusions={},
        tree=tree,
    )
    proposals = await service.proposals_for(session, rule_set, scope)
    ids = [service.classification_id(year, p.subject_type, p.subject_id) for p in proposals]
    stored = await service.stored_rows(session, ids)
    subjects = []
    for cid, p in zip(ids, proposals, strict=True):
        if p.subject_type not in LISTED:
            continue
        row = stored.get(cid)
        subjects.append(
            ClassificationSubjectOut(
                subject_type=p.subject_type,
                subject_id=p.subject_id,
                name=tree.name.get(p.subject_id, p.subject_id),
                current=None
                if row is None
                else ClassificationNowOut(
                    level=_level(row),
                    proposed_level=row.proposed_level,
                    decided_level=row.decided_level,
                    points=row.points,
                    excluded_reason=row.excluded_reason,
                    policy=row.basis.get("policy"),
                ),
                dry_run=ClassificationDryOut(
                    level=p.level,
                    points=p.points,
                    reason=p.reason,
                    excluded_reason=p.excluded_reason,
                    capped_by_quota=p.capped_by_quota,
                ),
                action=service.run_action(row, p),
                level_changes=(None if row is None else _level(row)) != p.level,
            )
        )
    subjects.sort(key=lambda s: (LISTED.index(s.subject_type), s.subject_id))

    def of(kind: str) -> LevelCountsOut:
        return _counts([p for p in proposals if p.subject_type == kind], stored, year)

    return ClassificationDryRunOut(
        organisation_id=organisation_id,
        year=year,
        as_of=as_of,
        rules=rule_set_out(rule_set),
        year_rules=rule_set_out(year_rules) if year_rules else None,
        branches=of("branch"),
        organisations=of("organisation"),
        members=of("member"),
        subjects=subjects,
    )
