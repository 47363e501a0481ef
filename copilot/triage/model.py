"""The triage model on disk: its heads as arrays and its metadata, in one ``.npz`` file.

No pickles: the file holds NumPy arrays and one JSON document (labels, calibration, thresholds, the
embedding model it was trained on, the training data's hash). Loading checks all of it, so a missing,
truncated or mismatched file stops the service at start-up with one clear sentence, never a service
that answers customers without triage.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from copilot.triage.features import LEXICAL_FEATURES, block
from copilot.triage.heads import Array, LinearHead
from copilot.triage.neighbours import NeighbourVote

FORMAT = "kestrel-triage/1"
#: The heads every model has; ``answerable`` reads the feature row plus retrieval evidence.
REQUIRED_HEADS = ("intent", "risks", "sensitive", "scam_type", "vulnerability_type", "urgency", "request", "answerable")
PACKAGED_DIR = Path(__file__).parent / "models"


class TriageModelError(RuntimeError):
    """The triage model cannot be used: missing, corrupt, or trained for another embedding model."""


@dataclass(frozen=True)
class TriageModel:
    """The trained heads and what they need to run."""

    version: str
    embedding_model: str
    dim: int
    heads: dict[str, LinearHead]
    #: Per-risk decision thresholds, chosen on out-of-fold probabilities for recall.
    thresholds: dict[str, float]
    #: The nearest labelled conversations' vote, blended into ``sensitive`` (None: the head alone).
    neighbours: NeighbourVote | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def head(self, name: str) -> LinearHead:
        return self.heads[name]

    def sensitive(self, row: Array) -> Array:
        """The calibrated probability that each row's conversation carries a risk, ``(rows,)``.

        ``row`` is the full feature row (embedding blocks, then the lexical block).
        """
        head = self.heads["sensitive"].proba(row)[:, 0]
        if self.neighbours is None:
            return head
        return self.neighbours.blend(head, block(row, "conversation", self.dim))

    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {}
        heads_meta = {}
        for name, head in self.heads.items():
            arrays[f"{name}.weight"] = head.weight.astype(np.float32)
            arrays[f"{name}.bias"] = head.bias.astype(np.float32)
            if head.platt is not None:
                arrays[f"{name}.platt"] = head.platt.astype(np.float32)
            heads_meta[name] = {"kind": head.kind, "labels": list(head.labels), "temperature": head.temperature}
        if self.neighbours is not None:
            arrays["neighbours.memory"] = self.neighbours.memory.astype(np.float16)
            arrays["neighbours.labels"] = self.neighbours.labels.astype(np.uint8)
        document = {
            "format": FORMAT,
            "version": self.version,
            "embedding_model": self.embedding_model,
            "dim": self.dim,
            "heads": heads_meta,
            "thresholds": self.thresholds,
            "neighbours": self.neighbours.config() if self.neighbours is not None else None,
            "meta": self.meta,
        }
        arrays["meta.json"] = np.frombuffer(json.dumps(document, sort_keys=True).encode(), dtype=np.uint8)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> TriageModel:
        if not path.is_file():
            raise TriageModelError(f"no triage model at {path}: train one with `copilot triage train`")
        try:
            with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
            document = json.loads(bytes(arrays.pop("meta.json")).decode())
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
            raise TriageModelError(f"the triage model at {path} is unreadable ({exc}): retrain it with "
                                   "`copilot triage train`") from exc
        if document.get("format") != FORMAT:
            raise TriageModelError(f"{path} is not a triage model of format {FORMAT}")
        heads = {}
        try:
            for name, spec in document["heads"].items():
                platt = arrays.get(f"{name}.platt")
                heads[name] = LinearHead(
                    name=name,
                    kind=spec["kind"],
                    labels=tuple(spec["labels"]),
                    weight=arrays[f"{name}.weight"],
                    bias=arrays[f"{name}.bias"],
                    temperature=float(spec["temperature"]),
                    platt=platt,
                )
            spec = document.get("neighbours")
            neighbours = None if spec is None else NeighbourVote.from_config(
                arrays["neighbours.memory"], arrays["neighbours.labels"], spec)
        except (KeyError, ValueError, TypeError, AssertionError) as exc:
            raise TriageModelError(f"the triage model at {path} is incomplete: {exc}") from exc
        missing = [h for h in REQUIRED_HEADS if h not in heads]
        if missing:
            raise TriageModelError(f"the triage model at {path} lacks the heads {', '.join(missing)}")
        model = cls(
            version=str(document["version"]),
            embedding_model=str(document["embedding_model"]),
            dim=int(document["dim"]),
            heads=heads,
            thresholds={k: float(v) for k, v in document["thresholds"].items()},
            neighbours=neighbours,
            meta=dict(document.get("meta") or {}),
        )
        model.check()
        return model

    def check(self) -> None:
        """Every head reads the feature row this model's embedding produces."""
        row = 3 * self.dim
        for name, head in self.heads.items():
            expected = row if name == "intent" else row + LEXICAL_FEATURES + (3 if name == "answerable" else 0)
            if head.n_features != expected:
                raise TriageModelError(f"triage head {name} reads {head.n_features} features, not {expected}")
        if self.neighbours is not None and self.neighbours.dim != self.dim:
            raise TriageModelError(f"the triage model's neighbour memory has {self.neighbours.dim} dimensions, "
                                   f"not {self.dim}")
        risks = self.heads["risks"].labels
        if set(self.thresholds) != {*risks, "sensitive", "sensitive_agent"}:
            raise TriageModelError("the triage model's thresholds do not match its risk labels")

    def check_embedder(self, name: str, dim: int) -> None:
        if name != self.embedding_model or dim != self.dim:
            raise TriageModelError(
                f"the triage model {self.version} was trained on {self.embedding_model} ({self.dim} dimensions), "
                f"but the service embeds with {name} ({dim}): train one for it with "
                f"`copilot triage train --embedding-model {name}`"
            )


def packaged_model_path(embedding_model: str) -> Path:
    """Where the model for an embedding model ships in the package (``all-MiniLM-L6-v2`` does)."""
    return PACKAGED_DIR / f"{embedding_model.replace('/', '__')}.npz"
