"""What scoring's handlers, sweepers and routes share: the rubric book, the compliance policy and
the dated classification rules loaded at start-up, and the re-scoring runner's wake-up."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, cast

from fastapi import Depends

from scoring.policy import (
    CLASSIFICATION_DIR,
    POLICY_FILE,
    ClassificationBook,
    Policy,
    load_classification,
    load_policy,
)
from scoring.rubrics.active import ActiveRubrics
from scoring.rubrics.book import RUBRICS_DIR, load_book
from scoring.settings import ScoringSettings
from service_kit.context import ContextFactory, ServiceContext
from service_kit.runtime import ServiceRuntime
from service_kit.web.app import get_context


@dataclass(eq=False)
class ScoringContext(ServiceContext):
    rubrics: ActiveRubrics
    policy: Policy
    classification: ClassificationBook
    rescoring_wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def scoring_settings(self) -> ScoringSettings:
        return cast(ScoringSettings, self.runtime.settings)


def scoring_context(settings: ScoringSettings) -> ContextFactory:
    """Loads and validates the rubrics and the policy now: a file that does not validate stops
    the start-up, naming the file and the path."""
    book = load_book(settings.rubrics_dir or RUBRICS_DIR)
    rubrics = ActiveRubrics.of(book, settings.rubric_id)
    policy = load_policy(settings.policy_file or POLICY_FILE)
    classification = load_classification(settings.classification_dir or CLASSIFICATION_DIR)

    def build(runtime: ServiceRuntime) -> ScoringContext:
        return ScoringContext(
            runtime, rubrics=rubrics, policy=policy, classification=classification
        )

    return build


Ctx = Annotated[ScoringContext, Depends(get_context)]
