"""Settings of the registry service (environment prefix `REGISTRY_`)."""

from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="REGISTRY_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "registry"
    http_port: int = 8001
