"""What notifications' handlers, jobs and routes share: the directory that routes people to
addresses, the registry client (None without client credentials), the resolver webhook names
are checked with, the pool that renders operators' templates, and typed settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, cast

from fastapi import Depends

from notifications.directory.service import CONFIGURED, Directory
from notifications.settings import NotificationsSettings
from notifications.templates.worker import TemplateRenderer
from notifications.webhooks.targets import Resolver, system_resolver
from org_tree.registry_client import RegistryClient
from service_kit.context import ServiceContext
from service_kit.web.app import get_context


@dataclass(eq=False)
class NotificationsContext(ServiceContext):
    directory: Directory = field(default=CONFIGURED)
    registry: RegistryClient | None = None
    resolver: Resolver = system_resolver
    renderer: TemplateRenderer = field(init=False)
    digest_metrics_at: float = float("-inf")  # monotonic time of the last weekly-metric refresh

    def __post_init__(self) -> None:
        settings = self.notifications_settings
        self.renderer = TemplateRenderer(
            timeout_seconds=settings.template_render_timeout_seconds,
            max_output_bytes=settings.template_max_output_bytes,
            memory_bytes=settings.template_memory_bytes,
            workers=settings.template_workers,
        )

    @property
    def notifications_settings(self) -> NotificationsSettings:
        return cast(NotificationsSettings, self.runtime.settings)


Ctx = Annotated[NotificationsContext, Depends(get_context)]
