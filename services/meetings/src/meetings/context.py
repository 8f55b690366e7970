"""What meetings' handlers, sweepers and routes share: the request rules (escalation policies
and the working calendar) loaded once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends

from meetings.requests.service import RequestRules
from service_kit.context import ServiceContext
from service_kit.web.app import get_context


@dataclass(eq=False)
class MeetingsContext(ServiceContext):
    request_rules: RequestRules = field(default_factory=RequestRules)


Ctx = Annotated[MeetingsContext, Depends(get_context)]
