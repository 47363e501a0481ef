from __future__ import annotations

from knowledge_base.chunking import Chunker, approximate_token_count, wordpiece_token_count
from knowledge_base.documents import Document


def _doc(text: str) -> Document:
    return Document(id="d", title="Title", text=text)


def test_splits_at_headings_and_keeps_heading() -> None:
    text = "## First\n" + "alpha beta gamma delta. " * 10 + "\n\n## Second\n" + "one two three four. " * 10
    chunks = Chunker(max_tokens=200, overlap_tokens=16).chunk(_doc(text))
    assert [c.heading for c in chunks] == ["First", "Second"]
    assert chunks[0].embedding_text("Title").startswith("Title — First\n")


def test_long_section_respects_budget_with_overlap() -> None:
    sentences = [f"Sentence number {i} talks about payments and cards." for i in range(120)]
    chunker = Chunker(max_tokens=64, overlap_tokens=16)
    chunks = chunker.chunk(_doc(" ".join(sentences)))
    assert len(chunks) > 5
    assert all(wordpiece_token_count(c.text) <= 64 for c in chunks)
    # consecutive chunks share text (overlap) and together cover every sentence
    assert any(chunks[0].text.split(". ")[-1] in chunks[1].text for _ in [0])
    joined = " ".join(c.text for c in chunks)
    assert all(s in joined for s in sentences)


def test_run_on_text_without_punctuation_is_still_cut() -> None:
    chunks = Chunker(max_tokens=50, overlap_tokens=8).chunk(_doc("word " * 1000))
    assert len(chunks) > 10
    assert all(wordpiece_token_count(c.text) <= 50 for c in chunks)


def test_tiny_sections_are_merged_with_the_next() -> None:
    text = "## A\nShort.\n\n## B\n" + "Longer body text about overdrafts and interest. " * 5
    chunks = Chunker(max_tokens=200, overlap_tokens=16, min_section_tokens=10).chunk(_doc(text))
    assert len(chunks) == 1
    assert "Short." in chunks[0].text and chunks[0].heading == "A"


def test_chunk_hash_changes_with_text() -> None:
    a = Chunker().chunk(_doc("Some text here."))[0]
    b = Chunker().chunk(_doc("Some other text here."))[0]
    assert a.chunk_hash != b.chunk_hash


def test_token_counters_agree_roughly() -> None:
    text = "Your card should arrive within 3-5 working days."
    assert 8 <= wordpiece_token_count(text) <= 16
    assert 8 <= approximate_token_count(text) <= 16


def test_long_sections_keep_their_line_breaks() -> None:
    # A heading line stays on its own line, so the sentence under it is not glued to it.
    body = "\n\n".join(
        f"Topic {i} heading\nThe answer for topic {i} is written here in a full sentence." for i in range(30)
    )
    chunks = Chunker(max_tokens=64, overlap_tokens=16).chunk(_doc(body))
    assert len(chunks) > 3
    assert all(wordpiece_token_count(c.text) <= 64 for c in chunks)
    assert any("Topic 5 heading\nThe answer for topic 5" in c.text for c in chunks)
    assert not any("heading The answer" in c.text for c in chunks)
    # Paragraphs that share a chunk are still separated by a blank line.
    assert any("written here in a full sentence.\n\nTopic" in c.text for c in chunks)
