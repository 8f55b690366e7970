"""Settings of the portal (environment prefix `PORTAL_`): where the four APIs are, cookies."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings


class PortalSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="PORTAL_", env_nested_delimiter="__", extra="ignore"
    )

    unused_settings: ClassVar[frozenset[str]] = frozenset({"amqp_url"})  # no broker

    service_name: str = "portal"
    http_port: int = 8005
    # registry_url comes from ServiceSettings (CHIBO_REGISTRY_URL is the shared fallback).
    meetings_url: str = "http://127.0.0.1:8002"
    scoring_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8004"
    api_timeout_seconds: float = Field(default=15.0, gt=0)
    # Secure cookies need HTTPS; loopback development is plain HTTP, production is not.
    cookie_secure: bool = False
    session_cookie: str = "chibo_phien"
    # The largest spreadsheet an administrator may upload (the registry's import cap; the form
    # around it is allowed 64 KiB more).
    import_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # A parked form (posted after the session ended) waits this long for the person to sign in.
    parked_form_seconds: int = Field(default=3600, ge=60)
    # Names of organisations change rarely; a short cache saves a call per row.
    name_cache_seconds: float = Field(default=300.0, ge=0)

    @model_validator(mode="after")
    def _secure_in_production(self) -> PortalSettings:
        if self.mode == "production" and not self.cookie_secure:
            raise ValueError("set PORTAL_COOKIE_SECURE=true in production (HTTPS only)")
        return self
