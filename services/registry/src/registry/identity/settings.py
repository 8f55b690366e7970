"""Settings of token issuance (environment prefix `REGISTRY_AUTH_`).

Issuer and audience are shared with the verifiers and live in `ServiceSettings`. In production
mode the registry refuses to start with the demo key passphrase (`RegistrySettings`).
"""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_KEY_PASSPHRASE = "chibo-dev-only-key-passphrase"


class IdentitySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_AUTH_", extra="ignore")

    access_token_seconds: int = Field(default=15 * 60, ge=60, le=3600)
    # A retired key stays published this long: at least one token lifetime, so every token it
    # signed expires before verifiers forget it.
    key_grace_seconds: int = Field(default=30 * 60, ge=60)
    # Encrypts the signing keys' private halves at rest (PKCS#8, scrypt + AES-256-CBC).
    key_passphrase: SecretStr = SecretStr(DEV_KEY_PASSPHRASE)
    # Failed sign-ins in the window, counted in the database (every replica sees the same):
    # per account (a success clears it) and per client address (`trusted_proxies` say which).
    login_max_failures: int = Field(default=5, ge=1, description="per account")
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_memory_kib: int = Field(default=19_456, ge=8_192)
    argon2_parallelism: int = Field(default=1, ge=1)
    password_min_length: int = Field(default=10, ge=8)

    @model_validator(mode="after")
    def _safe(self) -> IdentitySettings:
        if self.key_grace_seconds < self.access_token_seconds:
            raise ValueError("key_grace_seconds must be at least access_token_seconds")
        return self
