"""Structured logging for the service: JSON lines, a request id on every record, and no raw PII.

``configure_logging`` installs one handler on the root logger (JSON through python-json-logger, or
plain text for a terminal) with a :class:`PiiRedactingFilter`. The filter runs on every record that
reaches a handler it is attached to, from any logger, and before any formatter sees the record:

- the message is rendered (``msg % args``) and masked, then stored back with no ``args``, so a card
  number passed as an argument is masked like one written in the format string;
- every ``extra`` field is masked: strings, and strings inside dicts, lists and tuples; numbers that
  read as PII (a 16-digit card as an ``int``); any other object through its ``str``. The field's
  name counts as a label, so ``extra={"account_number": "12345678"}`` is masked although the bare
  value would not be;
- a traceback (``exc_info``) and ``stack_info`` are rendered and masked; ``exc_info`` is then
  cleared so that no formatter renders the raw exception again;
- ``request_id`` (from :data:`request_id_var`, which the API sets per request) is added.

Filters on a logger apply only to records logged on that very logger, not to those propagated from
its children, which is why the filter goes on handlers. ``configure_logging`` also adds it to any
handler already on the root logger, and routes uvicorn's loggers through the root, so that no
line escapes it (pass ``log_config=None`` to uvicorn so that it keeps this set-up).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter

from copilot.guardrails.pii import PiiVault

__all__ = ["PiiRedactingFilter", "configure_logging", "request_id_var"]

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The current request's id; :class:`PiiRedactingFilter` copies it onto every record."""

_HANDLER_NAME = "copilot"
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [request_id=%(request_id)s] %(message)s"
_JSON_FIELDS = ("asctime", "levelname", "name", "message", "request_id")
_JSON_RENAMES = {"asctime": "timestamp", "levelname": "level", "name": "logger"}
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}
_MAX_DEPTH = 6


def _mask_labelled(vault: PiiVault, key: str, text: str) -> str:
    """Mask ``text`` with the field name in front of it as context (``account_number: 12345678``)."""
    label = key.replace("_", " ").replace("-", " ").strip()
    if label:
        prefix = f"{label}: "
        masked = vault.mask(prefix + text)
        if masked.startswith(prefix):
            return masked[len(prefix) :]
    return vault.mask(text)


def _redact(vault: PiiVault, value: Any, key: str, depth: int = 0) -> Any:
    """A copy of ``value`` with every string in it masked; containers are walked, not mutated."""
    if isinstance(value, str):
        return _mask_labelled(vault, key, value)
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        as_text = str(value)
        masked = _mask_labelled(vault, key, as_text)
        return value if masked == as_text else masked
    if depth >= _MAX_DEPTH:
        return "[REDACTED: nested too deep]"
    if isinstance(value, Mapping):
        return {
            (_redact(vault, k, "", depth + 1) if isinstance(k, str) else k): _redact(vault, v, str(k), depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact(vault, item, key, depth + 1) for item in value]
    try:
        return _mask_labelled(vault, key, str(value))
    except Exception:  # a broken __str__ must not break logging
        return f"[REDACTED: unprintable {type(value).__name__}]"


class PiiRedactingFilter(logging.Filter):
    """Masks PII in a record's message, ``extra`` fields, traceback and stack, and adds ``request_id``.

    It never drops a record (``filter`` always returns ``True``) and never raises: a message whose
    arguments do not fit its format string is logged as the masked format string with a note.
    Running it twice on one record is harmless, since masked text has nothing left to mask.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always keep it."""
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        vault = PiiVault()  # one per record: a value repeated within a line keeps one placeholder
        self._redact_message(record, vault)
        self._redact_exception(record, vault)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS:
                record.__dict__[key] = _redact(vault, value, key)
        return True

    @staticmethod
    def _redact_message(record: logging.LogRecord, vault: PiiVault) -> None:
        if isinstance(record.msg, Mapping) and not record.args:
            record.msg = _redact(vault, record.msg, "")  # python-json-logger merges a dict message into the line
            return
        try:
            rendered = record.getMessage()
        except Exception:
            rendered = f"{record.msg} [log arguments dropped: they did not fit the message]"
        record.msg = vault.mask(rendered)
        record.args = None
        if isinstance(record.__dict__.get("message"), str):
            record.message = record.msg

    @staticmethod
    def _redact_exception(record: logging.LogRecord, vault: PiiVault) -> None:
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = vault.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = vault.mask(record.stack_info)


def _json_formatter() -> logging.Formatter:
    return JsonFormatter(
        list(_JSON_FIELDS),
        rename_fields=dict(_JSON_RENAMES),
        json_ensure_ascii=False,
    )


def configure_logging(level: str = "INFO", json: bool = True, *, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record to ``stream`` (standard error by default), redacted, one line each.

    ``json=True`` writes JSON objects with ``timestamp``, ``level``, ``logger``, ``message``,
    ``request_id`` and any ``extra`` fields; ``json=False`` writes
    ``<time> <LEVEL> <logger> [request_id=<id>] <message>``. ``level`` is a standard level name
    (case-insensitive); an unknown name raises ``ValueError``.

    Calling it again replaces the handler it installed before (it is idempotent); other handlers on
    the root logger are kept, with a :class:`PiiRedactingFilter` added. Returns the new handler.
    """
    level_name = level.upper()
    if level_name not in logging.getLevelNamesMapping():
        raise ValueError(f"unknown log level {level!r}")
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
            existing.close()
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(_json_formatter() if json else logging.Formatter(_TEXT_FORMAT))
    root.addHandler(handler)
    for existing in root.handlers:
        if not any(isinstance(f, PiiRedactingFilter) for f in existing.filters):
            existing.addFilter(PiiRedactingFilter())
    root.setLevel(level_name)
    for name in _UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    return handler
