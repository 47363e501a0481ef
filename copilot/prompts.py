"""Versioned prompt templates, loaded from ``prompts/<name>/v<N>.yaml``.

A template is data: the system and user messages (``string.Template`` placeholders, ``${name}``),
the variables it requires and the JSON Schema of its output. Every response names the prompt id and
version that produced it. Untrusted text (the conversation, retrieved passages) is rendered by the
callers inside delimiting tags, after :func:`copilot.guardrails.injection.neutralise_delimiters`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

import yaml

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"
_VERSION_FILE = re.compile(r"^v(\d+)\.ya?ml$")


class PromptError(ValueError):
    """A prompt is missing, malformed, or was rendered without its variables."""


@dataclass(frozen=True)
class PromptTemplate:
    id: str
    version: str
    description: str
    variables: tuple[str, ...]
    system: str
    user: str
    output_schema: dict[str, Any]
    path: Path

    def render(self, **values: str) -> tuple[str, str]:
        """The system and user messages with every variable filled in."""
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise PromptError(f"prompt {self.id} v{self.version} needs {', '.join(missing)}")
        unknown = sorted(set(values) - set(self.variables))
        if unknown:
            raise PromptError(f"prompt {self.id} v{self.version} has no variable {', '.join(unknown)}")
        try:
            return Template(self.system).substitute(values), Template(self.user).substitute(values)
        except (KeyError, ValueError) as exc:
            raise PromptError(f"prompt {self.id} v{self.version}: {exc}") from exc


class PromptLibrary:
    """All templates under a folder; the highest version of a name is the default."""

    def __init__(self, root: Path = PROMPTS_DIR) -> None:
        self.root = root

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and self._versions(p.name))

    def _versions(self, name: str) -> dict[int, Path]:
        folder = self.root / name
        found: dict[int, Path] = {}
        if folder.is_dir():
            for path in folder.iterdir():
                match = _VERSION_FILE.match(path.name)
                if match:
                    found[int(match.group(1))] = path
        return found

    def versions(self, name: str) -> list[str]:
        return [str(v) for v in sorted(self._versions(name))]

    def get(self, name: str, version: str | None = None) -> PromptTemplate:
        versions = self._versions(name)
        if not versions:
            raise PromptError(f"no prompt named {name!r} under {self.root}")
        number = max(versions) if version is None else int(version.lstrip("v"))
        if number not in versions:
            raise PromptError(f"prompt {name!r} has no version {version} (has {sorted(versions)})")
        return _load(versions[number])


@functools.lru_cache(maxsize=64)
def _load(path: Path) -> PromptTemplate:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PromptError(f"cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise PromptError(f"{path} must hold a mapping")
    try:
        template = PromptTemplate(
            id=str(raw["id"]),
            version=str(raw["version"]),
            description=str(raw.get("description", "")),
            variables=tuple(raw.get("variables") or ()),
            system=str(raw["system"]),
            user=str(raw["user"]),
            output_schema=dict(raw["output_schema"]),
            path=path,
        )
    except KeyError as exc:
        raise PromptError(f"{path} lacks the field {exc}") from exc
    found = re.finditer(r"\$(?:\{(\w+)\}|(\w+))", template.system + template.user)
    placeholders = {m.group(1) or m.group(2) for m in found}
    if placeholders != set(template.variables):
        raise PromptError(
            f"{path}: variables {sorted(template.variables)} do not match placeholders {sorted(placeholders)}"
        )
    return template
