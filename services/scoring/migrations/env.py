"""Alembic environment of the scoring service."""

import scoring.meeting_scores.models  # noqa: F401  (registers the tables)
import service_kit.tables  # noqa: F401
from service_kit.migrations import run_env

run_env()
