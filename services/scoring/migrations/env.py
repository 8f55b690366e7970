"""Alembic environment of the scoring service."""

# The models modules register their tables with the metadata.
import scoring.classification.models
import scoring.compliance.models
import scoring.formality.models
import scoring.meeting_scores.models
import scoring.rankings.models
import scoring.rescoring.models  # noqa: F401
import service_kit.tables  # noqa: F401
from service_kit.migrations import run_env

run_env()
