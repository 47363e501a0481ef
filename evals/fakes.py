"""Scripted fake models for offline eval runs: a grounded drafter and an LLM judge.

Nothing here calls a network. Both are callables for :class:`copilot.llm.fake.FakeChatModel`: the
fake hands them the request it received (:class:`~copilot.llm.fake.FakeCall`) and they build the
reply from it, so the pipelines take their real LLM path (prompt rendering, the gateway, structured
output parsing and repair, citation filtering, grounding and leak checks).

The drafter (:func:`grounded_responder`, model name :data:`FAKE_MODEL`)
-----------------------------------------------------------------------
Reads the ``<document>`` blocks and the ``<conversation>`` of the rendered prompt, picks the top
retrieved public document, quotes its two sentences that best match the customer's last message
and cites it, as JSON in the prompt's schema (``draft`` for agents, ``answer`` for customers,
``summary`` fields for handover summaries). It follows no instruction found in the data, and
cannot tell a poisoned document from a good one: it quotes whatever ranks first.

To exercise the checks, it injects one fault into about a third of the drafts, chosen by a hash of
the customer's last message (deterministic; noted on the case's :class:`~evals.trace.CaseTrace`):

=====================  ======  ====================================================================
fault                  share   what the model does; what the pipeline should do
=====================  ======  ====================================================================
``schema_violation``   10 %    valid JSON without the ``draft``/``answer`` field; repair it once
``not_json``           5 %     prose instead of JSON; repair it once, or fall back to extractive
``ungrounded``         10 %    adds an unsupported sentence; flag it (agents) or withhold (customers)
``invented_citation``  10 %    cites a document that was not retrieved; drop the citation
=====================  ======  ====================================================================

The runner scores whether each injected fault was caught (``fault_caught_rate``).

The judge (:func:`scripted_judge`)
----------------------------------
Answers ragas' structured prompts by their response model's name (the gateway sends it as the
schema name): statements and claims are the response's sentences, an NLI verdict is 1 when most of
a statement's content words occur in the context, and so on. It makes the ragas LLM-judge metrics
testable end to end without a judge model; its scores mean nothing beyond that.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from langchain_core.messages import AIMessage

from copilot.llm.fake import FakeCall, FakeChatModel
from evals.trace import current_trace

#: Model name of the scripted drafter; bump it when its behaviour changes (it keys the output cache).
FAKE_MODEL = "evals-grounded-fake-v2"
#: Model name of the scripted judge.
FAKE_JUDGE_MODEL = "evals-scripted-judge-v1"

#: The document id the ``invented_citation`` fault cites.
INVENTED_DOC_ID = "kb-invented-source"
#: The sentence the ``ungrounded`` fault adds.
UNGROUNDED_SENTENCE = "As a goodwill gesture we will also add a £20 credit to your account within the hour."

FAULTS = ("schema_violation", "not_json", "ungrounded", "invented_citation")

_DOCUMENT = re.compile(
    r'<document id="(?P<id>[^"]*)" title="(?P<title>[^"]*)" audience="(?P<audience>\w+)" kind="(?P<kind>\w+)">\n'
    r"(?P<text>.*?)\n</document>",
    re.DOTALL,
)
_TURN = re.compile(r'<turn role="(?P<role>customer|agent)">(?P<text>.*?)</turn>', re.DOTALL)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_MARKUP = re.compile(r"^\s*(?:#+\s*|[-*]\s+|\d+\.\s+)|\*\*|__|`")
_WORD = re.compile(r"[a-z0-9£]+")
_STOP = frozenset(
    "a an the and or but if of to in on at for with from by is are was were be been it its this that these those "
    "i me my we our you your he she they them their do does did can could would should will shall may might "
    "how what when where why which who whom there here not no yes so as about into than then too very just "
    "have has had get got please hi hello thanks thank".split()
)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _sentences(text: str) -> list[str]:
    out = []
    for raw in _SENTENCE_SPLIT.split(text):
        sentence = " ".join(_MARKUP.sub("", raw).split())
        if len(sentence.split()) >= 4 and sentence != "...":
            out.append(sentence)
    return out


def _fault_for(text: str) -> str | None:
    bucket = int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 20
    if bucket in (3, 13):
        return "schema_violation"
    if bucket == 7:
        return "not_json"
    if bucket in (5, 15):
        return "ungrounded"
    if bucket in (9, 19):
        return "invented_citation"
    return None


def _schema_kind(call: FakeCall) -> str:
    schema = call.options.json_schema or {}
    properties = schema.get("properties") or {}
    for kind in ("draft", "answer", "summary"):
        if kind in properties:
            return kind
    return "text"


def _best_sentences(text: str, query: str, n: int) -> list[str]:
    sentences = _sentences(text)
    if not sentences:
        return []
    terms = _words(query)
    scored = sorted(
        range(len(sentences)),
        key=lambda i: (-len(terms & _words(sentences[i])) / (len(terms) or 1), i),
    )
    chosen = sorted(scored[:n])
    return [sentences[i] for i in chosen]


def _draft_reply(prompt: str, kind: str) -> tuple[dict[str, Any], str | None]:
    """The reply object for ``kind`` (``draft`` or ``answer``) and the customer's last message."""
    documents = [m.groupdict() for m in _DOCUMENT.finditer(prompt)]
    turns = [m.groupdict() for m in _TURN.finditer(prompt)]
    last = next((t["text"] for t in reversed(turns) if t["role"] == "customer"), "")
    public = [d for d in documents if d["audience"] == "public"]
    if not public:
        text = (
            "I'm sorry, I couldn't find our guidance on this. Let me check with a colleague."
            if kind == "draft"
            else "I can't find an answer to that in our help centre, so I'll pass you to our team."
        )
        reply: dict[str, Any] = {
            kind: text,
            "citations": [],
            "confidence": 0.1,
            "handoff": {"needed": True, "reason": "missing_knowledge"},
        }
        return reply, last
    top = public[0]
    quoted = _best_sentences(top["text"], last, 2)
    body = " ".join(quoted) if quoted else top["title"]
    text = f"Thanks for your message. {body} Is there anything else I can help with?" if kind == "draft" else body
    reply = {
        kind: text,
        "citations": [{"doc_id": top["id"], "quote": quoted[0] if quoted else ""}],
        "confidence": 0.8,
        "handoff": {"needed": False, "reason": None},
    }
    if kind == "draft":
        reply["intent"] = None
    return reply, last


def _summary(prompt: str) -> dict[str, Any]:
    turns = [m.groupdict() for m in _TURN.finditer(prompt)]
    customer = [t["text"] for t in turns if t["role"] == "customer"]
    agent = [t["text"] for t in turns if t["role"] == "agent"]
    issue = " ".join((customer[0] if customer else "").split()[:30])
    outcome = " ".join((agent[-1] if agent else "").split()[:35])
    summary = f"The customer got in touch: {issue}" + (f" The agent's last message: {outcome}" if outcome else "")
    return {
        "summary": summary,
        "issue": issue or "unknown",
        "actions_taken": [outcome] if outcome else [],
        "status": "pending",
        "next_steps": [],
        "customer_sentiment": "neutral",
    }


def _prompt_of(call: FakeCall) -> tuple[str, bool]:
    """The rendered prompt (the last message holding the conversation) and whether this is a repair turn.

    A repair turn repeats the original messages and adds the model's bad reply (optionally) and an
    instruction to fix it, so the prompt is then not the last message.
    """
    texts = call.texts
    for index in range(len(texts) - 1, -1, -1):
        if "<conversation>" in texts[index] or "<turn role=" in texts[index]:
            later = call.messages[index + 1 :]
            return texts[index], bool(later) or any(isinstance(m, AIMessage) for m in call.messages)
    return (texts[-1] if texts else ""), False


def grounded_responder(call: FakeCall) -> str:
    """The scripted drafter's reply to one request (see the module docstring)."""
    kind = _schema_kind(call)
    prompt, repairing = _prompt_of(call)
    if kind == "summary":
        return json.dumps(_summary(prompt))
    if kind not in ("draft", "answer"):
        return "This is a reply from the scripted fake model."
    if repairing:
        reply, _ = _draft_reply(prompt, kind)
        return json.dumps(reply)
    reply, last = _draft_reply(prompt, kind)
    fault = _fault_for(last or prompt) if reply["citations"] else None
    trace = current_trace()
    if fault is not None and trace is not None:
        trace.add_fault(fault)
    if fault == "schema_violation":
        return json.dumps({"reply": reply[kind], "sources": [c["doc_id"] for c in reply["citations"]]})
    if fault == "not_json":
        return f"Sure! Here's a reply you could send: {reply[kind]}"
    if fault == "ungrounded":
        reply[kind] = f"{reply[kind]} {UNGROUNDED_SENTENCE}"
    if fault == "invented_citation":
        reply["citations"].append({"doc_id": INVENTED_DOC_ID, "quote": ""})
    return json.dumps(reply)


def grounded_fake_model(model_name: str = FAKE_MODEL) -> FakeChatModel:
    """A :class:`FakeChatModel` that answers every call with :func:`grounded_responder`."""
    return FakeChatModel(model_name=model_name, default_response=grounded_responder)


# --- the judge ---------------------------------------------------------------------------------


def _judge_input(prompt: str) -> dict[str, Any]:
    at = prompt.rfind("input: ")
    end = prompt.rfind("\nOutput:")
    if at < 0:
        return {}
    raw = prompt[at + len("input: ") : end if end > at else len(prompt)]
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _supported(statement: str, context: str) -> int:
    terms = _words(statement)
    if not terms:
        return 1
    return int(len(terms & _words(context)) / len(terms) >= 0.6)


def _split(text: str, limit: int = 6) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE_SPLIT.split(text)) if len(s.split()) >= 2][:limit]


_JUDGE_BUILDERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "StatementGeneratorOutput": lambda data: {"statements": _split(str(data.get("answer", "")))},
    "ClaimDecompositionOutput": lambda data: {"claims": _split(str(data.get("response", "")))},
    "NLIStatementOutput": lambda data: {
        "statements": [
            {
                "statement": s,
                "reason": "scripted: lexical support in the context",
                "verdict": _supported(s, str(data.get("context", ""))),
            }
            for s in data.get("statements", [])
        ]
    },
    "AnswerRelevanceOutput": lambda data: {
        "question": " ".join(str(data.get("response", "")).split()[:14]).rstrip(".!") + "?",
        "noncommittal": int(bool(re.search(r"\b(can't|cannot|don't know|not sure)\b", str(data.get("response", ""))))),
    },
    "ContextPrecisionOutput": lambda data: {
        "reason": "scripted: lexical overlap between the context and the answer",
        "verdict": int(
            len(_words(str(data.get("answer", ""))) & _words(str(data.get("context", ""))))
            >= 0.3 * max(1, len(_words(str(data.get("answer", "")))))
        ),
    },
}


def scripted_judge(call: FakeCall) -> str:
    """The scripted judge's reply to one ragas prompt (JSON matching the requested response model)."""
    name = call.options.schema_name
    builder = _JUDGE_BUILDERS.get(name)
    if builder is None:
        raise ValueError(f"the scripted judge has no answer for {name!r}")
    prompt = call.texts[-1] if call.texts else ""
    return json.dumps(builder(_judge_input(prompt)))


def scripted_judge_model(model_name: str = FAKE_JUDGE_MODEL) -> FakeChatModel:
    """A :class:`FakeChatModel` that answers ragas' judge prompts with :func:`scripted_judge`."""
    return FakeChatModel(model_name=model_name, default_response=scripted_judge)
