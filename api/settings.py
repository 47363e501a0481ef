"""The API service's own settings (prefix ``COPILOT_API_``), next to the copilot's ``Settings``.

API keys are configured as SHA-256 hashes, never as plaintext::

    COPILOT_API_KEYS='[{"name": "agent-desk", "sha256": "<64 hex>", "scopes": ["agent"]},
                       {"name": "mobile-app", "sha256": "<64 hex>", "scopes": ["customer"],
                        "rate_per_minute": 6000, "burst": 500}]'

``copilot keys new --name agent-desk --scope agent`` prints a fresh key once, with its settings entry.
Build this object once at the edge (the CLI, :func:`api.app.app_from_env`) and pass it in.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

import knowledge_base

__all__ = ["DEFAULT_KB_SOURCES", "ApiKey", "ApiSettings", "Scope", "hash_key"]

Scope = Literal["agent", "customer", "admin", "supervisor", "planner"]
"""``agent``: suggestions, summaries, feedback, interactions, search with internal content.
``customer``: answers, search of public articles. ``admin``: knowledge-base changes, re-index jobs,
search and interactions (read). Scopes are not hierarchical: a key may hold several."""

#: The sample knowledge base shipped with the package.
DEFAULT_KB_SOURCES: tuple[Path, ...] = (Path(knowledge_base.__file__).resolve().parent / "content",)


def hash_key(plaintext: str) -> str:
    """The SHA-256 hex digest under which a key is configured."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


class ApiKey(BaseModel):
    """One API key: a name (logged and stored as the principal), its SHA-256 hash, its scopes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Hex SHA-256 of the key (lower case).")
    scopes: Annotated[frozenset[Scope], Field(min_length=1)]
    rate_per_minute: float | None = Field(default=None, gt=0, description="Overrides the default for this key.")
    burst: int | None = Field(default=None, ge=1, description="Overrides the default for this key.")

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


class ApiSettings(BaseSettings):
    """Every knob of the HTTP layer. Field ``foo`` is read from ``COPILOT_API_FOO``."""

    model_config = SettingsConfigDict(
        env_prefix="COPILOT_API_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    keys: list[ApiKey] = Field(default_factory=list, description="API keys (hashes and scopes).")
    rate_per_minute: float = Field(default=600.0, gt=0, description="Sustained requests per minute per key.")
    rate_burst: int = Field(default=60, ge=1, description="Requests a key may make at once (bucket size).")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1_048_576)
    cors_origins: list[str] = Field(default_factory=list, description="Browser origins allowed by CORS.")
    worker_threads: int = Field(default=64, ge=1, le=1024, description="Threads running the pipelines.")
    sse_heartbeat_s: float = Field(default=15.0, gt=0, le=300, description="SSE keep-alive comment interval.")
    retry_after_s: int = Field(default=5, ge=1, le=3600, description="Retry-After of 503 answers.")
    kb_sources: list[Path] = Field(
        default_factory=lambda: list(DEFAULT_KB_SOURCES), description="What a full re-index rebuilds from."
    )
    ready_requires_llm: bool = Field(
        default=False,
        description="Fail readiness when every LLM provider's breaker is open (the service still answers "
        "extractively; failing readiness on every replica at once turns that degradation into an outage).",
    )
    readiness_timeout_s: float = Field(default=2.0, gt=0, le=30)
    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        names = [k.name for k in self.keys]
        if len(names) != len(set(names)):
            raise ValueError("API key names must be unique")
        hashes = [k.sha256 for k in self.keys]
        if len(hashes) != len(set(hashes)):
            raise ValueError("two API keys have the same hash")
        return self
