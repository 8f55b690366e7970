"""What meetings' handlers, sweepers and routes share: the request rules (escalation policies
and the working calendar) and the meeting calendar's dated rule sets, loaded once when the app is
built — a rule file that does not validate stops the start-up, naming the file and the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends

from meetings.policy import MEETING_RULES_DIR, MeetingRuleBook, load_meeting_rules
from meetings.requests.service import RequestRules
from service_kit.context import ContextFactory, ServiceContext
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import get_context


@dataclass(eq=False)
class MeetingsContext(ServiceContext):
    meeting_rules: MeetingRuleBook
    request_rules: RequestRules = field(default_factory=RequestRules)


def meetings_context(settings: ServiceSettings) -> ContextFactory:
    """Loads and validates the rule files now, before anything starts."""
    meeting_rules = load_meeting_rules(
        getattr(settings, "meeting_rules_dir", None) or MEETING_RULES_DIR
    )

    def build(runtime: ServiceRuntime) -> MeetingsContext:
        return MeetingsContext(runtime, meeting_rules=meeting_rules)

    return build


Ctx = Annotated[MeetingsContext, Depends(get_context)]
