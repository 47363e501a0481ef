"""A second opinion for the ``sensitive`` head: how the most similar training conversations were labelled.

A linear head over the embedding draws one boundary through the whole space; a question *about* safe-account
scams and a customer *in* one sit close together on it. The labelled conversations nearest to this one (by
the cosine of the whole-conversation embedding the request computes anyway) often tell them apart, because
the team's data holds both sides of that line on every topic. The vote is the similarity-weighted share of
the ``k`` nearest training conversations that carried a risk; the sensitive probability is the Platt-calibrated
blend of the head and the vote, and its thresholds are chosen on out-of-fold blends like every other.

The memory is the team's own labelled conversations only (never BANKING77's queries), as unit vectors in
float16: 3,600 conversations cost 2.8 MB and a lookup is one matrix-vector product.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from copilot.triage.heads import sigmoid

Array = npt.NDArray[np.float32]

#: Neighbours that vote, the sharpness of their similarity weights, and the vote's share of the blend
#: (chosen on out-of-fold scores of the training data: harmless questions flagged at 97% recall).
K = 20
TEMPERATURE = 20.0
WEIGHT = 0.3


def unit(vectors: Array) -> Array:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def vote(memory: npt.NDArray[np.floating], labels: npt.NDArray[np.uint8], queries: Array, *, k: int = K,
         temperature: float = TEMPERATURE) -> Array:
    """The similarity-weighted share of each query's ``k`` nearest memory rows whose label is 1."""
    if len(memory) == 0:
        return np.zeros(len(queries), dtype=np.float32)
    k = min(k, len(memory))
    # einsum, not ``@``: a product this size makes OpenBLAS wake its worker threads, which then spin on
    # both cores for a while and slow the encoder's next call more than the product costs (0.26 ms here).
    similarity = np.einsum("qd,nd->qn", unit(queries), memory)
    nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
    top = np.take_along_axis(similarity, nearest, axis=1)
    weights = np.exp((top - top.max(axis=1, keepdims=True)) * temperature)
    return np.asarray((weights * labels[nearest]).sum(axis=1) / weights.sum(axis=1), dtype=np.float32)


@dataclass(frozen=True)
class NeighbourVote:
    """The labelled memory and how its vote is blended with the ``sensitive`` head's probability.

    ``memory`` is held in float32 for the lookup and saved in float16.
    """

    memory: Array
    labels: npt.NDArray[np.uint8]
    k: int = K
    temperature: float = TEMPERATURE
    weight: float = WEIGHT
    #: Platt parameters ``(a, b)`` of the blend: ``sigmoid(a * blend + b)``.
    platt: tuple[float, float] = (1.0, 0.0)

    def __post_init__(self) -> None:
        if self.memory.ndim != 2 or self.labels.shape != (self.memory.shape[0],):
            raise ValueError(f"a neighbour memory of shape {self.memory.shape} needs one label per row")
        if not 0.0 <= self.weight <= 1.0 or self.k < 1:
            raise ValueError("the neighbour vote needs k >= 1 and a weight in [0, 1]")

    @property
    def dim(self) -> int:
        return int(self.memory.shape[1])

    def blend(self, head_probability: Array, conversation: Array) -> Array:
        """Calibrated sensitive probabilities from the head's and the vote of ``conversation``'s neighbours."""
        votes = vote(self.memory, self.labels, conversation, k=self.k, temperature=self.temperature)
        return blend(head_probability, votes, self.weight, self.platt)

    def config(self) -> dict[str, object]:
        return {"k": self.k, "temperature": self.temperature, "weight": self.weight, "platt": list(self.platt)}

    @classmethod
    def from_config(cls, memory: np.ndarray, labels: np.ndarray, config: dict[str, Any]) -> NeighbourVote:
        a, b = config["platt"]
        return cls(memory.astype(np.float32), labels.astype(np.uint8), k=int(config["k"]),
                   temperature=float(config["temperature"]), weight=float(config["weight"]),
                   platt=(float(a), float(b)))


def mix(head_probability: Array, votes: Array, weight: float = WEIGHT) -> Array:
    """The uncalibrated blend of the head's probability and the vote."""
    return np.asarray((1.0 - weight) * head_probability + weight * votes, dtype=np.float32)


def blend(head_probability: Array, votes: Array, weight: float, platt: tuple[float, float]) -> Array:
    return sigmoid(mix(head_probability, votes, weight) * platt[0] + platt[1])
