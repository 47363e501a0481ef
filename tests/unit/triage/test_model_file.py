"""A missing, corrupt or mismatched triage model stops start-up with one clear sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.triage.build import model_for_fake
from copilot.triage.classifier import Triage
from copilot.triage.model import TriageModel, TriageModelError
from knowledge_base.embeddings import build_embedder


def test_missing_model_fails_clearly(tmp_path: Path) -> None:
    embedder = build_embedder("hashing-64")
    with pytest.raises(TriageModelError, match=r"no triage model at .*copilot triage train"):
        Triage.for_embedder(embedder, path=tmp_path / "absent.npz")


def test_corrupt_model_fails_clearly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 not really a zip file")
    with pytest.raises(TriageModelError, match="unreadable"):
        TriageModel.load(broken)


def test_truncated_model_fails_clearly(tmp_path: Path) -> None:
    model = model_for_fake(build_embedder("hashing-128"))
    path = tmp_path / "model.npz"
    model.save(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(TriageModelError):
        TriageModel.load(path)


def test_model_for_another_embedder_is_refused(tmp_path: Path) -> None:
    model = model_for_fake(build_embedder("hashing-128"))
    path = tmp_path / "model.npz"
    model.save(path)
    assert TriageModel.load(path).version == model.version
    with pytest.raises(TriageModelError, match=r"trained on hashing-128 .* but the service embeds with hashing-64"):
        Triage.for_embedder(build_embedder("hashing-64"), path=path)


def test_the_service_does_not_start_without_triage(tmp_path: Path) -> None:
    from copilot.service import Copilot
    from copilot.settings import Settings

    settings = Settings(data_dir=tmp_path, embedding_model="hashing-128", llm_provider="extractive",
                        llm_fallbacks=[], triage_model_path=tmp_path / "missing.npz")
    with pytest.raises(TriageModelError):
        Copilot.from_settings(settings)


def test_the_packaged_model_loads_and_matches_minilm() -> None:
    from copilot.triage.model import packaged_model_path

    model = TriageModel.load(packaged_model_path("all-MiniLM-L6-v2"))
    assert model.embedding_model == "all-MiniLM-L6-v2" and model.dim == 384
    assert set(model.heads["risks"].labels) == {
        "scam_in_progress", "unauthorised_activity", "financial_difficulty", "bereavement", "vulnerability", "complaint"}
    assert len(model.heads["intent"].labels) >= 77


def test_the_neighbour_memory_survives_a_round_trip(tmp_path: Path) -> None:
    import numpy as np

    model = model_for_fake(build_embedder("hashing-128"))
    assert model.neighbours is not None and model.neighbours.dim == 128
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = TriageModel.load(path)
    assert loaded.neighbours is not None
    assert np.array_equal(loaded.neighbours.memory, model.neighbours.memory)
    assert loaded.neighbours.config() == model.neighbours.config()
    row = np.zeros((1, 3 * 128 + model.heads["sensitive"].n_features - 3 * 128), dtype=np.float32)
    row[0, 2 * 128 : 3 * 128] = model.neighbours.memory[0]
    assert loaded.sensitive(row)[0] == pytest.approx(model.sensitive(row)[0])


def test_a_neighbour_memory_of_another_size_is_refused(tmp_path: Path) -> None:
    from dataclasses import replace

    import numpy as np

    from copilot.triage.neighbours import NeighbourVote

    model = model_for_fake(build_embedder("hashing-128"))
    wrong = NeighbourVote(np.zeros((4, 64), dtype=np.float32), np.zeros(4, dtype=np.uint8))
    with pytest.raises(TriageModelError, match="neighbour memory has 64 dimensions"):
        replace(model, neighbours=wrong).check()
