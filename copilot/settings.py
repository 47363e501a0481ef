"""The one typed settings object, read from the environment (prefix ``COPILOT_``) and ``.env``.

Build it once at the edge (CLI command, app factory) with :func:`get_settings` or ``Settings()`` and
pass it in; nothing else in the code base reads ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge_base.config import RetrievalConfig

ProviderName = Literal["auto", "openai", "vertex", "local", "extractive", "fake"]


class Settings(BaseSettings):
    """Every knob of the service. Field ``foo`` is read from ``COPILOT_FOO``."""

    model_config = SettingsConfigDict(
        env_prefix="COPILOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default=Path(".copilot"), description="Index, store and caches live here.")

    # Retrieval
    qdrant_url: str | None = Field(default=None, description="Qdrant server; unset means local mode on disk.")
    qdrant_api_key: SecretStr | None = None
    collection: str = "kb"
    embedding_model: str = "all-MiniLM-L6-v2"
    embedding_batch_size: int = Field(default=32, ge=1, le=1024)
    chunk_tokens: int = Field(default=200, ge=32, le=512)
    chunk_overlap: int = Field(default=32, ge=0, le=128)
    search_candidates: int = Field(default=60, ge=5, le=1000)

    # LLM providers
    llm_provider: ProviderName = "auto"
    llm_model: str | None = None
    llm_fallbacks: list[ProviderName] = Field(default_factory=list)
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("COPILOT_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = None
    vertex_project: str | None = Field(
        default=None,
        validation_alias=AliasChoices("COPILOT_VERTEX_PROJECT", "GOOGLE_CLOUD_PROJECT"),
    )
    vertex_location: str = Field(
        default="europe-west2",
        validation_alias=AliasChoices("COPILOT_VERTEX_LOCATION", "GOOGLE_CLOUD_LOCATION"),
    )
    vertex_base_url: str | None = None
    local_model_path: Path | None = None

    def retrieval_config(self) -> RetrievalConfig:
        """The retrieval layer's own view of these settings."""
        return RetrievalConfig(
            data_dir=self.data_dir,
            qdrant_url=self.qdrant_url,
            qdrant_api_key=self.qdrant_api_key.get_secret_value() if self.qdrant_api_key else None,
            collection=self.collection,
            embedding_model=self.embedding_model,
            embedding_batch_size=self.embedding_batch_size,
            chunk_tokens=self.chunk_tokens,
            chunk_overlap=self.chunk_overlap,
            search_candidates=self.search_candidates,
        )


def get_settings(**overrides: object) -> Settings:
    """Read the settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
