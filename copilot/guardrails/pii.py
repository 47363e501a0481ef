"""Find and mask UK banking PII in free text, with typed placeholders that can be put back.

What is detected, and how a candidate is confirmed:

=============  ==========================================================================================
type           rule
=============  ==========================================================================================
``CARD``       13-19 digits, ungrouped or in printed card groups (4-4-4-4, 4-6-5, 4-4-4-4-3, ...)
               joined by single spaces or dashes, first digit not 0, and the Luhn checksum holds.
``SORT_CODE``  ``12-34-56`` unless it reads as a date; ``12 34 56`` and ``123456`` only when labelled
               ("sort code", "s/c") or next to an account number.
``ACCOUNT``    8 digits (or ``1234 5678``) labelled "account"/"acc"/"acct"/"a/c" just before (or
               "account number" just after), or next to a sort code; never when it reads as money
               (``£12345678``, ``12345678.00``, ``12345678 GBP``).
``IBAN``       known country code, that country's length, single spaces allowed, mod-97 == 1 (and the
               GB BBAN shape: 4 letters, 14 digits).
``EMAIL``      ``local@domain.tld``; plus-addressing and subdomains included.
``PHONE``      UK numbers: ``+44``/``0044`` (optionally ``(0)``) or ``0`` then 1, 2, 3 or 7, ten or
               eleven digits in all, spaces/dashes/brackets allowed; other ``+CC`` numbers of 8-15 digits.
``POSTCODE``   UK outward + inward code, any case, space optional, with a real postcode area.
``NI_NUMBER``  two prefix letters, six digits, suffix A-D, spaces allowed; HMRC's prefix rules apply
               (first letter not D F I Q U V, second not D F I O Q U V, never BG GB KN NK NT TN ZZ),
               except HMRC's published specimen prefix ``QQ``, masked as well.
=============  ==========================================================================================

Detectors run in priority order (email, IBAN, NI number, sort code/account, card, phone,
postcode); a span claimed by one is not looked at by the next, so an IBAN is never also read as a
sort code and account number. A card never starts inside a UK phone number (those start with 0,
cards never do, and a grouped card starts with a group of four), so a phone next to a card keeps
its own placeholder.

Why plain regular expressions and not presidio-analyzer: importing ``presidio_analyzer`` pulls in
spaCy, torch and transformers (about five seconds of start-up here) for any process that logs,
and its pattern matcher builds explanation objects for every hit; the validators that matter (Luhn,
mod-97, NI prefixes, postcode areas, sort-code/account context) are written here anyway. Every
pattern is anchored by a look-behind so that it starts at most once per token and has bounded
repetition only, which keeps scanning linear: a 2,000-character conversation masks in about
0.25-0.5 ms, and even a hostile 100,000-character input (all digits, all "4111 ", all "a.")
in well under a second.

:class:`PiiVault` masks and restores; :func:`mask_text` and :func:`find_pii` are one-shot helpers.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate
from typing import NamedTuple

__all__ = ["Finding", "PiiType", "PiiVault", "find_pii", "luhn_ok", "mask_text"]


class PiiType(StrEnum):
    """The kinds of personal data that are masked; the value is the placeholder's prefix."""

    CARD = "CARD"
    SORT_CODE = "SORT_CODE"
    ACCOUNT = "ACCOUNT"
    IBAN = "IBAN"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    POSTCODE = "POSTCODE"
    NI_NUMBER = "NI_NUMBER"


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of PII found in a text: its type and its ``[start, end)`` character span."""

    type: PiiType
    start: int
    end: int


class _Hit(NamedTuple):
    type: PiiType
    start: int
    end: int
    key: str  # canonical form: two spellings of one value share a key, hence a placeholder


# --- small validators --------------------------------------------------------------------------

_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

# ISO 13616 registry lengths (country code -> total IBAN length).
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

_GB_BBAN_RE = re.compile(r"[A-Z]{4}\d{14}")
# The BBAN after the check digits: the country's number of letters and digits, single spaces allowed.
_IBAN_BBAN_RES: dict[int, re.Pattern[str]] = {
    length: re.compile(rf"(?:[ ]?[A-Za-z0-9]){{{length - 4}}}(?![A-Za-z0-9])") for length in set(_IBAN_LENGTHS.values())
}


def _iban_checksum_ok(iban: str) -> bool:
    """ISO 7064 mod-97-10 on an upper-case, compact IBAN."""
    if not 2 <= int(iban[2:4]) <= 98:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_ok(digits: str) -> bool:
    """Return whether a string of digits passes the Luhn (mod 10) checksum."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        total += _LUHN_DOUBLED[d] if i % 2 else d
    return total % 10 == 0


class _LuhnWindows:
    """Luhn sums of any window of a digit string in O(1), from per-parity prefix sums.

    The digit at index ``p`` of a window ending at ``e`` is doubled when ``e - 1 - p`` is odd, i.e.
    when ``p`` and ``e - 1`` differ in parity; so two prefix sums per parity (plain and doubled)
    answer every window. This keeps card search linear on long runs of spaced digits.
    """

    def __init__(self, digits: str) -> None:
        values = [ord(ch) - 48 for ch in digits]
        self._plain = [
            list(accumulate((v if p % 2 == par else 0 for p, v in enumerate(values)), initial=0)) for par in (0, 1)
        ]
        self._doubled = [
            list(accumulate((_LUHN_DOUBLED[v] if p % 2 == par else 0 for p, v in enumerate(values)), initial=0))
            for par in (0, 1)
        ]

    def valid(self, start: int, end: int) -> bool:
        q = (end - 1) % 2
        total = self._plain[q][end] - self._plain[q][start]
        total += self._doubled[1 - q][end] - self._doubled[1 - q][start]
        return total % 10 == 0


_NI_BAD_FIRST = frozenset("DFIQUV")
_NI_BAD_SECOND = frozenset("DFIOQUV")
_NI_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NI_SPECIMEN_PREFIX = "QQ"


def _ni_prefix_ok(prefix: str) -> bool:
    if prefix == _NI_SPECIMEN_PREFIX:
        return True
    return prefix[0] not in _NI_BAD_FIRST and prefix[1] not in _NI_BAD_SECOND and prefix not in _NI_BAD_PREFIXES


# The 124 postcode areas of the UK, the Channel Islands and the Isle of Man.
# fmt: off
_POSTCODE_AREAS = frozenset({
    "AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH", "CM",
    "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH",
    "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG",
    "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M",
    "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO",
    "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST",
    "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN",
    "WR", "WS", "WV", "YO", "ZE",
})
# fmt: on
# The letter that may close an outward code: A9A districts and AA9A districts.
_POSTCODE_A9A = frozenset("ABCDEFGHJKPSTUW")
_POSTCODE_AA9A = frozenset("ABEHMNPRVWXY")


def _postcode_ok(area: str, district: str) -> bool:
    if area not in _POSTCODE_AREAS:
        return False
    if len(district) == 2 and district[1].isalpha():
        return district[1] in (_POSTCODE_A9A if len(area) == 1 else _POSTCODE_AA9A)
    return True


def _date_like(first: int, second: int) -> bool:
    return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)


# --- patterns -------------------------------------------------------------------------------

_HAS_DIGIT_RE = re.compile(r"\d")

# Each pattern begins with the character class it consumes first and checks what precedes with a
# look-behind after it: the regex engine then jumps between candidate characters instead of
# trying every position, which is several times faster on ordinary text.

_EMAIL_LOCAL_EXTRA = frozenset("._%+-")
_EMAIL_DOMAIN_RE = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w\-])")
_EMAIL_LOCAL_MAX = 64

# Two digits right after two letters that start a token: an IBAN's check digits.
_IBAN_START_RE = re.compile(r"\d\d(?<=(?<![A-Za-z0-9])[A-Za-z]{2}\d\d)(?=[ ]?[A-Za-z0-9])")

# The first digit pair of an NI number, right after its two prefix letters (with or without a space).
_NI_RE = re.compile(
    r"\d\d(?:(?<=(?<![A-Za-z0-9])[A-Za-z]{2}\d\d)|(?<=(?<![A-Za-z0-9])[A-Za-z]{2}[ \-]\d\d))"
    r"[ \-]?(\d{2})[ \-]?(\d{2})[ \-]?([A-Da-d])(?![A-Za-z0-9])"
)

# A sort code: pairs of digits joined by one repeated separator (or none). Not part of a longer
# run of digit pairs, a date (12/03/26), a time or a decimal.
_SORT_CODE_RE = re.compile(
    r"(\d\d)(?<![\w/.:\-]\d\d)(?<!(?<!\d)\d\d[ \-]\d\d)"
    r"([ \-]?)(\d{2})\2(\d{2})"
    r"(?![\w/:]|[.\-]\d)"
)
# After an unlabelled, space-separated sort code, another number must be an account number
# ("12 34 56 12345678"), or "12 34 56" was only the start of a longer run of pairs ("12 34 56 78").
_SPACED_RUN_GOES_ON_RE = re.compile(r" \d(?!\d{7}(?!\d))")
# 8 digits, or 4 and 4; not inside a longer number, an amount with separators or a decimal.
_ACCOUNT_RE = re.compile(
    r"\d(?<![\w,.£$€/:\-]\d)"
    r"(?:(?<!\d\d\d[ \-]\d)\d{7}(?![\w/:]|[.,\-]\d)"
    r"|(?<!\d[ \-]\d)\d{3}[ \-]\d{4}(?![\w/:]|[.,\-]\d|[ ]\d))"
)
# Run on lower-cased text; letter boundaries rather than \b so "account_number=..." counts.
_ACCOUNT_LABEL_RE = re.compile(r"a(?<![a-z]a)(?:cc(?:oun)?t|cc|/c)s?(?![a-z])")
_ACCOUNT_LABEL_AFTER_RE = re.compile(r"a(?<![a-z]a)(?:cc(?:oun)?t|cc|/c)[ ._\-]*(?:no|num|number)(?![a-z])")
_SORT_CODE_LABEL_RE = re.compile(
    r"[sb](?<![a-z][sb])(?:(?<=s)ort[ _\-]*codes?|(?<=s)/c(?:ode)?|(?<=b)ank[ _\-]*code)(?![a-z])"
)
_MONEY_BEFORE_RE = re.compile(r"(?:[£$€]|\b(?:GBP|EUR|USD))\s?$", re.IGNORECASE)
_MONEY_AFTER_RE = re.compile(r"^\s?(?:p|gbp|eur|usd|pounds?|quid|euros?|dollars?|pence)(?![\w@])", re.IGNORECASE)
_LABEL_BEFORE = 40  # characters between a label's end and the number it names
_LABEL_AFTER = 30
_PAIR_GAP = 40  # characters between a sort code and an account number that belong together
_PAIR_BREAK_RE = re.compile(r"\d|[;!?\n]|\.(?:\s|$)")  # another number or a sentence end

# +44 / 0044 (optionally "(0)"), or a leading 0 (optionally bracketed); then 1, 2, 3 or 7 and
# eight or nine more digits. Not glued to a word.
_UK_PHONE_RE = re.compile(
    r"[+0(](?<![\w+][+0(])"
    r"(?:(?<=\+)44[ \-]?(?:\(0\)[ \-]?)?\(?|(?<=0)044[ \-]?(?:\(0\)[ \-]?)?\(?|(?<=\()0|(?<=0))"
    r"([1237](?:[ \-)]{0,2}\d){8,9})(?!\d)"
)
_INTL_PHONE_RE = re.compile(r"\+(?<![\w+]\+)([1-9](?:[ \-]?\d){7,14})(?!\d)")

# A run of digit groups with at least 13 digits; cards are then looked for inside it.
_CARD_RUN_RE = re.compile(r"\d(?<!\d\d)(?=(?:[ \-]?\d){12})\d*(?:[ \-]\d+)*")
_DIGIT_GROUP_RE = re.compile(r"\d+")

# The district digit of a postcode right after its one- or two-letter area, then the inward code
# (whose letters are never C, I, K, M, O or V).
_POSTCODE_RE = re.compile(
    r"\d(?:(?<=(?<![A-Za-z0-9])[A-Za-z]\d)|(?<=(?<![A-Za-z0-9])[A-Za-z]{2}\d))"
    r"([A-Za-z\d]?) ?(\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2})(?![A-Za-z0-9])"
)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_SEPARATOR_LOOKALIKES = dict.fromkeys(
    "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "
) | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-")


def _asciify(text: str) -> str:
    """``text`` with non-ASCII digits, spaces and dashes replaced one for one by ASCII ones."""
    chars: list[str] | None = None
    for m in _NON_ASCII_RE.finditer(text):
        ch = m.group()
        replacement = _SEPARATOR_LOOKALIKES.get(ch)
        if replacement is None and ch.isdecimal():
            replacement = str(unicodedata.digit(ch))
        if replacement is not None:
            if chars is None:
                chars = list(text)
            chars[m.start()] = replacement
    return text if chars is None else "".join(chars)


_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

_TYPE_ALTERNATION = "|".join(t.value for t in PiiType)
_PLACEHOLDER_RE = re.compile(rf"\[({_TYPE_ALTERNATION})_([1-9]\d{{0,5}})\]")
_LOOSE_PLACEHOLDER_RE = re.compile(rf"\[\s*({_TYPE_ALTERNATION})_([1-9]\d{{0,5}})\s*\]", re.IGNORECASE)


# --- the scan ----------------------------------------------------------------------------------


class _Scan:
    """One pass over one text: detectors claim spans in priority order.

    The detectors read a normalised copy of the same length (so spans carry over): any
    Unicode decimal digit (full-width ``４``, Arabic-Indic ``٤``) becomes its ASCII digit, the
    various no-break and thin spaces a space, and Unicode dashes ``-``; a card pasted from a web
    page or typed on another keyboard is caught like any other, and keeps the same placeholder.
    """

    def __init__(self, text: str) -> None:
        if not text.isascii():
            text = _asciify(text)
        self.text = text
        self._taken = bytearray(len(text))
        self.hits: list[_Hit] = []

    def free(self, start: int, end: int) -> bool:
        return self._taken.find(1, start, end) == -1

    def claim(self, kind: PiiType, start: int, end: int, key: str) -> bool:
        if start >= end or not self.free(start, end):
            return False
        self._taken[start:end] = b"\x01" * (end - start)
        self.hits.append(_Hit(kind, start, end, key))
        return True

    def run(self) -> list[_Hit]:
        text = self.text
        if "@" not in text and not _HAS_DIGIT_RE.search(text):
            return []
        self._emails()
        self._ibans()
        self._ni_numbers()
        self._bank_details()
        self._cards()
        self._phones()
        self._postcodes()
        self.hits.sort(key=lambda h: h.start)
        return self.hits

    def _emails(self) -> None:
        text = self.text
        at = text.find("@")
        while at != -1:
            start = at
            while start > 0 and at - start <= _EMAIL_LOCAL_MAX and _email_local_char(text[start - 1]):
                start -= 1
            local_ok = start < at and not (start > 0 and _email_local_char(text[start - 1]))
            domain = _EMAIL_DOMAIN_RE.match(text, at + 1) if local_ok else None
            if domain is not None:
                self.claim(PiiType.EMAIL, start, domain.end(), text[start : domain.end()].lower())
            at = text.find("@", at + 1)

    def _ibans(self) -> None:
        text = self.text
        for m in _all_matches(_IBAN_START_RE, text):
            country = text[m.start() - 2 : m.start()].upper()
            length = _IBAN_LENGTHS.get(country)
            bban_match = _IBAN_BBAN_RES[length].match(text, m.end()) if length is not None else None
            if bban_match is None:
                continue
            bban = bban_match.group().replace(" ", "").upper()
            if country == "GB" and not _GB_BBAN_RE.fullmatch(bban):
                continue
            iban = country + m.group() + bban
            if _iban_checksum_ok(iban):
                self.claim(PiiType.IBAN, m.start() - 2, bban_match.end(), iban)

    def _ni_numbers(self) -> None:
        text = self.text
        for m in _all_matches(_NI_RE, text):
            s = m.start()
            start = s - 2 if text[s - 1] in _ASCII_LETTERS else s - 3
            prefix = text[start : start + 2].upper()
            if _ni_prefix_ok(prefix):
                key = prefix + text[s : s + 2] + m.group(1) + m.group(2) + m.group(3).upper()
                self.claim(PiiType.NI_NUMBER, start, m.end(), key)

    def _bank_details(self) -> None:
        text = self.text
        sorts = [m for m in _all_matches(_SORT_CODE_RE, text) if self.free(m.start(), m.end())]
        accounts = [
            m
            for m in _all_matches(_ACCOUNT_RE, text)
            if self.free(m.start(), m.end()) and not _reads_as_money(text, m.start(), m.end())
        ]
        if not sorts and not accounts:
            return
        lowered = text.lower()
        if len(lowered) != len(text):  # a few non-ASCII letters lower-case to two characters
            lowered = text.translate(_ASCII_LOWER)
        sort_label_ends = [m.end() for m in _SORT_CODE_LABEL_RE.finditer(lowered)]
        account_label_ends = [m.end() for m in _ACCOUNT_LABEL_RE.finditer(lowered)]
        account_after_starts = [m.start() for m in _ACCOUNT_LABEL_AFTER_RE.finditer(lowered)]
        sort_spans = [m.span() for m in sorts]
        account_spans = [m.span() for m in accounts]

        def near_account(span: tuple[int, int]) -> bool:
            return any(_pair_gap_ok(text, span, other) for other in _neighbours(account_spans, span))

        pairing_sorts: list[tuple[int, int]] = []
        for m in sorts:
            sep = m.group(2)
            labelled = _labelled_before(text, sort_label_ends, m.start(), sort_spans)
            if not labelled and sep == " " and _SPACED_RUN_GOES_ON_RE.match(text, m.end()):
                continue
            if labelled or sep != "":
                pairing_sorts.append(m.span())
            keep = labelled or (sep != "" and near_account(m.span()))
            if sep == "-" and not keep:
                keep = not _date_like(int(m.group(1)), int(m.group(3)))
            if keep:
                self.claim(PiiType.SORT_CODE, m.start(), m.end(), m.group(1) + m.group(3) + m.group(4))

        for m in accounts:
            start, end = m.span()
            labelled = _labelled_before(text, account_label_ends, start, account_spans) or (
                _labelled_after(text, account_after_starts, end)
            )
            paired = any(_pair_gap_ok(text, m.span(), other) for other in _neighbours(pairing_sorts, m.span()))
            if labelled or paired:
                self.claim(PiiType.ACCOUNT, start, end, re.sub(r"\D", "", m.group()))

    def _phones(self) -> None:
        for m in _all_matches(_UK_PHONE_RE, self.text):
            national = "0" + re.sub(r"\D", "", m.group(1))
            if len(national) == 11 or (len(national) == 10 and national[1] == "1"):
                self.claim(PiiType.PHONE, m.start(), m.end(), national)
        if "+" not in self.text:
            return
        for m in _all_matches(_INTL_PHONE_RE, self.text):
            digits = re.sub(r"\D", "", m.group(1))
            key = "0" + digits[2:] if digits.startswith("44") else "+" + digits
            self.claim(PiiType.PHONE, m.start(), m.end(), key)

    def _cards(self) -> None:
        for run in _CARD_RUN_RE.finditer(self.text):
            self._cards_in_run(run)

    def _cards_in_run(self, run: re.Match[str]) -> None:
        base = run.start()
        groups = [(base + g.start(), base + g.end()) for g in _DIGIT_GROUP_RE.finditer(run.group())]
        digits = "".join(self.text[s:e] for s, e in groups)
        offsets = [0, *accumulate(e - s for s, e in groups)]  # digit index where each group starts
        luhn: Callable[[int, int], bool] = (
            _LuhnWindows(digits).valid if len(digits) > 64 else lambda a, b: luhn_ok(digits[a:b])
        )
        count = len(groups)
        i = 0
        while i < count:
            best = -1
            if self.free(*groups[i]) and digits[offsets[i]] != "0":
                for j in range(i, count):
                    length = offsets[j + 1] - offsets[i]
                    if length > 19 or not self.free(*groups[j]):
                        break
                    if length >= 13 and luhn(offsets[i], offsets[j + 1]):
                        best = j
                    # Printed card formats: 4-4-4-4(-3), 4-6-5, 4-6-4: a first group of four,
                    # middle groups of four to six.
                    size = groups[j][1] - groups[j][0]
                    if size != 4 if j == i else not 4 <= size <= 6:
                        break
            if best >= 0:
                start, end = groups[i][0], groups[best][1]
                self.claim(PiiType.CARD, start, end, digits[offsets[i] : offsets[best + 1]])
                i = best + 1
            else:
                i += 1

    def _postcodes(self) -> None:
        text = self.text
        for m in _all_matches(_POSTCODE_RE, text):
            s = m.start()
            start = s - 2 if s >= 2 and text[s - 2] in _ASCII_LETTERS else s - 1
            area = text[start:s].upper()
            district = (text[s] + m.group(1)).upper()
            if _postcode_ok(area, district):
                self.claim(PiiType.POSTCODE, start, m.end(), area + district + m.group(2).upper())


def _all_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match, also those starting inside an earlier one.

    ``finditer`` resumes after a match, so a candidate that then fails validation (say
    ``01-00-00 07000``, read as a phone number but already a sort code) would hide the real one
    that starts inside it (``07000 000000``).
    """
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        yield m
        pos = m.start() + 1


def _email_local_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or ch in _EMAIL_LOCAL_EXTRA


def _digits_outside(text: str, low: int, high: int, spans: list[tuple[int, int]]) -> int:
    """Digits in ``text[low:high]`` that are not inside one of ``spans`` (sorted, same kind)."""
    count = sum(ch.isdigit() for ch in text[low:high])
    i = bisect_left(spans, (low, low))
    while i < len(spans) and spans[i][1] <= high:
        count -= sum(ch.isdigit() for ch in text[spans[i][0] : spans[i][1]])
        i += 1
    return count


def _labelled_before(text: str, label_ends: list[int], start: int, spans: list[tuple[int, int]]) -> bool:
    """A label ends shortly before ``start``, with no other number between but ones of the same kind.

    So "accounts 12345678 and 87654321" labels both, while in "sort code 123456, acc no 11223344,
    on 12-03-26" the sort-code label stops at the first number that is not a sort code.
    """
    i = bisect_right(label_ends, start) - 1
    if i < 0 or start - label_ends[i] > _LABEL_BEFORE:
        return False
    return _digits_outside(text, label_ends[i], start, spans) == 0


def _labelled_after(text: str, label_starts: list[int], end: int) -> bool:
    i = bisect_left(label_starts, end)
    if i == len(label_starts) or label_starts[i] - end > _LABEL_AFTER:
        return False
    return not _HAS_DIGIT_RE.search(text, end, label_starts[i])


def _neighbours(spans: list[tuple[int, int]], span: tuple[int, int]) -> list[tuple[int, int]]:
    """The spans just before and just after ``span`` in a sorted list of spans."""
    i = bisect_left(spans, span)
    return [spans[j] for j in (i - 1, i, i + 1) if 0 <= j < len(spans) and spans[j] != span]


def _pair_gap_ok(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether a sort code and an account number sit close, with no other number between."""
    low, high = (a[1], b[0]) if a[0] < b[0] else (b[1], a[0])
    return 0 <= high - low <= _PAIR_GAP and not _PAIR_BREAK_RE.search(text, low, high)


def _reads_as_money(text: str, start: int, end: int) -> bool:
    return bool(_MONEY_BEFORE_RE.search(text[max(0, start - 5) : start]) or _MONEY_AFTER_RE.search(text[end : end + 9]))


# --- public API --------------------------------------------------------------------------------


def find_pii(text: str) -> list[Finding]:
    """Return the PII found in ``text``, ordered by position, spans never overlapping.

    A ``Finding`` carries the type and the span only; slice ``text`` to see the value.
    """
    return [Finding(h.type, h.start, h.end) for h in _Scan(text).run()]


def mask_text(text: str) -> str:
    """Mask ``text`` with a fresh :class:`PiiVault` (numbering starts at 1); nothing is kept.

    For log lines and other one-way uses. To put values back later, keep a vault instead.
    """
    return PiiVault().mask(text)


class PiiVault:
    """Masks PII with typed, numbered placeholders and puts the values back: one per conversation.

    ``mask`` replaces each value with ``[TYPE_n]`` (``[CARD_1]``, ``[SORT_CODE_1]``, ``[ACCOUNT_2]``,
    ...), numbering per type across every text masked by this vault, so that a conversation's turns
    share placeholders. One value gets one placeholder however it is written: a card with or
    without spaces, an email in another case, ``+44 7700 900123`` and ``07700900123``.

    ``restore`` puts values back into text the model wrote: each known placeholder becomes the value
    as it was first written; placeholders this vault never issued are left as they are (also
    ``[card_1]`` or ``[ CARD_1 ]``, which models sometimes produce, are recognised). Placeholder-like
    text already in the input (a customer typing ``[CARD_1]``) is never re-used as a number, so it
    stays literal through a round trip: ``restore(mask(x)) == x`` whenever each value is written one
    way within ``x``.

    The vault holds raw values in memory and never shows them: ``entities`` lists placeholders and
    types only, and ``repr`` shows counts. Not thread-safe; it is meant for one request.
    """

    def __init__(self) -> None:
        self._placeholders: dict[tuple[PiiType, str], str] = {}
        self._originals: dict[str, str] = {}
        self._types: dict[str, PiiType] = {}
        self._counters: dict[PiiType, int] = dict.fromkeys(PiiType, 0)
        self._reserved: set[str] = set()

    def mask(self, text: str) -> str:
        """Return ``text`` with every piece of PII replaced by its placeholder."""
        if "[" in text:
            for m in _PLACEHOLDER_RE.finditer(text):
                if m.group() not in self._originals:
                    self._reserved.add(m.group())
        hits = _Scan(text).run()
        if not hits:
            return text
        parts: list[str] = []
        pos = 0
        for hit in hits:
            parts.append(text[pos : hit.start])
            parts.append(self._placeholder_for(hit, text[hit.start : hit.end]))
            pos = hit.end
        parts.append(text[pos:])
        return "".join(parts)

    def restore(self, text: str) -> str:
        """Return ``text`` with this vault's placeholders replaced by the original values."""
        if "[" not in text or not self._originals:
            return text

        def swap(m: re.Match[str]) -> str:
            canonical = f"[{m.group(1).upper()}_{m.group(2)}]"
            return self._originals.get(canonical, m.group())

        return _LOOSE_PLACEHOLDER_RE.sub(swap, text)

    @property
    def entities(self) -> list[tuple[str, PiiType]]:
        """The placeholders issued so far with their types, in order of issue (no raw values)."""
        return list(self._types.items())

    @property
    def has_pii(self) -> bool:
        """Whether any text masked by this vault contained PII."""
        return bool(self._types)

    def __repr__(self) -> str:
        return f"PiiVault(entities={len(self._types)})"

    def _placeholder_for(self, hit: _Hit, original: str) -> str:
        known = self._placeholders.get((hit.type, hit.key))
        if known is not None:
            return known
        while True:
            self._counters[hit.type] += 1
            placeholder = f"[{hit.type.value}_{self._counters[hit.type]}]"
            if placeholder not in self._reserved:
                break
        self._placeholders[(hit.type, hit.key)] = placeholder
        self._originals[placeholder] = original
        self._types[placeholder] = hit.type
        return placeholder
