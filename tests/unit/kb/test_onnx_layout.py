"""Which sentence-transformers models the ONNX runtime takes, and when an export is stale."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from knowledge_base.embeddings import SentenceTransformerEmbedder, build_embedder
from knowledge_base.onnx_embedder import UnsupportedModel, export_key, load_pipeline


def model_dir(tmp_path: Path, *, modules: list[str], pooling: dict[str, bool], max_len: int | None = 128) -> Path:
    d = tmp_path / "model"
    (d / "1_Pooling").mkdir(parents=True)
    (d / "modules.json").write_text(json.dumps(
        [{"idx": i, "name": str(i), "path": ["", "1_Pooling", "2_Normalize"][i], "type": f"sentence_transformers.models.{m}"}
         for i, m in enumerate(modules)]
    ))
    (d / "1_Pooling" / "config.json").write_text(json.dumps({"word_embedding_dimension": 8, **pooling}))
    (d / "tokenizer.json").write_text("{}")
    if max_len is not None:
        (d / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": max_len}))
    return d


MEAN = {"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False}


def test_mean_pooled_transformer_is_taken_with_its_length(tmp_path: Path) -> None:
    layout = load_pipeline(model_dir(tmp_path, modules=["Transformer", "Pooling", "Normalize"], pooling=MEAN))
    assert layout.max_seq_length == 128


def test_length_defaults_to_512_without_a_sentence_bert_config(tmp_path: Path) -> None:
    layout = load_pipeline(model_dir(tmp_path, modules=["Transformer", "Pooling"], pooling=MEAN, max_len=None))
    assert layout.max_seq_length == 512


@pytest.mark.parametrize(
    ("modules", "pooling"),
    [
        (["Transformer", "Pooling"], {"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}),
        (["Transformer", "Pooling"], {"pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": True}),
        (["Transformer", "Pooling", "Dense"], MEAN),
        (["Pooling"], MEAN),
    ],
)
def test_other_model_shapes_are_refused(tmp_path: Path, modules: list[str], pooling: dict[str, bool]) -> None:
    with pytest.raises(UnsupportedModel):
        load_pipeline(model_dir(tmp_path, modules=modules, pooling=pooling))


def test_a_directory_without_modules_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedModel, match=r"modules\.json"):
        load_pipeline(tmp_path)


def test_an_unsupported_model_runs_on_pytorch(tmp_path: Path) -> None:
    d = model_dir(tmp_path, modules=["Transformer", "Pooling"], pooling={"pooling_mode_cls_token": True})
    embedder = build_embedder(str(d), backend="onnx", model_cache_dir=tmp_path / "cache")
    assert isinstance(embedder, SentenceTransformerEmbedder)


def test_the_export_key_follows_the_model_files(tmp_path: Path) -> None:
    d = model_dir(tmp_path, modules=["Transformer", "Pooling"], pooling=MEAN)
    before = export_key(load_pipeline(d))
    assert export_key(load_pipeline(d)) == before
    (d / "model.safetensors").write_bytes(b"new weights")
    assert export_key(load_pipeline(d)) != before


def test_the_export_key_sees_a_change_inside_large_weights_and_not_a_copy(tmp_path: Path) -> None:
    d = model_dir(tmp_path, modules=["Transformer", "Pooling"], pooling=MEAN)
    weights = bytearray(3 << 20)
    (d / "model.safetensors").write_bytes(bytes(weights))
    before = export_key(load_pipeline(d))
    weights[-1] = 1  # a different tail, same size
    (d / "model.safetensors").write_bytes(bytes(weights))
    changed = export_key(load_pipeline(d))
    assert changed != before
    copy = tmp_path / "elsewhere"
    shutil.copytree(d, copy)
    assert export_key(load_pipeline(copy)) == changed
