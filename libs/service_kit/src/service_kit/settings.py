"""Settings every service needs, read from the environment with a per-service prefix.

`MEETINGS_DATABASE_URL` configures the meetings service; `CHIBO_AMQP_URL` is the shared fallback
for the broker so one variable points all four services at the same RabbitMQ (likewise
`CHIBO_REGISTRY_URL`, `CHIBO_MODE`, `CHIBO_TRUSTED_PROXIES`, `CHIBO_JWKS_ALLOW_PLAIN_HTTP`).

`mode` is `production` unless set: a production process refuses to start on a default secret
(`service_kit.production`); `make run` and the tests say `CHIBO_MODE=development`.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from service_kit import production
from service_kit.production import Refusal

DATA_DIR = Path(os.environ.get("CHIBO_DATA_DIR", ".data"))
MiB = 1024 * 1024
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Setting → the shared variable read when the service's own (`MEETINGS_AMQP_URL`) is unset.
SHARED = {
    "amqp_url": "CHIBO_AMQP_URL",
    "registry_url": "CHIBO_REGISTRY_URL",
    "mode": "CHIBO_MODE",
    "trusted_proxies": "CHIBO_TRUSTED_PROXIES",
    "jwks_allow_plain_http": "CHIBO_JWKS_ALLOW_PLAIN_HTTP",
}


def audience_of(service: str) -> str:
    return f"chibo:{service}"


class ServiceSettings(BaseSettings):
    """Subclass per service with `model_config = SettingsConfigDict(env_prefix="MEETINGS_")`."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")
    # Verifies tokens with keys fetched from the registry's JWKS (the registry reads its own).
    fetches_jwks: ClassVar[bool] = True
    shared_variables: ClassVar[Mapping[str, str]] = SHARED
    # Settings this service never reads (the portal has no broker): not checked in production.
    unused_settings: ClassVar[frozenset[str]] = frozenset()

    service_name: str = "service"
    mode: Literal["production", "development"] = Field(
        default="production",
        description="production refuses default secrets at start-up; development (make run, "
        "tests) allows them, plain-HTTP and loopback targets",
    )
    environment: str = Field(default="development", description="a label in every log line")
    version: str = "0.1.0"
    log_level: str = "INFO"
    log_format: str = Field(default="json", pattern="^(json|text)$")

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    http_workers: int = Field(
        default=1,
        ge=1,
        le=16,
        description="HTTP worker processes on the one port (service_kit.serving); more than one "
        "needs PostgreSQL: SQLite has one writer per file",
    )
    public_url: str | None = None
    # Bodies past this are refused before they are read (413); a service may allow more on
    # some paths (the registry's imports: `create_app(body_limits=…)`).
    max_body_bytes: int = Field(default=1 * MiB, ge=1024)
    # Peers whose X-Forwarded-For is believed (the load balancer, the TLS proxy): CIDRs, as a
    # JSON list or comma-separated. None by default: the TCP peer is the client.
    trusted_proxies: Annotated[list[Network], NoDecode] = Field(default_factory=list)

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
    outbox_place_attempts: int = Field(
        default=7,
        ge=0,
        le=20,
        description="relay attempts a public event about an organisation not yet in this "
        "service's tree waits for it (backoff 1, 2, 4 … s) before leaving with its own id as "
        "the path; 0: never wait",
    )
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
    jwks_allow_plain_http: bool = Field(
        default=False,
        description="production: accept a plain-HTTP JWKS on a private network the operator "
        "controls (a cluster-internal name behind a network policy); loopback needs no leave",
    )
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
        if isinstance(values, dict):
            for name, variable in SHARED.items():
                shared = os.environ.get(variable)
                if not values.get(name) and shared:
                    values[name] = shared
        return values

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> Any:
        """`10.0.0.0/8, 192.168.1.5` or a JSON list; a bare address is a /32 (/128)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

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

    def production_refusals(self) -> list[Refusal]:
        """What keeps this service from starting in production mode (`service_kit.production`);
        a service adds the checks of its own settings."""
        return production.refusals(self)

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
