"""Alembic environment of the registry service."""

# Importing the models registers their tables with the metadata Alembic compares.
import registry.audit.models
import registry.clusters.models
import registry.golive.models
import registry.households.models
import registry.identity.models
import registry.members.models
import registry.organisations.models
import registry.roles.models  # noqa: F401
import service_kit.tables  # noqa: F401
from service_kit.migrations import run_env

run_env()
