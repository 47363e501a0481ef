"""Configuration of the retrieval layer (built from ``copilot.settings.Settings``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class RetrievalConfig(BaseModel):
    """Where the index lives, which embedding model fills it, and how documents are cut."""

    data_dir: Path = Path(".copilot")
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    #: The embedded engine when no server is set: ``edge`` (Qdrant Edge, in-process Rust engine) or
    #: ``local`` (qdrant-client's pure-Python local mode, ``QdrantClient(path=...)``).
    qdrant_engine: Literal["edge", "local"] = "edge"
    collection: str = "kb"
    embedding_model: str = "all-MiniLM-L6-v2"
    embedding_batch_size: int = Field(default=32, ge=1)
    #: ``onnx`` runs the model on ONNX Runtime (exported once into ``model_cache_dir``); ``torch`` on
    #: PyTorch through sentence-transformers. Both give the same vectors (cosine 1 - 1e-6).
    embedding_backend: Literal["onnx", "torch"] = "onnx"
    #: Derived model files; unset means ``$XDG_CACHE_HOME/support-copilot/models`` (or ``~/.cache``).
    model_cache_dir: Path | None = None
    chunk_tokens: int = Field(default=200, ge=32)
    chunk_overlap: int = Field(default=32, ge=0)
    search_candidates: int = Field(default=40, ge=5)

    @property
    def qdrant_path(self) -> Path:
        return self.data_dir / ("qdrant-edge" if self.qdrant_engine == "edge" else "qdrant")

    @property
    def embedding_cache_path(self) -> Path:
        return self.data_dir / "cache" / "embeddings.sqlite"
