"""The embedding modules depend one way: the factory imports the ONNX embedder, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

KB = Path(__file__).resolve().parents[3] / "knowledge_base"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_onnx_embedder_does_not_import_the_factory() -> None:
    assert "knowledge_base.embeddings" not in _imports(KB / "onnx_embedder.py")
    assert "knowledge_base.encoders" in _imports(KB / "onnx_embedder.py")


def test_encoders_import_neither() -> None:
    imports = _imports(KB / "encoders.py")
    assert not {"knowledge_base.embeddings", "knowledge_base.onnx_embedder"} & imports
