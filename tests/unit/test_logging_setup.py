"""Structured logging: JSON lines, request ids, and no raw PII in any line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from copilot.logging_setup import PiiRedactingFilter, configure_logging, request_id_var

CARD = "4111 1111 1111 1111"
EMAIL = "jane.doe+bank@example.co.uk"
ACCOUNT = "55779911"
RAW_VALUES = [CARD, CARD.replace(" ", ""), EMAIL, ACCOUNT, "07700 900123", "GB29 NWBK 6016 1331 9268 19", "SW1A 1AA"]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back after each test."""
    root = logging.getLogger()
    saved_handlers = list(root.handlers)
    saved_filters = {id(h): list(h.filters) for h in saved_handlers}
    saved_level = root.level
    uvicorn = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate)
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    }
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in saved_handlers:
                root.removeHandler(handler)
        for handler in saved_handlers:
            handler.filters[:] = saved_filters[id(handler)]
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(saved_level)
        for name, (handlers, propagate) in uvicorn.items():
            logging.getLogger(name).handlers[:] = handlers
            logging.getLogger(name).propagate = propagate


@pytest.fixture
def json_lines(restore_logging: None) -> io.StringIO:
    stream = io.StringIO()
    configure_logging("DEBUG", json=True, stream=stream)
    return stream


def records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def assert_no_raw_pii(output: str) -> None:
    for value in RAW_VALUES:
        assert value not in output, value


def test_json_line_has_the_standard_fields(json_lines: io.StringIO) -> None:
    logging.getLogger("copilot.test").info("hello %s", "world")
    [line] = records(json_lines)
    assert line["message"] == "hello world"
    assert line["level"] == "INFO"
    assert line["logger"] == "copilot.test"
    assert "timestamp" in line
    assert line["request_id"] is None


def test_request_id_comes_from_the_context_variable(json_lines: io.StringIO) -> None:
    token = request_id_var.set("req-42")
    try:
        logging.getLogger("copilot.test").warning("inside a request")
    finally:
        request_id_var.reset(token)
    logging.getLogger("copilot.test").warning("outside")
    first, second = records(json_lines)
    assert first["request_id"] == "req-42"
    assert second["request_id"] is None


def test_pii_in_the_message_and_its_arguments_is_masked(json_lines: io.StringIO) -> None:
    log = logging.getLogger("copilot.test")
    log.info(f"customer wrote: my card is {CARD}")
    log.info("card %s, email %s, same card %s", CARD, EMAIL, CARD.replace(" ", ""))
    log.info("sort code 20-00-00 account %(account)s", {"account": ACCOUNT})
    output = json_lines.getvalue()
    assert_no_raw_pii(output)
    first, second, third = records(json_lines)
    assert first["message"] == "customer wrote: my card is [CARD_1]"
    assert second["message"] == "card [CARD_1], email [EMAIL_1], same card [CARD_1]"
    assert third["message"] == "sort code [SORT_CODE_1] account [ACCOUNT_1]"


def test_every_extra_field_is_masked(json_lines: io.StringIO) -> None:
    class Customer:
        def __str__(self) -> str:
            return f"Customer(email={EMAIL})"

    logging.getLogger("copilot.test").info(
        "event",
        extra={
            "account_number": ACCOUNT,  # a bare 8-digit value: the field name is the label
            "email": EMAIL,
            "card_as_int": int(CARD.replace(" ", "")),
            "nested": {"phone": "07700 900123", "list": ["SW1A 1AA", ("GB29 NWBK 6016 1331 9268 19",)]},
            "customer": Customer(),
            "count": 3,
            "ratio": 0.5,
            "ok": True,
        },
    )
    output = json_lines.getvalue()
    assert_no_raw_pii(output)
    [line] = records(json_lines)
    assert line["account_number"] == "[ACCOUNT_1]"
    assert line["email"] == "[EMAIL_1]"
    assert line["card_as_int"] == "[CARD_1]"
    assert line["nested"] == {"phone": "[PHONE_1]", "list": ["[POSTCODE_1]", ["[IBAN_1]"]]}
    assert line["customer"] == "Customer(email=[EMAIL_1])"
    assert (line["count"], line["ratio"], line["ok"]) == (3, 0.5, True)


def test_a_dict_message_is_masked(json_lines: io.StringIO) -> None:
    logging.getLogger("copilot.test").info({"event": "feedback", "text": f"my email is {EMAIL}"})
    assert_no_raw_pii(json_lines.getvalue())
    [line] = records(json_lines)
    assert line["event"] == "feedback"
    assert line["text"] == "my email is [EMAIL_1]"


def test_tracebacks_are_masked(json_lines: io.StringIO) -> None:
    log = logging.getLogger("copilot.test")
    try:
        raise ValueError(f"could not parse card {CARD} for {EMAIL}")
    except ValueError:
        log.exception("parsing failed")
    log.info("with stack", stack_info=True, extra={"note": EMAIL})
    assert_no_raw_pii(json_lines.getvalue())
    first, _ = records(json_lines)
    assert "ValueError: could not parse card [CARD_1] for [EMAIL_1]" in first["exc_info"]


def test_arguments_that_do_not_fit_never_break_logging(json_lines: io.StringIO) -> None:
    logging.getLogger("copilot.test").info("two %s %s", CARD)
    assert_no_raw_pii(json_lines.getvalue())
    [line] = records(json_lines)
    assert line["message"].startswith("two %s %s")


def test_records_from_any_logger_are_masked(json_lines: io.StringIO) -> None:
    logging.getLogger("some.library.deep.inside").error("user %s", EMAIL)
    logging.getLogger("uvicorn.access").info("GET /v1/answer?email=%s 200", EMAIL)
    logging.getLogger().warning("root %s", CARD)
    assert_no_raw_pii(json_lines.getvalue())
    assert len(records(json_lines)) == 3


def test_text_format(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging("info", json=False, stream=stream)
    token = request_id_var.set("req-7")
    try:
        logging.getLogger("copilot.test").info("call %s", "07700 900123")
        logging.getLogger("copilot.test").debug("hidden at INFO")
    finally:
        request_id_var.reset(token)
    out = stream.getvalue()
    assert out.count("\n") == 1
    assert "INFO copilot.test [request_id=req-7] call [PHONE_1]" in out
    assert_no_raw_pii(out)


def test_configure_logging_is_idempotent_and_checks_the_level(restore_logging: None) -> None:
    first = configure_logging(stream=io.StringIO())
    second = configure_logging(stream=io.StringIO())
    root = logging.getLogger()
    assert first not in root.handlers
    assert second in root.handlers
    assert sum(h.get_name() == second.get_name() for h in root.handlers) == 1
    assert root.level == logging.INFO
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging("LOUD")


def test_existing_root_handlers_get_the_filter_too(restore_logging: None) -> None:
    stream = io.StringIO()
    other = logging.StreamHandler(stream)
    logging.getLogger().addHandler(other)
    configure_logging(stream=io.StringIO())
    logging.getLogger("copilot.test").warning("card %s", CARD)
    assert any(isinstance(f, PiiRedactingFilter) for f in other.filters)
    assert_no_raw_pii(stream.getvalue())
    assert "[CARD_1]" in stream.getvalue()


def test_the_filter_alone_on_any_handler() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PiiRedactingFilter())
    handler.setFormatter(logging.Formatter("%(message)s %(request_id)s %(who)s"))
    log = logging.getLogger("copilot.test.isolated")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("email %s", EMAIL, extra={"who": EMAIL})
    finally:
        log.removeHandler(handler)
        log.propagate = True
    assert stream.getvalue() == "email [EMAIL_1] None [EMAIL_1]\n"


def test_running_the_filter_twice_changes_nothing() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "card %s", (CARD,), None)
    redacting = PiiRedactingFilter()
    assert redacting.filter(record)
    once = record.getMessage()
    assert redacting.filter(record)
    assert record.getMessage() == once == "card [CARD_1]"
