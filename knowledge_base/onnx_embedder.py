"""A sentence-transformers model run on ONNX Runtime: the same vectors as PyTorch, at a third of the cost.

The ONNX graph is exported once from the model's own weights with ``torch.onnx`` (the torch.export
based exporter), checked against PyTorch on a probe text, and kept in a cache directory keyed by the
model files and the exporter's versions. Later processes load only ONNX Runtime and the tokenizer:
no PyTorch import, no model hub.

Only the shape of model the project uses is supported: a transformer followed by mean pooling (and
optionally a normalisation layer). :func:`load_pipeline` refuses anything else with
:class:`UnsupportedModel`, and the caller falls back to sentence-transformers.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.encoders import SentenceTransformerEmbedder, Vectors, normalise, resolve_model_dir

log = logging.getLogger(__name__)

#: Bumped when the export recipe changes, so that old exports are not reused.
EXPORT_VERSION = 1
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_EDGE = 1 << 20  # bytes of a large file's head and tail that go into the export key
_PROBE = "My card payment was declined at the till, can you tell me why?"


class UnsupportedModel(RuntimeError):
    """The model's sentence-transformers modules are not a transformer with mean pooling."""


@dataclass(frozen=True)
class ModelLayout:
    """What the export and the pooling need to know about a sentence-transformers model directory."""

    directory: Path
    max_seq_length: int


def load_pipeline(directory: Path) -> ModelLayout:
    """Read ``modules.json`` and the pooling config; refuse what this runtime would get wrong."""
    try:
        modules = json.loads((directory / "modules.json").read_text())
    except (OSError, ValueError) as exc:
        raise UnsupportedModel(f"{directory} has no readable modules.json") from exc
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise UnsupportedModel(f"modules {kinds} are not Transformer, Pooling[, Normalize]")
    if modules[0].get("path", "") not in ("", "."):
        raise UnsupportedModel("the transformer is not at the model directory's root")
    pooling = json.loads((directory / modules[1]["path"] / "config.json").read_text())
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True}
    if modes != {"pooling_mode_mean_tokens"}:
        raise UnsupportedModel(f"pooling {sorted(modes)} is not mean pooling")
    if not (directory / "tokenizer.json").exists():
        raise UnsupportedModel(f"{directory} has no tokenizer.json")
    st_config = directory / "sentence_bert_config.json"
    max_len = json.loads(st_config.read_text()).get("max_seq_length") if st_config.exists() else None
    return ModelLayout(directory=directory, max_seq_length=int(max_len or 512))


def export_key(layout: ModelLayout) -> str:
    """Changes when the model's files or the exporter change.

    Small files are hashed whole; large ones (the weights) by size and their first and last MiB, which
    tells apart two fine-tunings of one architecture without reading 90 MB at every start. Paths and
    times are left out, so a copied install (a container image) finds its export.
    """
    digest = hashlib.sha256(f"v{EXPORT_VERSION}".encode())
    for path in sorted(p for p in layout.directory.rglob("*") if p.is_file()):
        size = path.stat().st_size
        digest.update(f"|{path.relative_to(layout.directory).as_posix()}:{size}:".encode())
        with path.open("rb") as handle:
            if size <= 2 * _EDGE:
                digest.update(handle.read())
            else:
                digest.update(handle.read(_EDGE))
                handle.seek(size - _EDGE)
                digest.update(handle.read(_EDGE))
    for dist in ("torch", "transformers", "onnx", "onnxscript"):
        try:
            digest.update(f"|{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"|{dist}=none".encode())
    return digest.hexdigest()[:16]


def export_onnx(layout: ModelLayout, target: Path) -> None:
    """Export the transformer to ``target`` (one self-contained file), checked against PyTorch."""
    import onnxruntime as ort
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(layout.directory))
    # Eager attention traces to plain ops with the padding mask applied, whatever the batch holds.
    model = AutoModel.from_pretrained(str(layout.directory), attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    sample = tokenizer([_PROBE, "Card declined"], padding=True, return_tensors="pt")
    args = tuple(sample[name] for name in _INPUTS)
    batch, seq = torch.export.Dim("batch", min=1, max=4096), torch.export.Dim("seq", min=1, max=layout.max_seq_length)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        staged = Path(tmp) / target.name
        with warnings.catch_warnings(), torch.no_grad(), _quiet("onnx_ir", "onnxscript", "torch.onnx"):
            warnings.simplefilter("ignore")  # the exporter's own deprecation and shape notices
            torch.onnx.export(
                LastHiddenState(model),
                args,
                str(staged),
                input_names=list(_INPUTS),
                output_names=["last_hidden_state"],
                dynamic_shapes={name: {0: batch, 1: seq} for name in _INPUTS},
                external_data=False,
                verbose=False,
            )
            expected = model(**{k: sample[k] for k in _INPUTS}).last_hidden_state.numpy()
        session = ort.InferenceSession(str(staged), providers=["CPUExecutionProvider"])
        got = session.run(None, {k: sample[k].numpy().astype(np.int64) for k in _INPUTS})[0]
        mask = sample["attention_mask"].numpy()[..., None].astype(bool)
        gap = float(np.abs(np.where(mask, got - expected, 0.0)).max())
        if gap > 1e-3:
            raise RuntimeError(f"the ONNX export differs from PyTorch by {gap:.2e}")
        os.replace(staged, target)  # atomic: a concurrent process sees no file or a whole one


@contextlib.contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Hold the exporter's chatty loggers (a line per folded constant, per absent torchvision op) at ERROR."""
    saved = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


class OnnxEmbedder:
    """A mean-pooled sentence-transformers model on ONNX Runtime (CPU), exported on first use."""

    def __init__(
        self,
        model: str = "all-MiniLM-L6-v2",
        *,
        cache_dir: Path,
        batch_size: int = 32,
    ) -> None:
        self._model_name = model
        self._cache_dir = cache_dir
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._dim = 0
        self._fallback: SentenceTransformerEmbedder | None = None
        self.layout = load_pipeline(resolve_model_dir(model))

    @property
    def name(self) -> str:
        # The vectors are PyTorch's to within 1e-6: caches and indexes are shared with that backend.
        return self._model_name

    @property
    def dim(self) -> int:
        self._load()
        return self._fallback.dim if self._fallback is not None else self._dim

    @property
    def backend(self) -> str:
        """``onnx``, or ``torch`` once an export failed and PyTorch took over."""
        self._load()
        return "torch" if self._fallback is not None else "onnx"

    @functools.cached_property
    def onnx_path(self) -> Path:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", self._model_name).strip("._") or "model"
        return self._cache_dir / f"{stem}-{export_key(self.layout)}.onnx"

    def _load(self) -> None:
        with self._lock:
            if self._session is not None or self._fallback is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            path = self.onnx_path
            if not path.exists():
                log.info("exporting %s to ONNX at %s (once)", self._model_name, path)
                try:
                    export_onnx(self.layout, path)
                except Exception as exc:  # any failed export degrades to PyTorch, logged
                    # The service still works, on PyTorch (the same vectors, slower); say why once.
                    log.warning("%s runs on PyTorch: the ONNX export failed: %s", self._model_name, exc)
                    self._fallback = SentenceTransformerEmbedder(self._model_name, batch_size=self._batch_size)
                    return
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            tokenizer = Tokenizer.from_file(str(self.layout.directory / "tokenizer.json"))
            tokenizer.enable_truncation(self.layout.max_seq_length)
            tokenizer.no_padding()
            self._dim = int(session.get_outputs()[0].shape[-1])
            self._tokenizer, self._session = tokenizer, session

    def _run(self, encodings: Sequence[Any]) -> Vectors:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            ids[row, :n], mask[row, :n], types[row, :n] = enc.ids, enc.attention_mask, enc.type_ids
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return normalise(pooled.astype(np.float32))

    def embed(self, texts: Sequence[str]) -> Vectors:
        self._load()
        if self._fallback is not None:
            return self._fallback.embed(texts)
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        # Batches of similar lengths, as sentence-transformers forms them: little padding to compute.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            out[rows] = self._run([encodings[i] for i in rows])
        return out
