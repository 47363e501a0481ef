"""Training is deterministic, and thresholds are chosen for recall."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from copilot.triage.build import train
from copilot.triage.data import training_examples
from copilot.triage.training import TrainConfig, choose_threshold
from knowledge_base.embeddings import build_embedder


def test_same_data_same_model(tmp_path: Path) -> None:
    embedder = build_embedder("hashing-64")
    examples = training_examples()[::6]
    config = TrainConfig(folds=2, intent_folds=2)
    first, _ = train(embedder, examples=examples, config=config)
    second, _ = train(embedder, examples=examples, config=config)
    assert first.thresholds == second.thresholds
    for name, head in first.heads.items():
        assert np.array_equal(head.weight, second.heads[name].weight), name
        assert np.array_equal(head.bias, second.heads[name].bias), name
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    first.save(a)
    second.save(b)
    assert a.read_bytes() == b.read_bytes()


def test_threshold_keeps_the_recall_asked_for() -> None:
    rng = np.random.default_rng(0)
    truth = (rng.random(400) < 0.3).astype(np.int64)
    proba = np.clip(truth * 0.4 + rng.random(400) * 0.6, 0, 1).astype(np.float32)
    for recall in (0.8, 0.9, 0.97):
        t = choose_threshold(proba, truth, recall, 0.0, 1.0)
        assert (proba[truth == 1] >= t).mean() >= recall
    assert choose_threshold(proba, truth, 0.99, 0.0, 0.1) <= 0.1
