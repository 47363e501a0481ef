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
    qdrant_url: str | None = Field(default=None, description="Qdrant server; unset means the embedded engine on disk.")
    qdrant_engine: Literal["edge", "local"] = Field(
        default="edge",
        description="Embedded engine without a server: Qdrant Edge (in-process Rust) or qdrant-client local mode.",
    )
    qdrant_api_key: SecretStr | None = None
    collection: str = "kb"
    embedding_model: str = "all-MiniLM-L6-v2"
    embedding_batch_size: int = Field(default=32, ge=1, le=1024)
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="ONNX Runtime (the model exported once into model_cache_dir) or PyTorch; the same vectors.",
    )
    model_cache_dir: Path | None = Field(
        default=None, description="Derived model files (the ONNX export); unset means ~/.cache/support-copilot/models."
    )
    chunk_tokens: int = Field(default=200, ge=32, le=512)
    chunk_overlap: int = Field(default=32, ge=0, le=128)
    search_candidates: int = Field(default=40, ge=5, le=1000)

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

    # --- LLM gateway policy ---
    # Read by copilot.llm.policy.GatewayPolicy.from_settings and copilot.llm.registry.
    llm_call_timeout_s: float = Field(default=20.0, gt=0, le=600, description="Timeout of one provider call.")
    llm_request_deadline_s: float = Field(
        default=45.0, gt=0, le=1800, description="Budget of one gateway request, retries and fallbacks included."
    )
    llm_max_retries: int = Field(default=1, ge=0, le=3, description="Our retries per provider (SDK retries are off).")
    llm_retry_backoff_s: float = Field(default=0.2, ge=0, le=30, description="Base of the jittered retry backoff.")
    llm_breaker_failure_threshold: int = Field(default=5, ge=1, le=1000)
    llm_breaker_reset_s: float = Field(default=30.0, ge=0, le=3600)
    llm_prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="USD per 1M (input, output) tokens by model; overrides the defaults."
    )
    llm_openai_model: str = Field(default="gpt-4.1-mini", description="OpenAI model when not the primary's llm_model.")
    llm_vertex_model: str = Field(default="gemini-2.5-flash", description="Vertex model when not llm_model.")
    llm_local_n_ctx: int = Field(default=4096, ge=256, le=131_072)
    llm_local_n_threads: int = Field(default=2, ge=1, le=256)
    llm_fake_responses: list[str] = Field(default_factory=list, description="Scripted replies of the fake provider.")
    # --- end LLM gateway policy ---

    # Store
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; unset means SQLite under data_dir.")
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_max_overflow: int = Field(default=20, ge=0, le=500)
    database_pool_timeout_s: float = Field(default=30.0, gt=0)
    database_connect_timeout_s: float = Field(default=10.0, gt=0)
    database_sqlite_busy_timeout_s: float = Field(default=30.0, ge=0)

    # Pipelines and guardrails
    approved_answers_path: Path | None = Field(default=None, description="Curated answers file (YAML).")
    curated_threshold: float = Field(default=0.82, ge=0.0, le=1.0)
    triage_model_path: Path | None = Field(
        default=None, description="Triage model (.npz); unset means the one packaged for the embedding model."
    )
    canaries: list[str] = Field(
        default_factory=list, description="Strings that must never reach a customer (leak tripwires)."
    )

    def retrieval_config(self) -> RetrievalConfig:
        """The retrieval layer's own view of these settings."""
        return RetrievalConfig(
            data_dir=self.data_dir,
            qdrant_url=self.qdrant_url,
            qdrant_engine=self.qdrant_engine,
            qdrant_api_key=self.qdrant_api_key.get_secret_value() if self.qdrant_api_key else None,
            collection=self.collection,
            embedding_model=self.embedding_model,
            embedding_batch_size=self.embedding_batch_size,
            embedding_backend=self.embedding_backend,
            model_cache_dir=self.model_cache_dir,
            chunk_tokens=self.chunk_tokens,
            chunk_overlap=self.chunk_overlap,
            search_candidates=self.search_candidates,
        )


def get_settings(**overrides: object) -> Settings:
    """Read the settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
