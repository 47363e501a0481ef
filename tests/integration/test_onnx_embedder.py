"""MiniLM on ONNX Runtime: exported once, the same vectors as PyTorch, and PyTorch when the export fails."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import knowledge_base.onnx_embedder as onnx_embedder
from knowledge_base.embeddings import SentenceTransformerEmbedder
from knowledge_base.onnx_embedder import OnnxEmbedder

pytestmark = pytest.mark.integration

TEXTS = [
    "",
    "hi",
    "My new debit card still hasn't arrived, it's been ten days",
    "Ich möchte Geld nach Spanien überweisen: wie hoch ist die Gebühr? 💶",
    # Longer than the model's 256-token window: both runtimes must truncate it the same way.
    " ".join(["The customer disputes a card payment taken twice at a petrol station."] * 40),
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> OnnxEmbedder:
    embedder = OnnxEmbedder("all-MiniLM-L6-v2", cache_dir=tmp_path_factory.mktemp("onnx-cache"))
    assert embedder.backend == "onnx"
    return embedder


@pytest.fixture(scope="module")
def reference() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2")


def test_vectors_match_pytorch(exported: OnnxEmbedder, reference: SentenceTransformerEmbedder) -> None:
    ours, theirs = exported.embed(TEXTS), reference.embed(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert float((ours * theirs).sum(axis=1).min()) > 0.99999


def test_a_text_gets_the_same_vector_alone_or_in_a_padded_batch(exported: OnnxEmbedder) -> None:
    together = exported.embed(TEXTS)
    alone = np.vstack([exported.embed([t]) for t in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    small_batches = OnnxEmbedder("all-MiniLM-L6-v2", cache_dir=exported.onnx_path.parent, batch_size=2)
    np.testing.assert_allclose(small_batches.embed(TEXTS), together, atol=1e-5)


def test_the_export_is_reused_by_the_next_process(exported: OnnxEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    path = exported.onnx_path
    assert path.is_file()
    stamp = path.stat().st_mtime_ns

    def no_export(*_: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_embedder, "export_onnx", no_export)
    again = OnnxEmbedder("all-MiniLM-L6-v2", cache_dir=path.parent)
    assert again.backend == "onnx"
    np.testing.assert_array_equal(again.embed(TEXTS[:3]), exported.embed(TEXTS[:3]))
    assert path.stat().st_mtime_ns == stamp
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no staging files left behind


def test_an_export_that_cannot_be_written_falls_back_to_pytorch(
    tmp_path: Path, reference: SentenceTransformerEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    embedder = OnnxEmbedder("all-MiniLM-L6-v2", cache_dir=blocker / "models")
    with caplog.at_level("WARNING", logger="knowledge_base.onnx_embedder"):
        assert embedder.backend == "torch"
    assert "runs on PyTorch" in caplog.text
    np.testing.assert_allclose(embedder.embed(TEXTS[:3]), reference.embed(TEXTS[:3]), atol=1e-6)
    assert embedder.dim == 384


def test_prepare_model_reports_the_export_it_reuses(exported: OnnxEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from copilot.cli import app

    monkeypatch.setenv("COPILOT_EMBEDDING_MODEL", "all-MiniLM-L6-v2")
    monkeypatch.setenv("COPILOT_MODEL_CACHE_DIR", str(exported.onnx_path.parent))
    result = CliRunner().invoke(app, ["kb", "prepare-model"])
    assert result.exit_code == 0, result.output
    assert "model all-MiniLM-L6-v2: 384 dimensions, backend onnx" in result.output
    assert f"ONNX export: {exported.onnx_path}" in result.output


def test_any_failed_export_falls_back_to_pytorch(
    tmp_path: Path, reference: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_export(*_: object) -> None:
        raise KeyError("token_type_ids")  # e.g. a tokenizer without the inputs the graph expects

    monkeypatch.setattr(onnx_embedder, "export_onnx", broken_export)
    embedder = OnnxEmbedder("all-MiniLM-L6-v2", cache_dir=tmp_path / "models")
    assert embedder.backend == "torch"
    np.testing.assert_allclose(embedder.embed(TEXTS[:2]), reference.embed(TEXTS[:2]), atol=1e-6)
