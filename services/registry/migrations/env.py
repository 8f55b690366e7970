"""Alembic environment of the registry service."""

import registry.organisations.models  # noqa: F401  (registers the tables)
import service_kit.tables  # noqa: F401
from service_kit.migrations import run_env

run_env()
