"""Defences against prompt injection in untrusted text, and checks that outputs leak nothing.

No single check stops prompt injection; these are layers, each cheap enough to run on every turn:

1. :func:`detect_injection` scores untrusted text (a customer's message, a retrieved document)
   against known attack shapes: requests to ignore earlier instructions, new identities and
   "modes", requests for the system prompt, internal procedures or fraud thresholds, chat-template
   role markers, attempts to close our data delimiters, and payloads hidden in base64, hex, ROT13,
   letter spacing, leetspeak or look-alike letters. Each rule has a weight; weights combine as
   independent evidence (``1 - prod(1 - w)``) and a text is flagged at :data:`INJECTION_THRESHOLD`.
   Phrases that are also ordinary banking language ("ignore this payment reminder", "what are
   your instructions for closing my account?", "can my son act as my attorney?", "developer mode
   on my phone") carry low weights or are damped by their context, so only a clear attack, or
   several weak signals together, flags.
2. :func:`neutralise_delimiters` makes sure untrusted text cannot contain our prompt's data tags
   (``<customer_message>``, ``<document ...>``, ``<conversation>``) verbatim, whatever the case,
   spacing, invisible characters or HTML-entity spelling, so it cannot close the block it sits in.
3. :func:`contains_canary` and :func:`leaked_fragments` (or a reusable :class:`LeakDetector`) check
   an output before it reaches a customer: a planted canary token, or a run of ``min_words``
   consecutive words from the system prompt or an internal document, means a leak.

Reasons never quote the input, so a verdict can be logged as it is.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DEFAULT_DELIMITER_TAGS",
    "INJECTION_THRESHOLD",
    "InjectionVerdict",
    "LeakDetector",
    "contains_canary",
    "detect_injection",
    "leaked_fragments",
    "neutralise_delimiters",
]

INJECTION_THRESHOLD = 0.5
"""Score at or above which :func:`detect_injection` flags a text."""

DEFAULT_DELIMITER_TAGS: tuple[str, ...] = ("customer_message", "document", "conversation")
"""The tags our prompts wrap untrusted text in."""


@dataclass(frozen=True, slots=True)
class InjectionVerdict:
    """The result of :func:`detect_injection`.

    ``flagged`` is ``score >= threshold``; ``reasons`` name the rules that fired, strongest first,
    in words fit for a log line or an agent's screen (they never quote the text); ``score`` is in
    ``[0, 1]``.
    """

    flagged: bool
    reasons: list[str]
    score: float


# --- normalisation -----------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
        "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d"
        "\u206e\u206f\u3164\ufeff\uffa0"),
    None,
)  # fmt: skip
# Cyrillic and Greek letters that look like Latin ones (after case folding).
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁɡһӏԛԝкмнтвзяαεικνορτυχϲ",
    "aeopcyxijsdghlqwkmhtb3raeikvoptuxc",
)
_INVISIBLE_RE = re.compile("[" + re.escape("".join(map(chr, _INVISIBLE))) + "]")
_CONFUSABLE_RE = re.compile("[" + re.escape("".join(map(chr, _CONFUSABLES))) + "]")
_LEET = str.maketrans("013457@$!|", "oieastasii")
_LEET_IN_WORD_RE = re.compile(r"[a-z][013457@$!|]+[a-z]|\b[013457@$][a-z]{2}")
_NON_WORD_RE = re.compile(r"[\W_]+")
_SPACED_LETTERS_RE = re.compile(r"\w(?<!\w\w) (?:\w ){2,}\w(?!\w)")


def _fold(text: str) -> str:
    """NFKC, invisible characters dropped, case folded, look-alike letters mapped to Latin."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKC", text)
    if _INVISIBLE_RE.search(folded):  # str.translate is slow: only when there is something to do
        folded = folded.translate(_INVISIBLE)
    folded = folded.casefold()
    if _CONFUSABLE_RE.search(folded):
        folded = folded.translate(_CONFUSABLES)
    return folded


def _words(folded: str) -> str:
    return " " + _NON_WORD_RE.sub(" ", folded).strip() + " "


def _rejoin_spaced(words: str) -> tuple[str, list[str]]:
    """Join letter-spaced runs: ``i g n o r e all`` becomes ``ignore all``; also return the runs."""
    runs: list[str] = []

    def join(m: re.Match[str]) -> str:
        runs.append(m.group().replace(" ", ""))
        return runs[-1]

    return _SPACED_LETTERS_RE.sub(join, words), runs


# --- rules ---------------------------------------------------------------------------------------

_Rule = tuple[str, re.Pattern[str], float]


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Rules over the word form: lower case, single spaces, no punctuation, padded with a space.
_WORD_RULES: tuple[_Rule, ...] = (
    (
        "tries to give the assistant a new identity, role or mode",
        _c(
            r" you (?:are|re) now (?:an? )?(?:ai|assistant|bot|chatbot|model|llm|different|new|unrestricted"
            r"|unfiltered|uncensored|jailbroken|free|evil|hacker|pirate|character|persona|developer|admin"
            r"|administrator|root|god|dan|called|named|known as|no longer|not bound|released|freed"
            r"|able to do anything|in (?:developer|dan|god|jailbreak|debug|admin|unrestricted|sudo|test) mode) "
            r"| you (?:are|re) no longer (?:an? )?(?:ai|assistant|bound|restricted|limited|required to follow"
            r"|constrained|a support|helpful) "
            r"| pretend (?:that )?(?:you (?:are|re) |to be (?:an? )?(?:ai|assistant|bot|different|unrestricted"
            r"|evil|dan|system|developer|admin|model|human|hacker) )"
            r"| (?:act|behave|respond|answer|reply|function|operate|pose) as (?:if you (?:are|were|have|had|can"
            r"|could) |(?:an? |my |the |your )?(?:unrestricted|unfiltered|uncensored|jailbroken|dan|different"
            r"|evil|new|developer|admin|administrator|root|system|linux|terminal|shell|python|ai|assistant"
            r"|chatbot|bot|model|llm|gpt|chatgpt|hacker|character|persona|sudo|superuser|bank manager"
            r"|employee|member of staff|staff member) )"
        ),
        0.7,
    ),
    (
        "tells the assistant how to behave from now on",
        _c(
            r" from now on (?:you (?:are|re|will be|will act|will respond|will answer|will reply|will only"
            r"|will ignore|must|shall|should act|act|respond|answer|reply|ignore) |act |respond as |ignore )"
        ),
        0.55,
    ),
    (
        "announces new instructions for the assistant",
        _c(
            r" your (?:new|real|true|actual|updated|only) (?:role|identity|persona|task|job|purpose"
            r"|instructions|goal|objective|directive|mission) "
        ),
        0.7,
    ),
    (
        "mentions the system prompt",
        _c(r" (?:system|hidden|secret|developer|meta|pre|initial|original|internal) ?prompts? "),
        0.65,
    ),
    (
        "mentions hidden or system instructions",
        _c(
            r" (?:hidden|secret|developer) (?:instructions|directives|message|rules)"
            r" | system (?:instructions|directives) "
        ),
        0.6,
    ),
    (
        "asks to repeat the text above",
        _c(
            r" (?:repeat|print|output|echo|show|display|recite|write|copy|paste|reproduce|return|type)"
            r" (?:back |out |me |us )?(?:all |everything |(?:all )?the (?:text|words|content|instructions|messages?"
            r"|conversation|lines?|prompt|sentences?) )?(?:(?:written|that is|that was|which is|you were given"
            r"|you received|given to you|you see) )?(?:above|before this|so far|verbatim|word for word"
            r"|from the (?:start|beginning|top)) "
        ),
        0.75,
    ),
    (
        "asks for an unrestricted mode (DAN, god mode)",
        _c(r" (?:god|sudo|jailbreak|jailbroken|dan|unrestricted|unfiltered|uncensored|evil) mode | do anything now "),
        0.75,
    ),
    (
        "asks to switch the assistant into a debug or test mode",
        _c(
            r" (?:enter|activate|enable|switch to|switch into|turn on|go into|you are in|you re in|now in)"
            r" (?:the )?(?:debug|maintenance|test|diagnostic|admin|root) mode "
        ),
        0.6,
    ),
    (
        "claims to be the assistant's developer or administrator",
        _c(
            r" i (?:am|m) (?:your|this bot s|this assistant s) (?:developer|creator|admin|administrator"
            r"|programmer|owner|operator|maker|engineer|supervisor|sysadmin) "
        ),
        0.55,
    ),
    (
        "asks for secrets or credentials",
        _c(
            r" (?:reveal|show|print|give me|tell me|send me|leak|dump|share|output|list|what is|what are|what s)"
            r" (?:me )?(?:your|the|any|all) (?:internal |secret |hidden |system )?(?:api keys?|secret keys?"
            r"|access tokens?|credentials|canar(?:y|ies)(?: tokens?)?|environment variables|env vars"
            r"|connection strings?|database passwords?|admin passwords?|private keys?) "
        ),
        0.7,
    ),
    (
        "addresses the AI that reads the text",
        _c(
            r" (?:ai|assistant|chatbot|language model|llm|copilot|bot)s? (?:reading|processing|summari[sz]ing"
            r"|seeing|parsing) this | if you are an? (?:ai|assistant|language model|llm|bot|chatbot) "
            r"| note to (?:the )?(?:ai|assistant|model|llm|bot|chatbot) "
        ),
        0.7,
    ),
    (
        "demands obedience",
        _c(
            r" you (?:must|will|shall|have to|need to) (?:now )?(?:obey|comply with (?:me|my|these|the following)"
            r"|follow (?:my|these|the following) (?:new )?(?:instructions|commands|orders|rules)) "
        ),
        0.45,
    ),
    ("says 'you are now'", _c(r" you (?:are|re) now "), 0.3),
    ("mentions role-play", _c(r" role ?play(?:ing)? "), 0.4),
    ("says 'act as'", _c(r" act as "), 0.25),
    (
        "asks for no restrictions",
        _c(r" (?:without|no) (?:any )?(?:restrictions|filters|limitations|censorship|guardrails|rules|ethics|morals) "),
        0.3,
    ),
)

# Rules over the folded text with its punctuation.
_MARKUP_RULES: tuple[_Rule, ...] = (
    (
        "contains chat-template role markers",
        re.compile(
            r"<\|\s*(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id"
            r"|end_header_id|begin_of_text|end_of_text|eom_id)\s*\|>|\[/?inst\]|<</?sys>>"
            r"|\[/?(?:system|assistant)\]|<\s*/?\s*(?:system|assistant|instructions?|sys|im_start)\s*>"
            r"|^[ \t]*#{2,}[ \t]*(?:system|assistant|instructions?|developer)\b|<(?:start|end)_of_turn>",
            re.MULTILINE,
        ),
        0.85,
    ),
    (
        "a line starts with a system or developer role label",
        re.compile(r"^[ \t]*(?:system|developer)[ \t]*:", re.MULTILINE),
        0.55,
    ),
    (
        "a line starts with an assistant role label",
        re.compile(r"^[ \t]*(?:assistant|ai|bot)[ \t]*:", re.MULTILINE),
        0.45,
    ),
    (
        "announces new instructions for the assistant",
        re.compile(
            r"\b(?:new|updated|revised|real|override|admin|system|developer)[ \t]+(?:instructions|directives?"
            r"|rules|task|prompt|system prompt)[ \t]*:"
        ),
        0.6,
    ),
)

# -- rules whose weight depends on their words ----------------------------------------------------

_OVERRIDE_RE = _c(
    r" (?:ignore|ignoring|disregard|disregarding|forget|forgetting|override|overriding|bypass|skip|neglect"
    r"|discard|abandon|dismiss|stop following|do not follow|don t follow|dont follow|never mind|nevermind)"
    r" (?P<fill>(?:(?:all|any|every|each|of|the|your|these|those|my|our|previous|previously|prior|above"
    r"|earlier|preceding|foregoing|initial|original|existing|current|system|developer|safety|old|given"
    r"|provided|default|that|such|other|remaining|same|mentioned|above mentioned) ){0,5})"
    r"(?P<noun>instructions?|instructing|directives?|directions?|rules?|prompts?|guidelines?|guardrails?"
    r"|programming|restrictions?|constraints?|polic(?:y|ies)|commands?|orders?|context|training"
    r"|system message|limitations?|boundaries)(?P<after>(?: \w+){0,2}) "
)
_OVERRIDE_STRONG = _wordset(
    "all any every your previous previously prior above earlier preceding foregoing initial original "
    "system developer safety these those existing current given provided default other remaining "
)
_TOPIC_AFTER_RE = _c(r"^ (?:about|regarding|for|on|re|concerning|to|in|with) (?:my|the|our|a|this|that|your)$")

_DISREGARD_ABOVE_RE = _c(
    r" (?:ignore|disregard|forget|skip|never mind|nevermind)(?: all| everything)?(?: of)?(?: the| that| this"
    r"| what s| what is| what was)?(?P<noun> text| content| stuff| words| messages?| prompt| conversation"
    r"| said| written)? (?:above|before this|so far|previously said|written above)(?P<after>(?: \w+){0,2}) "
)
_APOLOGY_RE = _c(r" (?:sorry|apologies|my mistake|my bad|typo|wrong (?:one|account|number|card|person|chat)) ")

_REVEAL_RE = _c(
    r" (?P<verb>reveal|print|dump|leak|disclose|expose|recite|echo|output|repeat|write out|spell out|type out"
    r"|paste|copy|translate|show|display|tell me|tell us|give me|give us|share|list|return|send me|explain"
    r"|describe|summari[sz]e|what are|what is|what were|what was|what s)"
    r" (?:me |us )?(?:all |back |out |exactly )?(?:of )?(?P<det>your |the |this |these |those |that |any |its )?"
    r"(?P<adj>(?:(?:full|entire|complete|whole|exact|original|initial|hidden|secret|internal|system|developer"
    r"|confidential|raw|verbatim|above|previous|real|actual|underlying|current|first|starting|pre|private) )*)"
    r"(?P<noun>instructions?|prompts?|rules|guidelines|directives|configuration|config|system message"
    r"|programming|guardrails|policies|context window)(?P<after>(?: \w+){0,1}) "
)
_HARD_VERBS = _wordset("reveal print dump leak disclose expose recite echo output repeat paste copy translate ") | {
    "write out",
    "spell out",
    "type out",
}
_REVEAL_STRONG_ADJ = _wordset(
    "hidden secret internal system developer confidential original initial verbatim raw underlying "
    "above previous first starting pre private exact full entire complete whole "
)
_MACHINE_NOUNS = frozenset(
    {"prompt", "prompts", "directives", "configuration", "config", "system message", "programming",
     "guardrails", "context window"}
)  # fmt: skip
_FOLLOWED_BY_TOPIC_RE = _c(r"^ (?:for|on|to|about|regarding|when|if|how|in|with|of)$")

_BYPASS_RE = _c(
    r" (?:bypass|circumvent|evade|get around|work around|workaround|disable|turn off|switch off|deactivate"
    r"|remove|ignore|break|escape|override|lift|drop)"
    r" (?P<fill>(?:(?:all|any|of|the|your|its|these|those|my|safety|content|security|ethical|moral) ){0,4})"
    r"(?P<noun>filters?|guardrails?|safeguards?|safety (?:rules|measures|checks|settings|features|protocols"
    r"|guidelines)|censorship|moderation|alignment|ethics|ethical guidelines|content polic(?:y|ies)"
    r"|restrictions|limitations|programming|rules) "
)
_BYPASS_STRONG_NOUNS = frozenset({"guardrail", "guardrails", "censorship", "moderation", "alignment", "ethics"})

_INTERNAL_RE = _c(
    r" (?:internal|confidential|staff only|employee|agent only|back office|backoffice|secret|restricted"
    r"|non public|nonpublic) (?:procedures?|documents?|docs|documentation|policies|policy|guidelines?|notes?"
    r"|playbooks?|runbooks?|manuals?|memos?|wiki|knowledge base|instructions|scripts?|systems?|tools?|rules"
    r"|thresholds?|criteria|limits|information|info|data|processes|handbook|guidance|training|materials?) "
)
_DISCLOSE_RE = _c(
    r" (?:show|reveal|give|send|share|list|print|dump|tell|leak|paste|copy|provide|display|read out|forward"
    r"|quote|recite|output|disclose|access|open|see|view|what do|what does|what are) "
)
_FRAUD_RE = _c(
    r" (?:fraud|aml|anti money laundering|money laundering|transaction monitoring|velocity|suspicious activity"
    r"|scam detection|fraud detection|fraud prevention)(?: detection| check| checks| monitoring| scoring"
    r"| prevention| team s| teams| risk)? (?P<noun>thresholds?|triggers?|scores?|scoring|logic|models?"
    r"|algorithms?|criteria|parameters|cut ?offs?|settings|rules|limits|red flags|signals|heuristics) "
    r"| (?:risk|alert) (?:thresholds?|triggers?|algorithms?|criteria|cut ?offs?|parameters|heuristics) "
    r"| thresholds? (?:for|of|used by|used in|in|that trigger|which trigger) (?:the |a |your )?(?:fraud|aml"
    r"|transaction monitoring|risk|suspicious)"
)
_DEVICE_RE = _c(
    r" (?:phone|android|iphone|ipad|device|tablet|settings|usb|app store|play store|handset|mobile|laptop"
    r"|computer|pc|mac|browser) "
)
_DEV_MODE_RE = _c(r" (?:developer|dev|admin|root|jailbreak(?:ing|s)?) mode | jailbreak(?:ing|s)? ")

_SQUASHED_RE = _c(
    r"(?:ignore|disregard|forget|override|bypass)(?:all|any|the|your|every)*(?:previous|prior|above|earlier"
    r"|preceding|initial|original|system)*(?:instructions?|rules|prompts?|guidelines|directives)"
    r"|systemprompt|developermode|doanythingnow|jailbreak|reveal(?:your|the)|print(?:your|the)instructions"
)

# Both begin with the class they consume, then look behind: much faster than a leading look-behind.
_ENCODED_RE = re.compile(
    r"[A-Za-z0-9+/_\-](?<![A-Za-z0-9+/=_\-][A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{23,}={0,2}(?![A-Za-z0-9+/=_\-])"
)
_HEX_RE = re.compile(r"[0-9A-Fa-f](?<![0-9A-Fa-f][0-9A-Fa-f])[0-9A-Fa-f](?:[ ]?[0-9A-Fa-f]{2}){15,}(?![0-9A-Fa-f])")
_DECODE_ASK_RE = _c(
    r" (?:decode|decoded|decoding|base ?64|b64|rot ?13|hex|hexadecimal|encoded|decipher|decrypt|deobfuscate"
    r"|unscramble) "
)
_MAX_ENCODED_CANDIDATES = 20
_MIN_WEIGHT = 0.2  # weaker hits are noise: not worth a reason


def _override_weight(m: re.Match[str]) -> float:
    fill = set(m.group("fill").split())
    if fill & {"my", "our"}:
        return 0.2
    if fill & _OVERRIDE_STRONG:
        weight = 0.9
    elif not fill:
        weight = 0.6
    else:
        weight = 0.35
    if m.group("noun").startswith(("instruct", "direction", "order", "command")) and _TOPIC_AFTER_RE.match(
        m.group("after")
    ):
        weight = min(weight, 0.35)  # "ignore all previous instructions about my standing order"
    return weight


def _disregard_above_weight(m: re.Match[str], words: str) -> float:
    if _APOLOGY_RE.search(words) or (m.group("noun") or "").strip() in {"message", "messages"}:
        return 0.3  # "sorry, ignore the message above, wrong account"
    if m.group("after").strip().startswith(("and", "then", "instead", "now", "from", "you")):
        return 0.85
    return 0.55


def _reveal_weight(m: re.Match[str]) -> float:
    det = (m.group("det") or "").strip()
    adjectives = set(m.group("adj").split())
    noun = m.group("noun")
    hard = m.group("verb") in _HARD_VERBS
    topical = bool(_FOLLOWED_BY_TOPIC_RE.match(m.group("after")))
    if adjectives & _REVEAL_STRONG_ADJ and (det in {"your", "the", "its", "all", ""} or hard):
        return 0.85 if not topical or adjectives & {"hidden", "secret", "system", "internal"} else 0.4
    if det in {"your", "its"}:
        if topical:
            return 0.25  # "what are your instructions for closing my account?"
        if noun in _MACHINE_NOUNS or noun.startswith("instruction"):
            return 0.8 if hard or noun in _MACHINE_NOUNS else 0.6
        return 0.35  # "tell me your rules"
    return 0.15


def _bypass_weight(m: re.Match[str]) -> float:
    fill = set(m.group("fill").split())
    noun = m.group("noun")
    if fill & {"your", "its"} or fill & {"safety", "content", "ethical", "moral"} or noun in _BYPASS_STRONG_NOUNS:
        return 0.75
    if noun.startswith(("safeguard", "safety")):
        return 0.6
    return 0.2  # "remove the restrictions on my account"


def _score_words(words: str, found: dict[str, float]) -> None:
    """Apply every word-form rule to one variant of the text, keeping each reason's best weight."""

    def add(reason: str, weight: float) -> None:
        if weight >= _MIN_WEIGHT and weight > found.get(reason, 0.0):
            found[reason] = weight

    for reason, pattern, weight in _WORD_RULES:
        if pattern.search(words):
            add(reason, weight)
    for m in _OVERRIDE_RE.finditer(words):
        add("asks to ignore or override earlier instructions", _override_weight(m))
    for m in _DISREGARD_ABOVE_RE.finditer(words):
        add("asks to disregard the text above", _disregard_above_weight(m, words))
    for m in _REVEAL_RE.finditer(words):
        add("asks for the assistant's instructions or prompt", _reveal_weight(m))
    for m in _BYPASS_RE.finditer(words):
        add("asks to bypass safety rules", _bypass_weight(m))
    if _INTERNAL_RE.search(words):
        add("asks for internal procedures or documents", 0.75 if _DISCLOSE_RE.search(words) else 0.4)
    for m in _FRAUD_RE.finditer(words):
        noun = m.group("noun") or ""
        weight = 0.3 if noun in {"rules", "limits", "scores", "score"} else 0.55
        add("asks about fraud-detection thresholds or rules", weight + (0.25 if _DISCLOSE_RE.search(words) else 0))
    if _DEV_MODE_RE.search(words):
        add("mentions developer mode or a jailbreak", 0.1 if _DEVICE_RE.search(words) else 0.55)


def _decoded_payloads(text: str, words: str) -> list[str]:
    """Readable texts hidden in base64, hex or ROT13 within ``text``."""
    payloads: list[str] = []
    for m in _ENCODED_RE.finditer(text):
        if len(payloads) >= _MAX_ENCODED_CANDIDATES:
            break
        blob = m.group()
        if not re.search(r"[a-z]", blob) or not re.search(r"[A-Z0-9]", blob):
            continue  # a plain word or a plain number
        decoded = _b64_text(blob)
        if decoded is not None:
            payloads.append(decoded)
    for m in _HEX_RE.finditer(text):
        if len(payloads) >= _MAX_ENCODED_CANDIDATES:
            break
        try:
            decoded = _readable(bytes.fromhex(m.group().replace(" ", "")))
        except ValueError:
            continue
        if decoded is not None:
            payloads.append(decoded)
    if " rot13 " in words or " rot 13 " in words:
        payloads.append(codecs.decode(text, "rot13"))
    return payloads


def _b64_text(blob: str) -> str | None:
    padded = blob + "=" * (-len(blob) % 4)
    try:
        if "-" in blob or "_" in blob:
            raw = base64.urlsafe_b64decode(padded)
        else:
            raw = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return _readable(raw)


def _readable(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(decoded) < 8:
        return None
    printable = sum(ch.isprintable() or ch in "\n\t" for ch in decoded)
    letters = sum(ch.isalpha() or ch == " " for ch in decoded)
    if printable / len(decoded) < 0.95 or letters / len(decoded) < 0.6:
        return None
    return decoded


def _analyse(text: str, found: dict[str, float], *, decode: bool) -> None:
    folded = _fold(text)
    words = _words(folded)
    variants = {words}
    if _LEET_IN_WORD_RE.search(folded):
        variants.add(_words(folded.translate(_LEET)))
    rejoined, runs = _rejoin_spaced(words)
    if runs:
        variants.add(rejoined)
        # A wholly letter-spaced phrase joins into one token ("ignoreallpreviousinstructions").
        if any(_SQUASHED_RE.search(run) for run in runs):
            found["hides instructions in letter-spaced text"] = 0.8
    for variant in variants:
        _score_words(variant, found)
    for reason, pattern, weight in _MARKUP_RULES:
        if pattern.search(folded) and weight > found.get(reason, 0.0):
            found[reason] = weight
    if _delimiter_pattern(DEFAULT_DELIMITER_TAGS).search(text):
        found["tries to open or close a prompt delimiter"] = 0.9
    if not decode:
        return
    asks_to_decode = bool(_DECODE_ASK_RE.search(words))
    for payload in _decoded_payloads(text, words):
        inner: dict[str, float] = {}
        _analyse(payload, inner, decode=False)
        if _combine(inner.values()) >= INJECTION_THRESHOLD:
            found["hides an injection in an encoded payload"] = 0.9
        elif asks_to_decode:
            found["asks to decode an encoded payload"] = max(found.get("asks to decode an encoded payload", 0), 0.6)


def _combine(weights: Iterable[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return 1.0 - remaining


def detect_injection(text: str, *, threshold: float = INJECTION_THRESHOLD) -> InjectionVerdict:
    """Score ``text`` for prompt-injection attempts.

    Matching is done on several normalised forms of the text (NFKC, case-folded, invisible
    characters removed, look-alike Cyrillic/Greek letters mapped, punctuation collapsed; plus a
    leetspeak reading and a reading with letter-spaced runs joined), and on any readable base64,
    hex or ROT13 payload inside it. Every rule that fires adds its reason; the score combines the
    weights as independent evidence. ``flagged`` is ``score >= threshold``.

    Score each message or document on its own: weak signals add up, so a whole conversation
    scored as one text collects the weak hits of unrelated turns.

    The verdict is advice for the pipeline (stricter handling, a hand-off, an audit log entry); it
    is never the only defence: untrusted text is still fenced with :func:`neutralise_delimiters`
    and outputs are still checked with :func:`contains_canary` and :func:`leaked_fragments`.
    """
    found: dict[str, float] = {}
    if text.strip():
        _analyse(text, found, decode=True)
    score = round(_combine(found.values()), 4)
    reasons = [reason for reason, _ in sorted(found.items(), key=lambda item: -item[1])]
    return InjectionVerdict(flagged=score >= threshold, reasons=reasons, score=score)


# --- delimiters ----------------------------------------------------------------------------------

_LOOKALIKE = "\u2039"  # SINGLE LEFT-POINTING ANGLE QUOTATION MARK: not '<', and NFKC keeps it so
_GAP = "[\\s\u00ad\u200b-\u200f\u2060-\u2064\ufeff]*"
_OPENER = r"(?:<|\uff1c|\ufe64|&lt;?|&#0*60;?|&#x0*3c;?|\\u003c|\\x3c|%3c)"
_SLASH = r"(?:/|&#0*47;?|&#x0*2f;?|\\u002f|%2f)?"


@lru_cache(maxsize=32)
def _delimiter_pattern(tags: tuple[str, ...]) -> re.Pattern[str]:
    names = []
    for tag in tags:
        parts = [_GAP.join(re.escape(ch) for ch in part) for part in re.split(r"[_\-\s]+", tag) if part]
        names.append(f"{_GAP}[_\\-]?{_GAP}".join(parts))
    return re.compile(f"{_OPENER}{_GAP}{_SLASH}{_GAP}(?:{'|'.join(names)})(?![A-Za-z0-9])", re.IGNORECASE)


_OPENER_RE = re.compile(_OPENER, re.IGNORECASE)


def neutralise_delimiters(text: str, tags: Sequence[str] = DEFAULT_DELIMITER_TAGS) -> str:
    """Defang anything in untrusted ``text`` that would open or close one of our data ``tags``.

    The ``<`` (or its full-width, small, HTML-entity, ``\\u003c`` or URL-encoded spelling) that
    starts such a tag becomes ``‹`` (U+2039), so ``</customer_message>`` reads
    ``‹/customer_message>``: still legible to an agent, no longer our delimiter. Case, spaces,
    dashes, underscores and invisible characters inside the tag name do not hide it. The rest of
    the text is left exactly as it was.
    """
    pattern = _delimiter_pattern(tuple(tags))
    return pattern.sub(lambda m: _OPENER_RE.sub(_LOOKALIKE, m.group(), count=1), text)


# --- leaks ---------------------------------------------------------------------------------------

_ALNUM_RUN_RE = re.compile(r"[^\W_]+")
_TOKEN_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def _squash(text: str) -> str:
    return "".join(_ALNUM_RUN_RE.findall(_fold(text)))


def contains_canary(text: str, canaries: Iterable[str]) -> bool:
    """Whether ``text`` contains any of ``canaries``, however spaced, punctuated or cased.

    Both sides are compared as their letters and digits only (after NFKC, case folding and dropping
    invisible characters), so ``CANARY-7f3a9c`` is found as ``canary 7f3a9c`` or ``c.a.n.a.r.y7F3A9C``.
    Use long random tokens: a short canary would also match ordinary text. Empty canaries are ignored.
    """
    haystack = _squash(text)
    return any(needle and needle in haystack for needle in map(_squash, canaries))


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN_RE.finditer(unicodedata.normalize("NFKC", text).translate(_INVISIBLE)))


def _token_key(m: re.Match[str]) -> str:
    return m.group().casefold().replace("'", "").replace("\u2019", "")


class LeakDetector:
    """Finds where an output reproduces ``min_words`` or more consecutive words of any secret text.

    Build it once per set of secrets (the system prompt, the internal documents retrieved for a
    request) and call :meth:`fragments` on each output. Words are compared after NFKC, case folding
    and dropping punctuation, so a leak survives re-casing, re-punctuation and re-spacing. The
    secrets are kept as a set of ``min_words``-word shingles: memory grows with their length, and a
    check costs one set look-up per word of the output.
    """

    def __init__(self, secrets: Iterable[str], min_words: int = 8) -> None:
        if min_words < 1:
            raise ValueError("min_words must be at least 1")
        self.min_words = min_words
        self._shingles: set[str] = set()
        for secret in secrets:
            keys = [_token_key(m) for m in _tokens(secret)]
            for i in range(len(keys) - min_words + 1):
                self._shingles.add(" ".join(keys[i : i + min_words]))

    def fragments(self, output: str) -> list[str]:
        """The leaked passages of ``output`` (NFKC-normalised), overlapping runs merged, in order."""
        if not self._shingles:
            return []
        normalised = unicodedata.normalize("NFKC", output).translate(_INVISIBLE)
        tokens = list(_TOKEN_RE.finditer(normalised))
        keys = [_token_key(m) for m in tokens]
        k = self.min_words
        runs: list[list[int]] = []  # [first token, last token] of merged matches
        for i in range(len(keys) - k + 1):
            if " ".join(keys[i : i + k]) in self._shingles:
                if runs and i <= runs[-1][1] + 1:
                    runs[-1][1] = i + k - 1
                else:
                    runs.append([i, i + k - 1])
        found: list[str] = []
        for first, last in runs:
            fragment = normalised[tokens[first].start() : tokens[last].end()]
            if fragment not in found:
                found.append(fragment)
        return found

    def leaks(self, output: str) -> bool:
        """Whether ``output`` reproduces any run of ``min_words`` words of a secret."""
        return bool(self.fragments(output))


def leaked_fragments(output: str, secrets: Sequence[str], min_words: int = 8) -> list[str]:
    """The passages of ``output`` that repeat ``min_words`` or more consecutive words of a secret.

    One-shot form of :class:`LeakDetector`; build a detector instead to check many outputs against
    the same secrets. An empty list means no leak.
    """
    return LeakDetector(secrets, min_words).fragments(output)
