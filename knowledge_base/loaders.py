"""Loaders for the two source formats: JSONL (one document a line) and Markdown with YAML front matter.

Loaders never raise on bad content: every rejected document becomes a :class:`LoadError` naming the
file and line, and the good documents are still returned, so one bad line cannot stop an ingest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge_base.documents import Document

#: Files in a Markdown folder that describe the folder rather than being documents.
SKIPPED_MARKDOWN_FILES = frozenset({"README.md", "INDEX.md"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})


@dataclass(frozen=True)
class LoadError:
    """A document that was rejected, and where it was."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SourcedDocument:
    """A document with the file and line it came from, and the root the caller named."""

    document: Document
    source: str
    line: int | None
    root: str


@dataclass
class LoadResult:
    documents: list[SourcedDocument] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    #: The files and folders the caller named.
    roots: list[str] = field(default_factory=list)
    #: Roots (as given by the caller) that produced at least one error.
    roots_with_errors: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors


def _describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "document"
        if err["type"] == "missing":
            parts.append(f"missing required field '{loc}'")
        else:
            parts.append(f"field '{loc}': {err['msg']}")
    return "; ".join(parts)


def _validate(raw: object) -> Document | str:
    if not isinstance(raw, dict):
        return f"expected a JSON object, got {type(raw).__name__}"
    try:
        return Document.model_validate(raw)
    except ValidationError as exc:
        return _describe_validation_error(exc)


def load_jsonl(path: Path, *, root: str | None = None) -> LoadResult:
    """Load a JSONL file; blank lines are ignored, every other line must be one document."""
    result = LoadResult()
    root = root or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.errors.append(LoadError(str(path), None, f"cannot read file: {exc.strerror or exc}"))
        return result
    for number, raw_line in enumerate(data.splitlines(), start=1):
        if not raw_line.strip():
            continue
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            result.errors.append(LoadError(str(path), number, f"not valid UTF-8 (byte {exc.start})"))
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            result.errors.append(LoadError(str(path), number, f"malformed JSON: {exc.msg} (column {exc.colno})"))
            continue
        doc = _validate(raw)
        if isinstance(doc, str):
            result.errors.append(LoadError(str(path), number, doc))
        else:
            result.documents.append(SourcedDocument(doc, str(path), number, root))
    return result


def parse_markdown(text: str) -> tuple[dict[str, object], str, int]:
    """Split YAML front matter from a Markdown body; returns (metadata, body, first body line)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("missing YAML front matter (the file must start with a '---' line)")
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "...")), None)
    if end is None:
        raise ValueError("front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise ValueError(f"invalid YAML front matter{where}: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(meta, dict):
        raise ValueError("front matter must be a mapping of fields")
    body = "\n".join(lines[end + 1 :]).strip()
    return meta, body, end + 2


def load_markdown_file(path: Path, *, root: str | None = None) -> LoadResult:
    result = LoadResult()
    root = root or str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        result.errors.append(LoadError(str(path), line, f"not valid UTF-8 (byte {exc.start})"))
        return result
    except OSError as exc:
        result.errors.append(LoadError(str(path), None, f"cannot read file: {exc.strerror or exc}"))
        return result
    try:
        meta, body, _ = parse_markdown(text)
    except ValueError as exc:
        result.errors.append(LoadError(str(path), 1, str(exc)))
        return result
    meta.setdefault("text", body)
    if "id" not in meta:
        meta["id"] = path.stem
    doc = _validate(meta)
    if isinstance(doc, str):
        result.errors.append(LoadError(str(path), 1, doc))
    else:
        result.documents.append(SourcedDocument(doc, str(path), 1, root))
    return result


def _files_under(directory: Path) -> Iterable[Path]:
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(directory).parts):
            continue
        is_markdown = path.suffix in MARKDOWN_SUFFIXES and path.name not in SKIPPED_MARKDOWN_FILES
        if is_markdown or path.suffix in JSONL_SUFFIXES:
            yield path


def load_paths(paths: Sequence[Path | str]) -> LoadResult:
    """Load files and folders (recursively: ``*.md`` and ``*.jsonl``); duplicate ids are rejected.

    The first occurrence of an id wins; every later one is an error that names both places.
    """
    result = LoadResult()
    seen: dict[str, SourcedDocument] = {}
    for given in paths:
        root_path = Path(given)
        root = str(root_path)
        result.roots.append(root)
        if root_path.is_dir():
            files = list(_files_under(root_path))
        elif root_path.exists():
            files = [root_path]
        else:
            result.errors.append(LoadError(root, None, "no such file or directory"))
            result.roots_with_errors.add(root)
            continue
        for file in files:
            if file.suffix in MARKDOWN_SUFFIXES:
                part = load_markdown_file(file, root=root)
            elif file.suffix in JSONL_SUFFIXES or file.suffix == ".json":
                part = load_jsonl(file, root=root)
            else:
                unsupported = LoadError(str(file), None, "unsupported file type (use .jsonl or .md)")
                part = LoadResult(errors=[unsupported])
            if part.errors:
                result.roots_with_errors.add(root)
            result.errors.extend(part.errors)
            for sourced in part.documents:
                first = seen.get(sourced.document.id)
                if first is not None:
                    where = f"{first.source}:{first.line}" if first.line else first.source
                    result.errors.append(
                        LoadError(sourced.source, sourced.line,
                                  f"duplicate id '{sourced.document.id}' (first seen at {where})")
                    )
                    result.roots_with_errors.add(root)
                    continue
                seen[sourced.document.id] = sourced
                result.documents.append(sourced)
    return result
