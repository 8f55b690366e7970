"""Settings of the scoring service (environment prefix `SCORING_`)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCORING_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "scoring"
    http_port: int = 8003
    rubrics_dir: Path | None = Field(
        default=None, description="Folder of rubric YAML files; the shipped `rubrics/` if unset."
    )
    rubric_id: str | None = Field(
        default=None,
        description="Score every meeting with this rubric (its version in force on the meeting "
        "date) instead of choosing by province.",
    )
    policy_file: Path | None = Field(
        default=None,
        description="Compliance thresholds (YAML); the shipped `policies/default.yaml` if unset.",
    )
    classification_dir: Path | None = Field(
        default=None,
        description="Folder of the dated annual classification rule sets (YAML, one per file, "
        "chosen by the year reviewed); the shipped `policies/classification/` if unset.",
    )
    rescoring_batch_size: int = Field(
        default=200,
        ge=1,
        description="Meetings a re-scoring job takes per transaction (its progress is committed "
        "with each batch).",
    )
