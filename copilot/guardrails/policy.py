"""The handoff policy and the output policy.

Handoff: some conversations must reach a person whatever the model thinks (a customer asking for
one; fraud happening now; money worries; a bereavement; a vulnerable customer; a complaint), and some
requests the copilot must not fulfil (financial advice, moving money, promising an outcome).
These rules run on the customer's own words before any model call, so they hold even when the model
is unavailable or manipulated.

Output policy: a draft must never ask for a full card number, PIN, password or one-time code, and
must never promise an outcome; :func:`output_violations` names what a draft breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FLAGS = re.IGNORECASE

_HUMAN = re.compile(
    r"\b(speak|talk|chat|speaking|talking)\s+(to|with)\s+(a\s+|an\s+|some\s*one|somebody|your\s+)?"
    r"(real\s+|actual\s+|live\s+)?(person|human|agent|someone|somebody|adviser|advisor|manager|staff|people)\b"
    r"|\b(real|actual|live)\s+(person|human)\b|\bhuman\s+(please|agent|being)\b|\bcall\s+me\s+back\b"
    r"|\b(get|put)\s+me\s+(through\s+)?to\s+(a\s+)?(person|human|agent|someone)\b|\bnot\s+a\s+(bot|robot)\b",
    _FLAGS,
)

_SENSITIVE: dict[str, re.Pattern[str]] = {
    "fraud_in_progress": re.compile(
        r"\b(i|we)('?ve|\s+have|\s+think\s+i'?ve|\s+think\s+i\s+have|'?m|\s+am|\s+was|\s+might\s+have)?\s*"
        r"(been|being|got|just\s+been)\s+(scammed|defrauded|hacked|conned|tricked)"
        r"|\bsome(one|body)\s+(has\s+)?(hacked|got\s+into|accessed|is\s+using|has\s+access\s+to|took\s+money\s+from)\s+my"
        r"|\btold\s+me\s+to\s+(move|transfer|send|pay)"
        r"|\b(move|moved|moving|transfer|transferred)\s+(all\s+)?(my\s+)?(money|savings|funds|balance)\s+to\s+a\s+safe\s+account"
        r"|\b(didn'?t|did\s+not|never)\s+(make|authori[sz]e|recogni[sz]e)\s+(this|these|that|those|a|the|any)?\s*"
        r"(card\s+)?(payments?|transactions?|transfers?|withdrawals?)"
        r"|\b(payments?|transactions?|transfers?|withdrawals?)\s+(that\s+)?i\s+(didn'?t|did\s+not|never|don'?t)\s+"
        r"(make|authori[sz]e|recogni[sz]e)"
        r"|\bunauthori[sz]ed\s+(payments?|transactions?|transfers?)"
        r"|\b(says|said|claims?|claimed)\s+(they'?re|they\s+are|to\s+be|he'?s|she'?s|he\s+is|she\s+is)\s+from\s+"
        r"(the\s+bank|kestrel|the\s+police|your\s+fraud|the\s+fraud)"
        r"|\b(on\s+the\s+(phone|line)|calling\s+me)\s+(right\s+)?now\b",
        _FLAGS,
    ),
    "financial_difficulty": re.compile(
        r"\b(can'?t|cannot|unable\s+to)\s+(afford|pay\s+(my|the)\s+(bills?|rent|debts?|overdraft))|struggling\s+"
        r"(to\s+pay|financially|with\s+(money|debt|bills|payments))|in\s+debt|debt\s+collector|bailiffs?"
        r"|financial\s+(difficult\w*|hardship|trouble)|lost\s+my\s+job|money\s+worries|behind\s+on\s+(my\s+)?"
        r"(payments|bills|rent)|breathing\s+space\b",
        _FLAGS,
    ),
    # Someone has died: a person who died, not a phone that "died"; planning a will is not a bereavement.
    "bereavement": re.compile(
        r"\b(passed\s+away|deceased|bereave\w*|funeral|death\s+certificate|executor\s+(of|for)"
        r"|(grant\s+of|applying\s+for|apply\s+for|got)\s+probate"
        r"|(husband|wife|mother|father|mum|mom|dad|partner|son|daughter|brother|sister|nan|nana|gran|granny|grandma"
        r"|grandad|grandpa|grandfather|grandmother|uncle|aunt|auntie|friend|he|she)\s+(has\s+|had\s+|just\s+|sadly\s+"
        r"|recently\s+|suddenly\s+)*died"
        r"|late\s+(husband|wife|mother|father|mum|dad|partner|son|daughter))\b",
        _FLAGS,
    ),
    "vulnerability": re.compile(
        r"\b(suicid\w*|self[-\s]?harm|kill\s+myself|end\s+my\s+life|mental\s+health|dementia|domestic\s+(abuse|violence)"
        r"|abusive\s+(partner|relationship)|coerc\w+|carer\b|terminal(ly)?\s+ill|disabilit\w+|can'?t\s+cope"
        r"|(i'?m|i\s+am|she'?s|he'?s|she\s+is|he\s+is)\s+(very\s+|quite\s+|a\s+)?vulnerable"
        r"|in\s+hospital|gambling\s+(problem|addiction))\b",
        _FLAGS,
    ),
    # Dissatisfaction that asks for a remedy; a question about how complaints or the ombudsman work is not one.
    "complaint": re.compile(
        r"\b(i\s+(want|wish|would\s+like|need|am\s+going|'?m\s+going)\s+to\s+complain"
        r"|(make|raise|file|lodge|log|put\s+in)\s+a\s+(formal\s+)?complaint|formal\s+complaint|i'?m\s+complaining"
        r"|unacceptable|disgusted|appalled"
        r"|(i'?ll|i\s+will|i'?m\s+going\s+to|i\s+am\s+going\s+to)\s+(go|take\s+\w+|report\s+\w+|escalate\s+\w+)"
        r"\s+to\s+the\s+(financial\s+)?ombudsman)\b",
        _FLAGS,
    ),
}

_ADVICE = re.compile(
    r"\b(should\s+i\s+(invest|buy|sell|put\s+my\s+(money|savings))|best\s+(investment|shares?|stocks?|fund|crypto)"
    r"|which\s+(shares?|stocks?|funds?|crypto)|invest\s+(my|in)\s+\w+|financial\s+advice|is\s+it\s+a\s+good\s+time\s+to"
    r"\s+(buy|sell|invest)|tax\s+advice|pension\s+advice)\b",
    _FLAGS,
)
_ACTION = re.compile(
    r"\b((can|could|will)\s+you\s+(please\s+)?(send|transfer|move|pay)\s+(£|\$|€|\d|money|my|the|it|funds)"
    r"|(send|transfer|move)\s+£?\d[\d,.]*\s+(to|from)\b)",
    _FLAGS,
)
_PROMISE_REQUEST = re.compile(
    r"\b((promise|guarantee)\s+(me\s+)?(a\s+|my\s+|that\s+)?\w*|(raise|increase|up)\s+my\s+(limit|overdraft)"
    r"|approve\s+my\s+(overdraft|application|loan))\b",
    _FLAGS,
)
_VAGUE = re.compile(
    r"^\s*(help|hello|hi|hey|it'?s\s+not\s+working|not\s+working|doesn'?t\s+work|it\s+doesn'?t\s+work"
    r"|problem|issue|i\s+have\s+a\s+(problem|question|issue)|something'?s\s+wrong|broken|error)\s*[.!?]*\s*$",
    _FLAGS,
)


@dataclass(frozen=True)
class PolicyDecision:
    """Whether the conversation must reach a person, why, and which rule decided it."""

    handoff: bool
    reason: str | None = None
    rule: str | None = None

    @classmethod
    def none(cls) -> PolicyDecision:
        return cls(False)


def classify_request(customer_text: str) -> PolicyDecision:
    """The handoff the customer's own latest words call for, before any retrieval or model call.

    Order matters: an explicit request for a person wins, then sensitive situations (they always go
    to a person), then requests the copilot must not fulfil.
    """
    text = customer_text.strip()
    if _HUMAN.search(text):
        return PolicyDecision(True, "customer_request", "asked_for_person")
    for rule, pattern in _SENSITIVE.items():
        if pattern.search(text):
            return PolicyDecision(True, "sensitive_topic", rule)
    if _ADVICE.search(text):
        return PolicyDecision(True, "unsupported_request", "financial_advice")
    if _ACTION.search(text):
        return PolicyDecision(True, "unsupported_request", "account_action")
    if _PROMISE_REQUEST.search(text):
        return PolicyDecision(True, "policy_restriction", "outcome_promise_requested")
    if _VAGUE.match(text):
        return PolicyDecision(True, "pending_clarification", "too_vague")
    return PolicyDecision.none()


_ASKS_SECRET = re.compile(
    r"\b(send|tell|give|provide|share|confirm|type|enter|reply\s+with|what\s+is|what'?s)\s+(me\s+|us\s+)?"
    r"(your\s+)?(full\s+|long\s+|16[-\s]digit\s+)?(card\s+number|pin\b|password|passcode|one[-\s]time\s+(code|passcode)"
    r"|security\s+code|cvv|cvc)",
    _FLAGS,
)
_PROMISES = re.compile(
    r"\b(we\s+will|we'?ll|i\s+will|i'?ll|you\s+will|you'?ll)\s+(definitely\s+|certainly\s+)?"
    r"(refund|get\s+(your\s+)?(money|refund)\s+back|be\s+refunded|reimburse|be\s+reimbursed|increase\s+your\s+limit"
    r"|approve)|\bguarantee(d)?\b",
    _FLAGS,
)


_WARNS = re.compile(
    r"\bnever\s+(ask|give|share|tell|send|type)|\bwon'?t\s+(ever\s+)?ask|\b(don'?t|do\s+not)\s+(share|give|tell|send)"
    r"|\bnot\s+(share|give)",
    _FLAGS,
)


def output_violations(draft: str) -> list[str]:
    """The output rules a draft breaks: ``asks_for_secret`` and ``promises_outcome``."""
    problems = []
    if _ASKS_SECRET.search(draft) and not _WARNS.search(draft):
        problems.append("asks_for_secret")
    if _PROMISES.search(draft):
        problems.append("promises_outcome")
    return problems


SENSITIVE_MESSAGES: dict[str, str] = {
    "fraud_in_progress": "Please freeze your card in the app now (Card > Freeze) and call us on 0300 555 0199, "
    "any time, day or night. Don't move any money while you're on the phone to anyone else. A member of our "
    "team will help you straight away.",
    "financial_difficulty": "Thank you for telling us. Our Financial Support team can look at options with you. "
    "Please use Help > Chat with us in the app, or call 0300 555 0142 (8am to 8pm every day). Free, "
    "confidential debt advice is also available from MoneyHelper, StepChange and National Debtline.",
    "bereavement": "I'm so sorry for your loss. Our Bereavement support team will guide you through what "
    "happens next. Please use Help > Chat with us in the app, or call 0300 555 0142 (8am to 8pm every day).",
    "vulnerability": "Thank you for letting us know. A member of our team will make sure you get the support "
    "you need. Please use Help > Chat with us in the app, or call 0300 555 0142 (8am to 8pm every day).",
    "complaint": "I'm sorry you've had a poor experience. A member of our team will take your complaint: use "
    "Help > Chat with us in the app, or call 0300 555 0142 (8am to 8pm every day).",
}


def handoff_message(reason: str | None, rule: str | None = None) -> str | None:
    """The customer-facing words for a handoff: the rule's own for sensitive topics."""
    if reason == "sensitive_topic" and rule in SENSITIVE_MESSAGES:
        return SENSITIVE_MESSAGES[rule]
    return HANDOFF_MESSAGES.get(reason or "")


HANDOFF_MESSAGES: dict[str, str] = {
    "customer_request": "I'll pass you to a member of our team. You can also reach us any time in the app "
    "(Help > Chat with us) or on 0300 555 0142, 8am to 8pm every day.",
    "sensitive_topic": "This is something a member of our team should help you with directly. Please use "
    "Help > Chat with us in the app, or call 0300 555 0142 (8am to 8pm every day). If you think you're being "
    "scammed right now, freeze your card in the app and call 0300 555 0199, any time.",
    "missing_knowledge": "I can't find a reliable answer to that in our help centre, so I'll pass you to a "
    "member of our team who can help. You can also use Help > Chat with us in the app.",
    "unsupported_request": "That's not something I can help with here. A member of our team can talk it "
    "through with you: use Help > Chat with us in the app, or call 0300 555 0142.",
    "policy_restriction": "I can't promise or change that here. A member of our team will look at it with "
    "you: use Help > Chat with us in the app, or call 0300 555 0142.",
    "pending_clarification": "Could you tell me a bit more about what's happening, for example which part "
    "of the app or which payment or card it's about?",
}
