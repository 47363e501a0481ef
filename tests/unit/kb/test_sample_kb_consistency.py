"""The sample knowledge base says one thing: numbers, fees and procedures agree across documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

CONTENT = Path(__file__).resolve().parents[3] / "knowledge_base" / "content"
PHONE = re.compile(r"(?:\+44 |0)300 555 0\d{3}")
ROUND_THE_CLOCK = re.compile(r"24/7|24 hours|day or night|round the clock", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _documents() -> dict[str, str]:
    docs = {p.stem: p.read_text(encoding="utf-8") for p in (CONTENT / "articles").glob("*.md")}
    docs |= {p.stem: p.read_text(encoding="utf-8") for p in (CONTENT / "procedures").glob("*.md")}
    for line in (CONTENT / "resolutions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs[row["id"]] = row["text"]
    return docs


def _contact_table() -> dict[str, str]:
    """Number -> hours, from the contact-us article's table."""
    table = {}
    for line in (CONTENT / "articles" / "contact-us.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip(" *") for c in line.split("|")]
        for cell in cells:
            if PHONE.fullmatch(cell):
                table[cell] = cells[-2]
    return table


def test_every_phone_number_is_a_listed_one() -> None:
    listed = _contact_table()
    assert listed, "the contact-us table lists no numbers"
    for doc_id, text in _documents().items():
        for number in PHONE.findall(text):
            assert number in listed, f"{doc_id} gives {number}, which contact-us does not list"


def test_office_hours_numbers_are_never_called_round_the_clock() -> None:
    listed = _contact_table()
    office = {n for n, hours in listed.items() if not ROUND_THE_CLOCK.search(hours)}
    assert office, "contact-us lists no office-hours number"
    for doc_id, text in _documents().items():
        sentences = [s for s in SENTENCE.split(text) if s.strip()]
        for i, sentence in enumerate(sentences):
            numbers = set(PHONE.findall(sentence))
            if numbers & office and not numbers - office:
                assert not ROUND_THE_CLOCK.search(sentence), f"{doc_id}: {sentence.strip()}"
                # "Our 24/7 line is X. From abroad, call Y": Y is read as the 24/7 line from abroad.
                # (Table rows are separate entries, each with its own hours.)
                follows = i > 0 and not sentence.lstrip().startswith("|") and ROUND_THE_CLOCK.search(sentences[i - 1])
                from_abroad = re.search(r"abroad|outside the UK", sentence)
                assert not (follows and from_abroad), f"{doc_id}: {sentences[i - 1].strip()} {sentence.strip()}"



def test_percentages_in_resolutions_are_the_articles_fees() -> None:
    docs = _documents()
    public = "\n".join(text for doc_id, text in docs.items() if not doc_id.startswith(("res-", "proc-")))
    stated = set(re.findall(r"\d+(?:\.\d+)?%", public))
    for doc_id, text in docs.items():
        if doc_id.startswith("res-"):
            for pct in re.findall(r"\d+(?:\.\d+)?%", text):
                assert pct in stated, f"{doc_id} states {pct}, which no article does"


def test_the_bank_is_app_only_and_staff_do_not_key_address_changes() -> None:
    for doc_id, text in _documents().items():
        assert not re.search(r"web chat|laptop|desktop|on our website", text, re.IGNORECASE), doc_id
        if doc_id.startswith("res-"):
            assert not re.search(r"address (is|was|has been) (now )?updated|I've updated your address", text), doc_id


def test_a_death_freezes_the_account_at_once() -> None:
    for doc_id, text in _documents().items():
        if doc_id.startswith("res-") and re.search(r"passed away|died|death certificate", text):
            assert not re.search(r"froze the account when (received|it arrived)|once we have it, we'll freeze",
                                 text, re.IGNORECASE), doc_id


def test_no_fee_is_said_to_be_absent_beside_a_markup() -> None:
    for doc_id, text in _documents().items():
        if "markup" in text:
            assert not re.search(r"(don't|do not|never) charge (a|any) foreign transaction fee", text), doc_id
