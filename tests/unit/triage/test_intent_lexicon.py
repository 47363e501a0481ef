"""The intent head's TF-IDF lexicon: fitted from counts, stored as arrays, read the same after a reload."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copilot.triage.build import model_for_fake
from copilot.triage.features import INTENT_BUCKETS, IntentLexicon, intent_counts
from copilot.triage.model import TriageModel, TriageModelError
from knowledge_base.embeddings import build_embedder

TEXTS = ["my card has not arrived", "card not arrived yet", "how do I top up", "top up by transfer"]


def test_the_lexicon_keeps_buckets_seen_twice_and_rows_are_unit_length_per_block() -> None:
    counts = intent_counts(TEXTS)
    assert counts.shape == (4, 2 * INTENT_BUCKETS)
    lexicon = IntentLexicon.fit(counts, min_df=2)
    df = np.asarray((counts[:, lexicon.buckets] > 0).sum(axis=0)).ravel()
    assert len(lexicon) > 0 and df.min() >= 2
    rows = lexicon.transform(["card arrived", "nothing in common: zzz"]).toarray()
    words = lexicon.buckets >= INTENT_BUCKETS
    assert np.linalg.norm(rows[0, ~words]) == pytest.approx(1.0, abs=1e-5)
    assert np.linalg.norm(rows[0, words]) == pytest.approx(1.0, abs=1e-5)
    # A message sharing no kept n-gram reads as zeros, not as NaN.
    assert np.isfinite(rows).all()
    # Rarer n-grams weigh more: idf falls as the document frequency grows.
    order = np.argsort(df)
    assert lexicon.idf[order[0]] >= lexicon.idf[order[-1]]


def test_a_broken_lexicon_is_refused() -> None:
    with pytest.raises(ValueError, match="as many idf values"):
        IntentLexicon(np.asarray([1, 2], dtype=np.int64), np.ones(3, dtype=np.float32))
    with pytest.raises(ValueError, match="sorted"):
        IntentLexicon(np.asarray([5, 2], dtype=np.int64), np.ones(2, dtype=np.float32))


def test_the_intent_head_reads_the_lexicon_and_survives_a_reload(tmp_path: Path) -> None:
    model = model_for_fake(build_embedder("hashing-128"))
    assert model.intent_lexicon is not None
    assert model.heads["intent"].n_features == 3 * model.dim + len(model.intent_lexicon)
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = TriageModel.load(path)
    assert loaded.intent_lexicon is not None
    assert np.array_equal(loaded.intent_lexicon.buckets, model.intent_lexicon.buckets)
    assert np.array_equal(loaded.intent_lexicon.idf, model.intent_lexicon.idf)
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "intent.lexicon.idf"}
    broken = tmp_path / "broken.npz"
    np.savez(broken, **arrays)  # type: ignore[arg-type]
    with pytest.raises(TriageModelError, match="intent lexicon"):
        TriageModel.load(broken)
