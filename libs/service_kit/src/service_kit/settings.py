"""Settings every service needs, read from the environment with a per-service prefix.

`MEETINGS_DATABASE_URL` configures the meetings service; `CHIBO_AMQP_URL` is the shared fallback
for the broker so one variable points all four services at the same RabbitMQ.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path(os.environ.get("CHIBO_DATA_DIR", ".data"))


def audience_of(service: str) -> str:
    return f"chibo:{service}"


class ServiceSettings(BaseSettings):
    """Subclass per service with `model_config = SettingsConfigDict(env_prefix="MEETINGS_")`."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    service_name: str = "service"
    environment: str = "development"
    version: str = "0.1.0"
    log_level: str = "INFO"
    log_format: str = Field(default="json", pattern="^(json|text)$")

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    public_url: str | None = None

    database_url: str = ""
    amqp_url: SecretStr = SecretStr("amqp://guest:guest@127.0.0.1:5672/")
    migrate_on_start: bool = True

    prefetch: int = Field(default=32, ge=1, le=1000)
    consumer_concurrency: int = Field(default=0, ge=0, description="0: 1 on SQLite, 8 otherwise")
    retry_delays_seconds: list[float] = Field(default_factory=lambda: [1.0, 5.0, 30.0, 120.0])
    max_attempts: int = Field(default=6, ge=1, description="deliveries before a message is DLQ'd")
    consumer_batch_size: int = Field(
        default=32, ge=1, le=500, description="deliveries handled in one transaction at most"
    )
    delivery_limit: int = Field(default=20, ge=1, description="broker safety net for crash loops")

    outbox_batch_size: int = Field(default=500, ge=1)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    outbox_max_backoff_seconds: float = Field(default=60.0, gt=0)
    publish_timeout_seconds: float = Field(default=10.0, gt=0)
    broker_reconnect_seconds: float = Field(default=2.0, gt=0)

    idempotency_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    date_horizon_days: int = Field(
        default=366,
        ge=0,
        le=3660,
        description="how far after today a date a client sends may lie (service_kit.web.dates)",
    )
    sweep_interval_seconds: float = Field(default=30.0, gt=0)
    clock_offset_file: Path | None = Field(
        default=None, description="tests and demos only: a file holding a clock offset in seconds"
    )

    # Access tokens (issued by the registry, verified locally by every service: service_kit.auth).
    registry_url: str = Field(
        default="http://127.0.0.1:8001", description="shared fallback: CHIBO_REGISTRY_URL"
    )
    jwks_url: str | None = Field(default=None, description="default: <registry_url>/.well-known/…")
    auth_issuer: str = "chibo-registry"
    auth_audience: str | None = Field(
        default=None, description="the audience tokens must name for this service; chibo:<name>"
    )
    auth_leeway_seconds: float = Field(default=30.0, ge=0, le=300)
    jwks_cache_seconds: float = Field(default=300.0, gt=0)
    jwks_min_refresh_seconds: float = Field(default=10.0, ge=0)
    # This service's own client credentials (registry `POST /v1/clients`, kind "service"): used
    # to call the registry, e.g. to backfill the organisation replica.
    client_id: str | None = None
    client_secret: SecretStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _shared_fallbacks(cls, values: Any) -> Any:
        if isinstance(values, dict) and not values.get("amqp_url"):
            shared = os.environ.get("CHIBO_AMQP_URL")
            if shared:
                values["amqp_url"] = shared
        return values

    @model_validator(mode="before")
    @classmethod
    def _shared_registry_url(cls, values: Any) -> Any:
        if isinstance(values, dict) and not values.get("registry_url"):
            shared = os.environ.get("CHIBO_REGISTRY_URL")
            if shared:
                values["registry_url"] = shared
        return values

    @model_validator(mode="after")
    def _no_fake_clock_in_production(self) -> ServiceSettings:
        if self.clock_offset_file is not None and self.environment == "production":
            raise ValueError("clock_offset_file is for tests and demos, not production")
        return self

    @model_validator(mode="after")
    def _default_database(self) -> ServiceSettings:
        if not self.database_url:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            self.database_url = f"sqlite+aiosqlite:///{DATA_DIR.resolve()}/{self.service_name}.db"
        return self

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        """Accept the plain forms operators type and use the async drivers we ship."""
        for plain, driver in (
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
            ("sqlite:///", "sqlite+aiosqlite:///"),
        ):
            if url.startswith(plain):
                return driver + url.removeprefix(plain)
        return url

    @property
    def source(self) -> str:
        """CloudEvents `source` of everything this service publishes."""
        return f"/services/{self.service_name}"

    @property
    def effective_jwks_url(self) -> str:
        return self.jwks_url or f"{self.registry_url.rstrip('/')}/.well-known/jwks.json"

    @property
    def effective_revocations_url(self) -> str:
        base = self.effective_jwks_url.removesuffix("/jwks.json")
        return f"{base}/chibo-revocations.json"

    @property
    def effective_audience(self) -> str:
        """A token for another service is refused here (each names the services it is for)."""
        return self.auth_audience or audience_of(self.service_name)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def effective_concurrency(self) -> int:
        if self.consumer_concurrency:
            return self.consumer_concurrency
        return 1 if self.is_sqlite else 8
