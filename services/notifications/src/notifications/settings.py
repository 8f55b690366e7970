"""Settings of the notifications service (environment prefix `NOTIFICATIONS_`)."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="NOTIFICATIONS_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "notifications"
    http_port: int = 8004

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_use_tls: bool = False
    smtp_start_tls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=15.0, gt=0)
    mail_from: str = "Thông báo chi bộ <thongbao@chibo.local>"

    webhook_timeout_seconds: float = Field(default=15.0, gt=0)
    webhook_allow_insecure: bool = Field(
        default=False,
        description="development mode of webhooks: accept http:// and private, loopback or "
        "unresolvable targets (make run and tests with local receivers); never in production",
    )
    webhook_secret_grace_seconds: int = Field(
        default=24 * 3600, ge=0, description="how long a rotated-out secret still signs"
    )

    # Operators' templates render in worker processes (templates.worker), each render bounded.
    template_render_timeout_seconds: float = Field(default=1.0, gt=0, le=60)
    template_max_output_bytes: int = Field(default=64 * 1024, ge=1024, le=1024**2)
    template_memory_bytes: int = Field(
        default=256 * 1024**2, ge=64 * 1024**2, description="address space of a template worker"
    )
    template_workers: int = Field(default=1, ge=1, le=16)

    delivery_poll_seconds: float = Field(default=0.5, gt=0)
    delivery_batch_size: int = Field(default=50, ge=1, le=1000)
    delivery_concurrency: int = Field(default=16, ge=1, le=256)
    delivery_max_attempts: int = Field(default=10, ge=1)
    delivery_backoff_base_seconds: float = Field(default=30.0, gt=0)
    delivery_backoff_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    delivery_jitter: float = Field(default=0.2, ge=0, le=1, description="share of a delay drawn")
    delivery_retry_after_max_seconds: float = Field(default=24 * 3600.0, gt=0)

    digest_local_hour: int = Field(
        default=17, ge=0, le=23, description="Vietnam-time hour from which the daily digest goes"
    )
    scheduler_poll_seconds: float = Field(
        default=60.0, gt=0, description="how often the digest and reminder jobs look"
    )
    reminder_lead_days: int = Field(
        default=2, ge=0, le=10, description="days before a meeting window or the 10th"
    )
    report_due_day: int = Field(default=10, ge=1, le=28, description="observer reports due by")

    # People's e-mail comes from the registry (roles, observers, members) when this service has
    # client credentials (NOTIFICATIONS_CLIENT_ID / NOTIFICATIONS_CLIENT_SECRET, kind "service",
    # province-scoped); without them only configured contact points are reached.
    registry_timeout_seconds: float = Field(default=10.0, gt=0)
    directory_fresh_seconds: float = Field(
        default=900.0, ge=0, description="how long a registry answer (holders, e-mail) is reused"
    )
    directory_stale_seconds: float = Field(
        default=24 * 3600.0,
        ge=0,
        description="while the registry cannot be asked, answers up to this old still serve",
    )

    rabbitmq_api_url: SecretStr = Field(
        default=SecretStr("http://guest:guest@127.0.0.1:15672/api"),
        description="management HTTP API used by provision-agency (credentials in the URL)",
    )
    # Each AMQP agency reads its own stream (ext.<name>.stream), kept by time and by size.
    agency_stream_max_age: str = Field(
        default="7D", pattern=r"^[0-9]{1,6}[YMDhms]$", description="RabbitMQ x-max-age"
    )
    agency_stream_max_length_bytes: int = Field(default=1024**3, ge=1024**2)
    agency_stream_segment_bytes: int = Field(
        default=32 * 1024**2, ge=1024**2, description="retention drops whole segments"
    )
    # The public stream (events.public.stream) the HTTP feed reads, for every agency.
    public_stream_max_age: str = Field(default="14D", pattern=r"^[0-9]{1,6}[YMDhms]$")
    public_stream_max_length_bytes: int = Field(default=4 * 1024**3, ge=1024**2)
    public_stream_segment_bytes: int = Field(default=64 * 1024**2, ge=1024**2)
    feed_scan_max: int = Field(
        default=5000, ge=100, le=100_000, description="events one feed page reads at most"
    )
    feed_first_wait_seconds: float = Field(default=1.0, gt=0, le=10)
    feed_idle_seconds: float = Field(
        default=0.25, gt=0, le=5, description="a pause this long ends a page (the stream's end)"
    )
    agency_max_connections: int = Field(default=5, ge=1, description="per agency broker user")
    agency_max_channels: int = Field(default=20, ge=1, description="per agency broker user")

    @model_validator(mode="after")
    def _no_insecure_webhooks_in_production(self) -> NotificationsSettings:
        if self.webhook_allow_insecure and self.mode == "production":
            raise ValueError(
                "webhook_allow_insecure is for development (CHIBO_MODE=development), not production"
            )
        return self

    @property
    def delivery_lease_seconds(self) -> float:
        """A claimed delivery is not claimed again before its send has surely ended."""
        return 2 * max(self.smtp_timeout_seconds, self.webhook_timeout_seconds) + 5
