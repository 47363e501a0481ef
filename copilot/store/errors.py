"""The store's errors, drawn once.

::

    StoreError          base: the database could not do what was asked (down, locked, constraint,
    │                   missing tables); the operation did not happen, nothing was half-written
    └── NotFound        the interaction named does not exist (also a ``LookupError``)

Invalid arguments (an unknown verdict, ``edited_text`` with a verdict other than ``edited``, a
malformed id, negative token counts) raise ``ValueError`` before the database is touched: they are
the caller's bug or the user's bad input, not a store failure.

Who sees them: nobody outside the service. The API maps ``NotFound`` to 404, ``ValueError`` to 422
and ``StoreError`` to 503. Messages name the operation and the database's one-line reason; they
never carry bound parameters or stored text.
"""

from __future__ import annotations

__all__ = ["NotFound", "StoreError"]


class StoreError(Exception):
    """The database failed; the operation was not done (its transaction was rolled back).

    Attributes:
        operation: what was being done (``record_interaction``, ``add_feedback``, ...).
    """

    def __init__(self, message: str, *, operation: str) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation


class NotFound(StoreError, LookupError):
    """The interaction named does not exist (it was never recorded, or it was deleted)."""
