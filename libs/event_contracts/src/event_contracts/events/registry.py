"""Events published by the registry: ids and dated facts, never personal data."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from event_contracts.envelope import EventData
from event_contracts.vocabulary import BranchKind, MemberStatus, OrganisationKind

MoveReason = Literal["move", "merge", "split", "dissolve"]


class OrganisationRegistered(EventData):
    """A node joined the organisation tree."""

    event_type: ClassVar[str] = "vn.chibo.registry.organisation.registered.v1"

    organisation_id: str
    code: str
    name: str = Field(description="Vietnamese name, NFC.")
    kind: OrganisationKind
    parent_id: str | None
    valid_from: date
    branch_kind: BranchKind | None = Field(
        default=None, description="what a branch gathers (branches only)"
    )
    meeting_day_from: int | None = Field(
        default=None, description="first day of the month of the scheduled meeting window"
    )
    meeting_day_to: int | None = Field(
        default=None, description="last day of the month of the scheduled meeting window"
    )


class OrganisationRenamed(EventData):
    """A node carries a new name from `on`; the old name stays valid before it."""

    event_type: ClassVar[str] = "vn.chibo.registry.organisation.renamed.v1"

    organisation_id: str
    name: str = Field(description="Vietnamese name, NFC.")
    on: date


class OrganisationMoved(EventData):
    """From `on`, the node hangs under `parent_id`; before `on` it stays under the old parent."""

    event_type: ClassVar[str] = "vn.chibo.registry.organisation.moved.v1"

    organisation_id: str
    from_parent_id: str | None
    parent_id: str
    on: date
    reason: MoveReason = Field(description="the operation that moved it")


class OrganisationMerged(EventData):
    """The node ceased on `on`, merged into `into_id`; its children moved there (see moved)."""

    event_type: ClassVar[str] = "vn.chibo.registry.organisation.merged.v1"

    organisation_id: str
    into_id: str
    on: date


class OrganisationSplit(EventData):
    """The node ceased on `on`, split into `into_ids`; its children moved to the parts."""

    event_type: ClassVar[str] = "vn.chibo.registry.organisation.split.v1"

    organisation_id: str
    into_ids: list[str]
    on: date


class OrganisationDissolved(EventData):
    """The node ceased on `on`; its children moved to `children_moved_to_id`."""

    event_type: ClassVar[str] = "vn.chibo.registry.organisation.dissolved.v1"

    organisation_id: str
    on: date
    children_moved_to_id: str | None


class OrganisationGoLiveSet(EventData):
    """The organisation's own go-live date: the day from which the system judges its periods
    (missed meetings, compliance, roll-ups, classification). Inherited by its subtree unless a
    node below has its own. `go_live_on` null: the own date was removed (it inherits again)."""

    event_type: ClassVar[str] = "vn.chibo.registry.organisation.go_live_set.v1"

    organisation_id: str
    go_live_on: date | None = Field(
        description="first day in use; null: no own date (the nearest ancestor's applies)"
    )


class MemberAdmitted(EventData):
    """A member is on the roll of `branch_id` from `on` (a new admission or a first record)."""

    event_type: ClassVar[str] = "vn.chibo.registry.member.admitted.v1"

    member_id: str
    branch_id: str
    residence_branch_id: str | None = None
    status: MemberStatus
    admitted_on: date
    full_member_on: date | None = None
    on: date


class MemberStatusChanged(EventData):
    """The member's status is `status` from `on`."""

    event_type: ClassVar[str] = "vn.chibo.registry.member.status_changed.v1"

    member_id: str
    branch_id: str | None = Field(description="home branch on `on`")
    from_status: MemberStatus
    status: MemberStatus
    on: date
    attached_branch_id: str | None = Field(
        default=None, description="host branch while temporarily attached"
    )


class MemberTransferred(EventData):
    """From `on` the member's home branch is `branch_id`."""

    event_type: ClassVar[str] = "vn.chibo.registry.member.transferred.v1"

    member_id: str
    from_branch_id: str
    branch_id: str
    on: date
    reason: MoveReason | Literal["transfer"] = "transfer"


class RoleAssigned(EventData):
    """A member holds a role in an organisation for a period (`valid_to` exclusive)."""

    event_type: ClassVar[str] = "vn.chibo.registry.role.assigned.v1"

    role_assignment_id: str
    member_id: str
    organisation_id: str
    role: str = Field(description="secretary, deputy_secretary, branch_committee_member, …")
    valid_from: date
    valid_to: date | None = None


class RoleEnded(EventData):
    """The role ends on `on` (the holder no longer holds it that day)."""

    event_type: ClassVar[str] = "vn.chibo.registry.role.ended.v1"

    role_assignment_id: str
    member_id: str
    organisation_id: str
    role: str
    on: date


class ObserverAssigned(EventData):
    """An upper-level committee member follows and attends a branch for a period."""

    event_type: ClassVar[str] = "vn.chibo.registry.observer.assigned.v1"

    observer_assignment_id: str
    member_id: str
    branch_id: str
    valid_from: date
    valid_to: date | None = None


class ObserverEnded(EventData):
    """The observer assignment ends on `on`."""

    event_type: ClassVar[str] = "vn.chibo.registry.observer.ended.v1"

    observer_assignment_id: str
    member_id: str
    branch_id: str
    on: date


class RotationClusterFormed(EventData):
    """3–4 branches attend each other's meetings for a period."""

    event_type: ClassVar[str] = "vn.chibo.registry.rotation_cluster.formed.v1"

    rotation_cluster_id: str
    code: str
    branch_ids: list[str]
    valid_from: date
    valid_to: date | None = None
