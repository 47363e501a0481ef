"""API keys: who is calling (:class:`Principal`) and what they may do (scopes).

A key arrives as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Its SHA-256 is compared with
every configured hash in constant time (:func:`hmac.compare_digest`, no early exit), so neither the
timing nor the position of a match tells anything about the keys. The key itself is never kept,
logged or stored: the principal's *name* is what logs and the store see.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from api.settings import ApiKey, Scope

__all__ = ["KeyRing", "Principal", "presented_key"]

_MAX_KEY_CHARS = 512


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller."""

    name: str
    scopes: frozenset[Scope]
    rate_per_minute: float | None = None
    burst: int | None = None

    def has_any(self, scopes: Iterable[Scope]) -> bool:
        """Whether the principal holds at least one of ``scopes``."""
        return not self.scopes.isdisjoint(scopes)


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key the request presents (Bearer first, then X-API-Key), or ``None``.

    An ``Authorization`` header with another scheme (Basic, ...) presents no usable key: ``""``.
    """
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.strip().partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""
    api_key = headers.get("x-api-key")
    return api_key.strip() if api_key is not None else None


class KeyRing:
    """The configured keys, by hash."""

    def __init__(self, keys: Iterable[ApiKey]) -> None:
        self._keys = [(bytes.fromhex(k.sha256), k) for k in keys]

    def __len__(self) -> int:
        return len(self._keys)

    def authenticate(self, key: str) -> Principal | None:
        """The principal of ``key``, or ``None`` when it matches no configured key."""
        if not key or len(key) > _MAX_KEY_CHARS:
            return None
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()
        found: ApiKey | None = None
        for expected, config in self._keys:
            if hmac.compare_digest(digest, expected):
                found = config
        if found is None:
            return None
        return Principal(found.name, found.scopes, found.rate_per_minute, found.burst)
