"""PII masking: detection per type, false positives that must not happen, the vault, speed, properties."""

from __future__ import annotations

import re
import time
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot.guardrails.pii import Finding, PiiType, PiiVault, find_pii, luhn_ok, mask_text


def types_in(text: str) -> list[PiiType]:
    return [f.type for f in find_pii(text)]


def with_check_digit(body: str) -> str:
    """Append the Luhn check digit to ``body``."""
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError("unreachable")


# --- cards ---------------------------------------------------------------------------------------

VALID_CARDS = [
    "4111111111111111",  # Visa
    "5555555555554444",  # Mastercard
    "378282246310005",  # Amex, 15 digits
    "6011111111111117",  # Discover
    "4222222222222",  # Visa, 13 digits
    with_check_digit("630400000000000000"),  # 19 digits
]


@pytest.mark.parametrize("card", VALID_CARDS)
def test_luhn_valid_cards_are_masked(card: str) -> None:
    assert mask_text(f"my card is {card} thanks") == "my card is [CARD_1] thanks"


@pytest.mark.parametrize("digits", ["4111111111111112", "5555555555554445", "1234567812345678", "378282246310006"])
def test_luhn_failing_digit_runs_are_not_cards(digits: str) -> None:
    assert not luhn_ok(digits)
    assert mask_text(f"ref {digits}") == f"ref {digits}"


def test_luhn_checksum_itself() -> None:
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Card: 4111 1111 1111 1111.", "Card: [CARD_1]."),
        ("card 4111-1111-1111-1111, expiry 12/27", "card [CARD_1], expiry 12/27"),
        ("amex 3782 822463 10005 ok", "amex [CARD_1] ok"),
        ("(4111111111111111)", "([CARD_1])"),
        ("card4111111111111111", "card[CARD_1]"),
        ("two cards: 4111 1111 1111 1111 5555 5555 5555 4444", "two cards: [CARD_1] [CARD_2]"),
    ],
)
def test_cards_embedded_in_text(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_card_followed_by_other_digits_is_still_masked() -> None:
    masked = mask_text("number 4111 1111 1111 1111 123 please")
    assert "4111" not in masked
    assert "[CARD_1]" in masked


def test_card_preceded_by_a_short_number_is_still_masked() -> None:
    assert mask_text("x 12 4111 1111 1111 1111") == "x 12 [CARD_1]"


def test_a_card_with_and_without_spaces_gets_one_placeholder() -> None:
    vault = PiiVault()
    masked = vault.mask("4111 1111 1111 1111 or 4111-1111-1111-1111 or 4111111111111111; 5555555555554444")
    assert masked == "[CARD_1] or [CARD_1] or [CARD_1]; [CARD_2]"


@pytest.mark.parametrize(
    "text",
    [
        "card \uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11",  # full-width
        "card \u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661",  # Arabic-Indic
        "card 4111\u00a01111\u00a01111\u00a01111",  # no-break spaces, as pasted from a web page
        "card 4111\u20131111\u20131111\u20131111",  # en dashes
    ],
)
def test_cards_in_other_digits_and_separators(text: str) -> None:
    vault = PiiVault()
    assert vault.mask(text) == "card [CARD_1]"
    assert vault.mask("4111111111111111") == "[CARD_1]"
    assert vault.restore("card [CARD_1]") == text


def test_long_digit_runs_are_not_cut_into_cards() -> None:
    # A 20-digit reference is not a card, even though some 16-digit slice of it may pass Luhn.
    assert mask_text("reference 41111111111111111111") == "reference 41111111111111111111"


# --- things that are not PII ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I paid £1,234.56 on 12/03/2026 at 14:30.",
        "Transfer of £12,345,678.90 on 2026-03-12 at 09:15:30",
        "Dates: 12.03.2026, 1/2/26, 31-12-2026 and 12 March 2026",
        "Between 10:00 and 17:30, Monday to Friday",
        "Order 12345678 was shipped; ticket 87654321",
        "Your one-time code is 123456",
        "Items 12 34 56 and 78",
        "It cost £12345678 which I moved to my account",
        "account balance 12345678.00",
        "account value 12345678 GBP",
        "Interest of 4.5% on balances up to 85000",
        "The 3-5 working days estimate for 2 cards",
        "Call us on 0800 123 4567 (freephone)",
        "Version 2.13.0 of the app, build 20261203",
        "On 01-02-26 I noticed it",
        "Meet me at A1 2BC or QX1 1AA",
        "user@localhost and @handle",
        "AB 12 34 56 E is not an NI number",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert find_pii(text) == []
    assert mask_text(text) == text


# --- sort codes and account numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sort code 12-34-56", "sort code [SORT_CODE_1]"),
        ("sort code: 12 34 56", "sort code: [SORT_CODE_1]"),
        ("Sort Code 123456", "Sort Code [SORT_CODE_1]"),
        ("sortcode=123456", "sortcode=[SORT_CODE_1]"),
        ("s/c 40-47-84", "s/c [SORT_CODE_1]"),
        ("it was 40-47-84 I think", "it was [SORT_CODE_1] I think"),
        ("account number 12345678", "account number [ACCOUNT_1]"),
        ("acc: 12345678", "acc: [ACCOUNT_1]"),
        ("a/c 1234 5678", "a/c [ACCOUNT_1]"),
        ("account_number=12345678", "account_number=[ACCOUNT_1]"),
        ("12345678 is my account number", "[ACCOUNT_1] is my account number"),
        ("my accounts are 12345678 and 87654321", "my accounts are [ACCOUNT_1] and [ACCOUNT_2]"),
        ("12-34-56 12345678", "[SORT_CODE_1] [ACCOUNT_1]"),
        ("12 34 56 12345678", "[SORT_CODE_1] [ACCOUNT_1]"),
        ("12345678 / 20-00-00", "[ACCOUNT_1] / [SORT_CODE_1]"),
        (
            "Sort code and account number are 20-00-00 and 55779911",
            "Sort code and account number are [SORT_CODE_1] and [ACCOUNT_1]",
        ),
    ],
)
def test_sort_codes_and_accounts(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_a_label_covers_only_the_number_it_names() -> None:
    text = "sort code 654321, acc no 11223344; we met on 12-03-26"
    assert mask_text(text) == "sort code [SORT_CODE_1], acc no [ACCOUNT_1]; we met on 12-03-26"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A phone candidate that overlaps the sort code must not hide the real phone after it.
        ("sort code 01-00-00 07000 000000", "sort code [SORT_CODE_1] [PHONE_1]"),
        # "p" followed by "@" is an email, not pence after an amount.
        ("account number 00000000 p@aa.com", "account number [ACCOUNT_1] [EMAIL_1]"),
        ("sort code 12 34 56 555", "sort code [SORT_CODE_1] 555"),
        ("555 07700 900123", "555 [PHONE_1]"),
    ],
)
def test_found_by_the_property_tests(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_phone_numbers_are_not_account_numbers() -> None:
    masked = mask_text("call 07700 900123 or 02079460958 about account 12345678")
    assert masked == "call [PHONE_1] or [PHONE_2] about account [ACCOUNT_1]"


# --- IBAN ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "GB29 NWBK 6016 1331 9268 19",
        "GB29NWBK60161331926819",
        "gb29 nwbk 6016 1331 9268 19",
        "DE89 3704 0044 0532 0130 00",
        "FR14 2004 1010 0505 0001 3M02 606",
    ],
)
def test_valid_ibans_are_masked(iban: str) -> None:
    assert mask_text(f"pay to {iban} today") == "pay to [IBAN_1] today"


@pytest.mark.parametrize(
    "iban",
    [
        "GB28 NWBK 6016 1331 9268 19",  # checksum off by one
        "GB29 NWBK 6016 1331 9268 18",  # last digit changed
        "GB29 NWBK 6016 1331 9268 1",  # too short for GB
        "XX29 NWBK 6016 1331 9268 19",  # no such country
    ],
)
def test_ibans_failing_the_checksum_are_not_ibans(iban: str) -> None:
    assert PiiType.IBAN not in types_in(iban)


def test_iban_with_and_without_spaces_shares_a_placeholder() -> None:
    vault = PiiVault()
    assert vault.mask("GB29 NWBK 6016 1331 9268 19 = GB29NWBK60161331926819") == "[IBAN_1] = [IBAN_1]"


def test_iban_is_not_also_read_as_sort_code_and_account() -> None:
    assert types_in("IBAN GB29NWBK60161331926819, sort code 60-16-13") == [PiiType.IBAN, PiiType.SORT_CODE]


# --- email ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "jane.doe+bank@example.co.uk",
        "a_b-c@mail.sub.domain.org",
        "J.Smith@Example.COM",
        "x@y.io",
        "first.last+tag+more@xn--bcher-kva.example",
    ],
)
def test_emails(email: str) -> None:
    assert mask_text(f"<{email}>.") == "<[EMAIL_1]>."


def test_email_in_another_case_shares_a_placeholder() -> None:
    assert PiiVault().mask("jane@example.com, JANE@EXAMPLE.COM") == "[EMAIL_1], [EMAIL_1]"


# --- phones --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "0044 7700 900123",
        "020 7946 0958",
        "(020) 7946 0958",
        "+44 (0)20 7946 0958",
        "0117 496 0123",
        "01632 960123",
        "0300 123 4567",
        "07700-900-123",
        "+353 1 234 5678",
    ],
)
def test_phones(phone: str) -> None:
    assert mask_text(f"call {phone} now") == "call [PHONE_1] now"


def test_one_phone_number_in_two_formats_shares_a_placeholder() -> None:
    assert PiiVault().mask("07700 900123 / +44 7700 900123") == "[PHONE_1] / [PHONE_1]"


@pytest.mark.parametrize("text", ["020 7946 09581", "0770090012", "07700 9001234"])
def test_numbers_of_the_wrong_length_are_not_phones(text: str) -> None:
    assert PiiType.PHONE not in types_in(text)


# --- postcodes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    ["SW1A 1AA", "sw1a 1aa", "M1 1AE", "EC1A 1BB", "B33 8TH", "CR2 6XH", "DN55 1PT", "SW1A1AA", "w1a 0ax"],
)
def test_postcodes(postcode: str) -> None:
    assert mask_text(f"I live at {postcode}, London") == "I live at [POSTCODE_1], London"


# --- NI numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("ni", ["QQ 12 34 56 C", "QQ123456C", "qq 123456 c", "AB 12 34 56 C", "JG-10-37-15-D"])
def test_ni_numbers(ni: str) -> None:
    assert mask_text(f"NI {ni}.") == "NI [NI_NUMBER_1]."


@pytest.mark.parametrize(
    "ni",
    [
        "DA 12 34 56 C",  # D is never a first letter
        "AO 12 34 56 C",  # O is never a second letter
        "GB 12 34 56 C",  # unallocated prefix
        "NK 12 34 56 C",
        "ZZ 12 34 56 C",
        "AB 12 34 56 E",  # suffix is A-D
    ],
)
def test_ni_numbers_with_invalid_prefix_or_suffix(ni: str) -> None:
    assert PiiType.NI_NUMBER not in types_in(ni)


# --- the vault ---------------------------------------------------------------------------------------

CONVERSATION = [
    "Hi, my card 4111 1111 1111 1111 was charged twice. Email jane.doe+bank@example.co.uk.",
    "Sort code 20-00-00, account 55779911. I live at SW1A 1AA, call 07700 900123.",
    "NI QQ 12 34 56 C; refund to GB29 NWBK 6016 1331 9268 19 please. Card again: 4111 1111 1111 1111.",
]


def test_numbering_is_shared_across_texts_of_one_vault() -> None:
    vault = PiiVault()
    masked = [vault.mask(t) for t in CONVERSATION]
    assert masked == [
        "Hi, my card [CARD_1] was charged twice. Email [EMAIL_1].",
        "Sort code [SORT_CODE_1], account [ACCOUNT_1]. I live at [POSTCODE_1], call [PHONE_1].",
        "NI [NI_NUMBER_1]; refund to [IBAN_1] please. Card again: [CARD_1].",
    ]
    assert [vault.restore(m) for m in masked] == CONVERSATION


def test_restore_puts_values_where_the_model_copied_placeholders() -> None:
    vault = PiiVault()
    vault.mask(CONVERSATION[0])
    reply = "We refunded [CARD_1] and emailed [EMAIL_1]; [CARD_1] stays active. See [CARD_9] and [FOO_1]."
    assert vault.restore(reply) == (
        "We refunded 4111 1111 1111 1111 and emailed jane.doe+bank@example.co.uk; 4111 1111 1111 1111 stays"
        " active. See [CARD_9] and [FOO_1]."
    )


def test_restore_tolerates_placeholders_the_model_respelled() -> None:
    vault = PiiVault()
    vault.mask("email jane@example.com")
    assert vault.restore("to [email_1] and [ EMAIL_1 ]") == "to jane@example.com and jane@example.com"


def test_restore_uses_the_first_spelling_of_a_value() -> None:
    vault = PiiVault()
    masked = vault.mask("4111 1111 1111 1111 then 4111111111111111")
    assert vault.restore(masked) == "4111 1111 1111 1111 then 4111 1111 1111 1111"


def test_placeholders_typed_by_the_customer_are_not_reused() -> None:
    vault = PiiVault()
    text = "what is [CARD_1]? my card is 4111111111111111"
    masked = vault.mask(text)
    assert masked == "what is [CARD_1]? my card is [CARD_2]"
    assert vault.restore(masked) == text


def test_masking_is_idempotent() -> None:
    vault = PiiVault()
    once = vault.mask(CONVERSATION[1])
    assert vault.mask(once) == once


def test_entities_and_has_pii_never_show_raw_values() -> None:
    vault = PiiVault()
    assert not vault.has_pii
    assert vault.entities == []
    vault.mask(CONVERSATION[0])
    assert vault.has_pii
    assert vault.entities == [("[CARD_1]", PiiType.CARD), ("[EMAIL_1]", PiiType.EMAIL)]
    assert "4111" not in repr(vault)
    assert "jane" not in repr(vault)


def test_mask_text_starts_fresh_each_time() -> None:
    assert mask_text("jane@example.com") == mask_text("bob@example.com") == "[EMAIL_1]"


def test_find_pii_reports_types_and_spans() -> None:
    text = "card 4111 1111 1111 1111, email a@b.co"
    findings = find_pii(text)
    assert findings == [Finding(PiiType.CARD, 5, 24), Finding(PiiType.EMAIL, 32, 38)]
    assert text[5:24] == "4111 1111 1111 1111"
    assert text[32:38] == "a@b.co"


def test_text_without_pii_comes_back_unchanged() -> None:
    text = "How do I reset my passcode? I'm abroad until Friday."
    assert PiiVault().mask(text) is text


# --- speed ---------------------------------------------------------------------------------------


def test_masking_a_2000_character_conversation_is_fast() -> None:
    text = (" ".join(CONVERSATION) + " Thanks for your help, I will wait for the refund. ") * 10
    text = text[:2000]
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        mask_text(text)
    per_call = (time.perf_counter() - start) / runs
    assert per_call < 0.005, f"{per_call * 1000:.2f} ms per 2,000 characters"  # ~0.3-0.5 ms measured


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "1 " * 50_000,
        "4111 " * 20_000,
        "12-" * 33_000,
        "a." * 50_000 + "@",
        "a@" + "a." * 50_000,
        "+" + "1 " * 50_000,
        "GB29 " * 20_000,
        "QQ 12 " * 16_000,
        "sort code 12 account " * 5_000,
    ],
    ids=(
        "digits spaced-digits card-groups dashed-pairs email-local email-domain plus iban-starts ni-starts labels"
    ).split(),
)
def test_pathological_100k_inputs_finish_quickly(text: str) -> None:
    start = time.perf_counter()
    mask_text(text)
    assert time.perf_counter() - start < 2.0


# --- properties ----------------------------------------------------------------------------------

WORDS = (
    "hello my is the please refund on and paid at ref call email card account number thanks "
    "£12.50 £1,234.56 12/03/2026 14:30 2026-03-12"
).split()


@st.composite
def card_values(draw: st.DrawFn) -> tuple[str, str]:
    body = draw(st.sampled_from("45")) + draw(st.text("0123456789", min_size=14, max_size=14))
    card = with_check_digit(body)
    shape = draw(st.sampled_from(["plain", "spaces", "dashes"]))
    groups = [card[i : i + 4] for i in range(0, 16, 4)]
    formatted = {"plain": card, "spaces": " ".join(groups), "dashes": "-".join(groups)}[shape]
    return f"card:{card}", formatted


@st.composite
def phone_values(draw: st.DrawFn) -> tuple[str, str]:
    rest = draw(st.text("0123456789", min_size=9, max_size=9))
    national = "07" + rest
    shape = draw(st.sampled_from(["plain", "split", "intl"]))
    formatted = {
        "plain": national,
        "split": f"{national[:5]} {national[5:]}",
        "intl": f"+44 {national[1:5]} {national[5:]}",
    }[shape]
    return f"phone:{national}", formatted


@st.composite
def email_values(draw: st.DrawFn) -> tuple[str, str]:
    local = draw(st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,6})?(\+[a-z]{1,5})?", fullmatch=True))
    domain = draw(st.from_regex(r"[a-z]{2,8}(\.[a-z]{2,6})?\.(com|co\.uk|org|io)", fullmatch=True))
    email = f"{local}@{domain}"
    return f"email:{email}", email


@st.composite
def sort_code_values(draw: st.DrawFn) -> tuple[str, str]:
    digits = draw(st.text("0123456789", min_size=6, max_size=6))
    a, b, c = digits[:2], digits[2:4], digits[4:]
    return f"sort:{digits}", f"sort code {a}-{b}-{c}"


@st.composite
def account_values(draw: st.DrawFn) -> tuple[str, str]:
    digits = draw(st.text("0123456789", min_size=8, max_size=8))
    return f"account:{digits}", f"account number {digits}"


FIXED = st.sampled_from([
    ("postcode:SW1A1AA", "SW1A 1AA"), ("postcode:M11AE", "m1 1ae"), ("ni:QQ123456C", "QQ 12 34 56 C"),
    ("ni:AB123456D", "AB123456D"), ("iban:GB29NWBK60161331926819", "GB29 NWBK 6016 1331 9268 19"),
    ("iban:DE89370400440532013000", "DE89370400440532013000"),
])  # fmt: skip

PII = st.one_of(card_values(), phone_values(), email_values(), sort_code_values(), account_values(), FIXED)


@st.composite
def mixed_texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Words, numbers and PII separated by spaces; each distinct value is written one way."""
    pool = draw(st.lists(PII, min_size=1, max_size=6, unique_by=lambda item: item[0]))
    tokens = draw(
        st.lists(
            st.one_of(
                st.sampled_from(WORDS),
                st.integers(100, 99_999).map(str),
                st.integers(0, len(pool) - 1).map(lambda i: pool[i][1]),
            ),
            min_size=1,
            max_size=30,
        )
    )
    return " ".join(tokens), [formatted for _, formatted in pool if formatted in tokens]


SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
GROUPED_CARD = re.compile(r"(?=(?<!\d)(\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4})(?!\d))")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_texts())
def test_mask_then_restore_round_trips_and_leaves_no_card(sample: tuple[str, list[str]]) -> None:
    text, used = sample
    vault = PiiVault()
    masked = vault.mask(text)
    assert vault.restore(masked) == text
    for value in used:
        assert value not in masked
    for run in SIXTEEN_DIGITS.findall(masked):
        assert not luhn_ok(run), masked
    for run in GROUPED_CARD.findall(masked):
        assert not luhn_ok(re.sub(r"\D", "", run)), masked


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_round_trips(text: str) -> None:
    vault = PiiVault()
    assert vault.restore(vault.mask(text)) == text


FUZZ_ALPHABET = st.sampled_from(
    [*"0123456789 -+@.()[]_:/£aAbBcCgGqQsSkK", "\uff14", "\u0664", "\u00a0", "\u2013", "\n"]
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=FUZZ_ALPHABET, max_size=300))
def test_digit_heavy_noise_never_breaks_masking(text: str) -> None:
    findings = find_pii(text)
    assert all(a.end <= b.start for a, b in pairwise(findings))
    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    vault = PiiVault()
    masked = vault.mask(text)
    assert vault.mask(masked) == masked
    for run in SIXTEEN_DIGITS.findall(masked):
        assert not luhn_ok(run)
