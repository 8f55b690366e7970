"""Alembic environment of the notifications service."""

import notifications.agencies.models
import notifications.deliveries.models
import notifications.directory.models
import notifications.fatigue.models
import notifications.inbox.models
import notifications.reminders.models
import notifications.rules.models
import notifications.webhooks.models  # noqa: F401  (registers the tables)
import service_kit.tables  # noqa: F401
from service_kit.migrations import run_env

run_env()
