"""Alembic environment of the meetings service."""

import meetings.meetings.models  # noqa: F401  (registers the tables)
import service_kit.tables  # noqa: F401
from service_kit.migrations import run_env

run_env()
