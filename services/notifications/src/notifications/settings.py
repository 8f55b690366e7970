"""Settings of the notifications service (environment prefix `NOTIFICATIONS_`)."""

from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="NOTIFICATIONS_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "notifications"
    http_port: int = 8004
