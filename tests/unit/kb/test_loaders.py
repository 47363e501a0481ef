from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base.documents import Audience, Document, DocumentKind
from knowledge_base.loaders import load_jsonl, load_markdown_file, load_paths


def _line(**fields: object) -> str:
    return json.dumps(fields)


def test_jsonl_good_and_bad_lines_are_reported_by_line(tmp_path: Path) -> None:
    path = tmp_path / "kb.jsonl"
    lines = [
        _line(id="a", title="A", text="alpha", audience="public"),
        "{not json",
        _line(id="b", text="no title"),
        _line(title="no id", text="x"),
        _line(id="c", title="C", text="   "),
        "",
        _line(id="d", title="D", text="delta"),
        '["a list"]',
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = load_jsonl(path)
    assert [s.document.id for s in result.documents] == ["a", "d"]
    messages = {e.line: e.message for e in result.errors}
    assert set(messages) == {2, 3, 4, 5, 8}
    assert "malformed JSON" in messages[2]
    assert "missing required field 'title'" in messages[3]
    assert "missing required field 'id'" in messages[4]
    assert "text" in messages[5]
    assert "JSON object" in messages[8]
    assert all(str(e).startswith(f"{path}:") for e in result.errors)


def test_non_utf8_line_is_rejected_and_the_rest_loaded(tmp_path: Path) -> None:
    path = tmp_path / "kb.jsonl"
    path.write_bytes(_line(id="a", title="A", text="ok").encode() + b"\n" + b'{"id": "b", "title": "\xff\xfe", "text": "x"}\n')
    result = load_jsonl(path)
    assert [s.document.id for s in result.documents] == ["a"]
    assert result.errors[0].line == 2
    assert "UTF-8" in result.errors[0].message


def test_missing_audience_means_internal_and_defaults() -> None:
    doc = Document.model_validate({"id": "x", "title": "T", "text": "body", "audience": None, "kind": None})
    assert doc.audience is Audience.INTERNAL
    assert doc.kind is DocumentKind.ARTICLE
    assert Document(id="y", title="T", text="b").audience is Audience.INTERNAL


def test_bad_enum_values_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "kb.jsonl"
    path.write_text(_line(id="a", title="A", text="t", audience="everyone") + "\n", encoding="utf-8")
    result = load_jsonl(path)
    assert not result.documents
    assert "audience" in result.errors[0].message


def test_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "card.md"
    path.write_text(
        "---\nid: card-x\ntitle: Card X\naudience: public\ntags: [cards, security]\nupdated_at: 2026-10-01\n---\n"
        "## Heading\nBody text.\n",
        encoding="utf-8",
    )
    result = load_markdown_file(path)
    assert not result.errors
    doc = result.documents[0].document
    assert doc.id == "card-x"
    assert doc.tags == ("cards", "security")
    assert doc.text.startswith("## Heading")
    assert doc.updated_at is not None and doc.updated_at.year == 2026


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("no front matter\n", "missing YAML front matter"),
        ("---\nid: x\ntitle: [unclosed\n---\nbody\n", "invalid YAML"),
        ("---\nid: x\ntitle: T\n", "not closed"),
        ("---\n- a\n- b\n---\nbody\n", "mapping"),
        ("---\nid: x\n---\nbody\n", "title"),
    ],
)
def test_markdown_errors_are_clear(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(content, encoding="utf-8")
    result = load_markdown_file(path)
    assert not result.documents
    assert fragment in result.errors[0].message


def test_duplicate_ids_across_sources_name_both_places(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("---\nid: dup\ntitle: First\n---\nbody\n", encoding="utf-8")
    (tmp_path / "docs" / "INDEX.md").write_text("# not a document\n", encoding="utf-8")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(_line(id="dup", title="Second", text="t") + "\n" + _line(id="z", title="Z", text="t"), encoding="utf-8")
    result = load_paths([tmp_path / "docs", jsonl])
    assert [s.document.id for s in result.documents] == ["dup", "z"]
    assert len(result.errors) == 1
    assert "duplicate id 'dup'" in result.errors[0].message
    assert "a.md" in result.errors[0].message
    assert result.roots_with_errors == {str(jsonl)}


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    result = load_paths([tmp_path / "nope.jsonl"])
    assert result.errors and "no such file" in result.errors[0].message


def test_sample_knowledge_base_loads_cleanly() -> None:
    content = Path(__file__).resolve().parents[3] / "knowledge_base" / "content"
    result = load_paths([content])
    assert result.ok, [str(e) for e in result.errors[:5]]
    docs = [s.document for s in result.documents]
    public = [d for d in docs if d.audience is Audience.PUBLIC and d.kind is DocumentKind.ARTICLE]
    internal_articles = [d for d in docs if d.audience is Audience.INTERNAL and d.kind is DocumentKind.ARTICLE]
    resolutions = [d for d in docs if d.kind is DocumentKind.RESOLUTION]
    assert len(public) >= 40
    assert len(internal_articles) >= 10
    assert len(resolutions) >= 80
    assert all(r.audience is Audience.INTERNAL for r in resolutions)
