"""The neighbour vote: the similarity-weighted share of the nearest labelled conversations with a risk."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.triage.neighbours import NeighbourVote, unit, vote


def _memory() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    risky = unit(rng.normal(size=(10, 8)).astype(np.float32) + np.array([4.0] + [0.0] * 7, dtype=np.float32))
    harmless = unit(rng.normal(size=(10, 8)).astype(np.float32) - np.array([4.0] + [0.0] * 7, dtype=np.float32))
    return np.concatenate([risky, harmless]), np.array([1] * 10 + [0] * 10, dtype=np.uint8)


def test_a_conversation_among_risky_ones_gets_a_high_vote_and_among_harmless_ones_a_low_one() -> None:
    memory, labels = _memory()
    queries = np.array([[1.0] + [0.0] * 7, [-1.0] + [0.0] * 7], dtype=np.float32)
    votes = vote(memory, labels, queries, k=5)
    assert votes[0] > 0.9 and votes[1] < 0.1


def test_k_larger_than_the_memory_reads_all_of_it() -> None:
    memory, labels = _memory()
    votes = vote(memory, labels, np.ones((1, 8), dtype=np.float32), k=100, temperature=0.0)
    assert votes[0] == pytest.approx(0.5)


def test_the_blend_moves_the_head_probability_towards_the_vote() -> None:
    memory, labels = _memory()
    neighbours = NeighbourVote(memory, labels, k=5, weight=0.5, platt=(10.0, -5.0))
    head = np.array([0.5, 0.5], dtype=np.float32)
    risky, harmless = neighbours.blend(head, np.array([[1.0] + [0.0] * 7, [-1.0] + [0.0] * 7], dtype=np.float32))
    assert risky > 0.6 > 0.4 > harmless


def test_a_memory_without_one_label_per_row_is_refused() -> None:
    with pytest.raises(ValueError, match="one label per row"):
        NeighbourVote(np.zeros((3, 4), dtype=np.float32), np.zeros(2, dtype=np.uint8))
