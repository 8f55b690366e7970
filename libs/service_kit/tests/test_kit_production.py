"""Production mode (the default): `serve` refuses to start on the broker's guest user, a default
password, a fake clock or a plain-HTTP JWKS from another machine, naming each variable; the
development mode of `make run` and the tests allows them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from service_kit.cli import ServiceCli
from service_kit.production import url_refusal
from service_kit.settings import ServiceSettings

SAFE_AMQP = "amqp://kit:Mat-khau-rieng-2026@rabbitmq:5672/"


class KitSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KIT_", extra="ignore")

    service_name: str = "kit"
    smtp_password: SecretStr | None = None


def variables(settings: ServiceSettings) -> list[str]:
    return [r.variable for r in settings.production_refusals()]


def test_production_is_the_default_and_refuses_the_guest_broker_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CHIBO_MODE", raising=False)
    assert KitSettings().mode == "production"
    assert variables(KitSettings()) == ["KIT_AMQP_URL (hoặc CHIBO_AMQP_URL)"]
    monkeypatch.setenv("CHIBO_MODE", "development")
    assert KitSettings().mode == "development"
    assert variables(KitSettings(amqp_url=SAFE_AMQP)) == []


def test_default_passwords_in_urls_and_secrets_are_refused() -> None:
    settings = KitSettings(
        amqp_url="amqp://chibo:replace-me@lb:5672/",
        database_url="postgresql://postgres:postgres@db:5432/kit",
        smtp_password="Guest",
    )
    found = {r.variable: r.reason for r in settings.production_refusals()}
    assert set(found) == {
        "KIT_AMQP_URL (hoặc CHIBO_AMQP_URL)",
        "KIT_DATABASE_URL",
        "KIT_SMTP_PASSWORD",
    }
    assert "'replace-me'" in found["KIT_AMQP_URL (hoặc CHIBO_AMQP_URL)"]
    assert url_refusal("X", "http://guest:S3cret-long@rabbit:15672/api") is not None  # the user
    assert url_refusal("X", "postgresql://app:S3cret-long@db/kit") is None


def test_a_plain_http_jwks_must_be_on_this_machine_or_vouched_for(tmp_path: Path) -> None:
    def jwks(**options: object) -> list[str]:
        return variables(KitSettings(amqp_url=SAFE_AMQP, **options))

    assert jwks(registry_url="http://127.0.0.1:8001") == []
    assert jwks(registry_url="http://localhost:8001") == []
    assert jwks(registry_url="https://registry.tinh.vn") == []
    assert jwks(registry_url="http://registry:8000") == [
        "KIT_REGISTRY_URL (hoặc CHIBO_REGISTRY_URL)"
    ]
    assert jwks(jwks_url="http://10.1.2.3/.well-known/jwks.json") == ["KIT_JWKS_URL"]
    assert jwks(registry_url="http://registry:8000", jwks_allow_plain_http=True) == []
    assert jwks(clock_offset_file=tmp_path / "offset") == ["KIT_CLOCK_OFFSET_FILE"]


def test_serve_refuses_to_start_and_names_the_setting(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def app(_: ServiceSettings) -> FastAPI:
        raise AssertionError("never built: refused before")

    def settings() -> KitSettings:
        return KitSettings(mode="production", database_url=f"sqlite:///{tmp_path}/kit.db")

    assert ServiceCli(settings, app, tmp_path).main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "kit không khởi động ở chế độ production" in err
    assert "KIT_AMQP_URL (hoặc CHIBO_AMQP_URL): dùng tài khoản guest của RabbitMQ" in err
    assert "CHIBO_MODE=development" in err


def test_a_setting_the_service_never_reads_is_not_held_against_it() -> None:
    class NoBroker(KitSettings):
        unused_settings = frozenset({"amqp_url"})

    assert variables(NoBroker()) == []
