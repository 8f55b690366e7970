"""Settings of the meetings service (environment prefix `MEETINGS_`)."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings


class MeetingsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="MEETINGS_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "meetings"
    http_port: int = 8002
    meeting_rules_dir: Path | None = None
    """The meeting calendar's rule files (`policies/meetings` when unset)."""
