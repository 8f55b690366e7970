"""Events published by the registry."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from event_contracts.envelope import EventData


class OrganisationRegistered(EventData):
    """A node joined the organisation tree."""

    event_type: ClassVar[str] = "vn.chibo.registry.organisation.registered.v1"

    organisation_id: str
    code: str
    name: str = Field(description="Vietnamese name, NFC.")
    kind: str = Field(description="province, commune, grassroots_organisation, branch, …")
    parent_id: str | None
    valid_from: date
