"""The document model shared by every loader, the index and the pipelines.

It matches the knowledge-base interchange format: ``id``, ``title`` and ``text`` are required; a
missing ``audience`` means ``internal`` (unknown content gets the least access).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class DocumentKind(StrEnum):
    ARTICLE = "article"
    RESOLUTION = "resolution"


class Audience(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"


class Document(BaseModel):
    """One help article, internal procedure or anonymised past resolution."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=512)
    title: str = Field(min_length=1, max_length=1000)
    text: str = Field(min_length=1)
    kind: DocumentKind = DocumentKind.ARTICLE
    audience: Audience = Audience.INTERNAL
    url: str | None = None
    locale: str | None = None
    tags: tuple[str, ...] = ()
    updated_at: date | None = None

    @field_validator("audience", mode="before")
    @classmethod
    def _null_audience_is_internal(cls, value: object) -> object:
        # An explicit null is as good as a missing key: unknown content gets the least access.
        return Audience.INTERNAL if value is None else value

    @field_validator("kind", mode="before")
    @classmethod
    def _null_kind_is_article(cls, value: object) -> object:
        return DocumentKind.ARTICLE if value is None else value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(t.strip() for t in value.split(",") if t.strip())
        return value

    @property
    def is_public(self) -> bool:
        return self.audience is Audience.PUBLIC

    def content_hash(self) -> str:
        """A hash of everything that goes into the index; it changes when anything indexed changes."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
