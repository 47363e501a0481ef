"""Trained heads: linear models over sentence embeddings, with their calibration, evaluated in NumPy.

A head is fitted offline (scikit-learn's logistic regression, :mod:`copilot.triage.training`) and kept as
plain arrays, so serving needs neither scikit-learn nor pickles. Two kinds:

- ``softmax``: one label out of several (intent, request, subtype, urgency). Calibrated by temperature
  scaling, the temperature fitted on out-of-fold logits.
- ``sigmoid``: independent yes/no labels (the risks, answerable). Calibrated per label by Platt scaling,
  fitted on out-of-fold decision values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]
HeadKind = Literal["softmax", "sigmoid"]


@dataclass(frozen=True)
class LinearHead:
    """``scores = x @ weight + bias``, then the calibrated softmax or per-label sigmoid.

    ``weight`` is ``(features, labels)``; for ``sigmoid`` heads ``platt`` is ``(labels, 2)``: the calibrated
    probability of label ``j`` is ``sigmoid(a_j * score_j + b_j)``. For ``softmax`` heads ``temperature``
    divides the scores before the softmax.
    """

    name: str
    kind: HeadKind
    labels: tuple[str, ...]
    weight: Array
    bias: Array
    temperature: float = 1.0
    platt: Array | None = None

    def __post_init__(self) -> None:
        _features, n = self.weight.shape
        if n != len(self.labels) or self.bias.shape != (n,):
            raise ValueError(f"head {self.name}: {n} weight columns, {len(self.labels)} labels, bias {self.bias.shape}")
        if self.kind == "sigmoid" and (self.platt is None or self.platt.shape != (n, 2)):
            raise ValueError(f"head {self.name}: a sigmoid head needs Platt parameters of shape ({n}, 2)")
        if not self.temperature > 0:
            raise ValueError(f"head {self.name}: the temperature must be positive")

    @property
    def n_features(self) -> int:
        return int(self.weight.shape[0])

    def scores(self, x: Array) -> Array:
        return np.asarray(x @ self.weight + self.bias, dtype=np.float32)

    def proba(self, x: Array) -> Array:
        """Calibrated probabilities, ``(rows, labels)``; ``x`` is ``(rows, features)``."""
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"head {self.name} expects {self.n_features} features, got {x.shape}")
        s = self.scores(x)
        if self.kind == "softmax":
            return softmax(s / self.temperature)
        assert self.platt is not None
        return sigmoid(s * self.platt[:, 0] + self.platt[:, 1])


def softmax(scores: Array) -> Array:
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float32)


def sigmoid(z: Array) -> Array:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))), dtype=np.float32)
