"""Settings of the registry service (environment prefix `REGISTRY_`)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from service_kit.production import Refusal, secret_refusals, variable
from service_kit.settings import MiB, ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="REGISTRY_", env_nested_delimiter="__", extra="ignore"
    )
    fetches_jwks: ClassVar[bool] = False  # it checks tokens against its own key table

    service_name: str = "registry"
    http_port: int = 8001
    # A spreadsheet sent to `POST /v1/imports/…` (the request body limit of that path too);
    # a larger list goes through `python -m registry import`, or in parts.
    import_max_bytes: int = Field(default=10 * MiB, ge=1024)
    import_max_rows: int = Field(default=50_000, ge=1)
    import_max_columns: int = Field(default=50, ge=10)
    # An XLSX is a zip: what it may unpack to (its sheet, shared strings…), checked from the
    # zip's directory before any of it is read.
    import_max_unpacked_bytes: int = Field(default=64 * MiB, ge=1024)
    # The rotation clusters' rule files (`policies/clusters` when unset).
    cluster_rules_dir: Path | None = None

    def production_refusals(self) -> list[Refusal]:
        from registry.identity.settings import DEV_KEY_PASSPHRASE, IdentitySettings

        identity = IdentitySettings()
        found = [*super().production_refusals(), *secret_refusals(identity)]
        if identity.key_passphrase.get_secret_value() == DEV_KEY_PASSPHRASE:
            found.append(
                Refusal(
                    variable(identity, "key_passphrase"),
                    "là passphrase mẫu của bản demo; hãy đặt bí mật riêng",
                )
            )
        return found
