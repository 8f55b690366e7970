"""Alembic environment of the portal (sessions and parked forms only: no domain data)."""

import portal.sessions.models  # noqa: F401  (registers the tables)
from service_kit.migrations import run_env

run_env()
