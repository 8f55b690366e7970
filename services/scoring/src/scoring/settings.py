"""Settings of the scoring service (environment prefix `SCORING_`)."""

from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCORING_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "scoring"
    http_port: int = 8003
