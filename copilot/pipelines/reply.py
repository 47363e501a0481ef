"""Suggested replies (agents) and self-serve answers (customers): one pipeline, two surfaces.

The path of a request: PII masked -> triage heads on the embeddings the search reuses (intent, risks,
request; the policy rules can only add a handoff) -> retrieval under the caller's access filter ->
triage's decision, with retrieval as the evidence for ``answerable`` -> curated answer? -> draft (LLM
through the gateway, or extractive) -> structured output parsed, repaired once or replaced ->
citations checked against what was retrieved, sentences checked against the cited passages, output
rules and leaks checked -> placeholders restored.

On the customer surface nothing unchecked is ever shown: a draft that fails a check is replaced by a
handoff. On the agent surface the draft is kept, flagged, and its confidence lowered.

Without a model, an agent's draft comes from what agents did: the agent turn of the most similar past
resolution that answered the analogous customer turn, adapted (:mod:`copilot.pipelines.resolutions`),
followed by the article line that adds a fact; questions no resolution covers get the article quote
(:mod:`copilot.pipelines.extractive`). Customers get the quoted answer alone, cited. Agents also get a
``next_best_action`` (what to do in the tools) with its source, and every drafted outcome carries a
calibrated confidence (:mod:`copilot.pipelines.confidence`); customers' drafts below its handoff
threshold hand over.
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from copilot.guardrails.grounding import EmbedFn, check_grounding, filter_citations
from copilot.guardrails.injection import InjectionVerdict, LeakDetector, contains_canary, detect_injection
from copilot.guardrails.pii import PiiVault
from copilot.guardrails.policy import HANDOFF_MESSAGES, SENSITIVE_MESSAGES, output_violations
from copilot.llm.base import ChatRequest, ChatResult
from copilot.llm.errors import ProviderError
from copilot.llm.gateway import LLMGateway
from copilot.pipelines.common import (
    DraftStreamExtractor,
    PlaceholderSafeRestorer,
    parse_model,
    render_context,
    render_conversation,
    render_sources,
    word_chunks,
)
from copilot.pipelines.confidence import HANDOFF_BELOW, calibrated_confidence
from copilot.pipelines.curated import CuratedAnswers, CuratedMatch
from copilot.pipelines.extractive import (
    compose,
    page_sentences,
    select_sentences,
)
from copilot.pipelines.resolutions import (
    PastResolution,
    ResolutionDraft,
    action_from_procedure,
    action_from_resolution,
    draft_from_resolutions,
    parse_resolution,
)
from copilot.prompts import PromptLibrary, PromptTemplate
from copilot.schemas import (
    Answer,
    Citation,
    ConversationInput,
    ConversationTurn,
    Flags,
    Handoff,
    NextBestAction,
    PromptRef,
    ReplyInput,
    Suggestion,
    UsageOut,
)
from copilot.triage.classifier import Triage
from copilot.triage.result import CustomerTriage, TriageResult
from knowledge_base.documents import Audience, DocumentKind
from knowledge_base.query import Turn as KBTurn
from knowledge_base.search import CallerAudience, Retriever, SearchHit
from knowledge_base.sparse import tokenize

Surface = Literal["agent", "customer"]
_PLACEHOLDER = re.compile(r"\[[A-Z_]+_\d+\]")
EXTRACTIVE = "extractive"


#: An agent's draft when neither a past resolution nor an article applies: no claim of guidance, and the
#: question that gets the case moving (what happened, and when).
HOLDING_REPLY = (
    "Sorry to hear about this. Could you tell me a bit more about what happened, and when, so I can look into it"
    " for you?"
)


@dataclass(frozen=True)
class ReplyConfig:
    """Thresholds of the reply pipeline (calibrated on the golden set; see docs/evals.md)."""

    agent_k: int = 5
    customer_k: int = 4
    min_similarity: float = 0.32
    confident_similarity: float = 0.6
    canaries: tuple[str, ...] = ()
    deadline_s: float | None = None
    #: Past resolutions read for an agent's draft and its next best action (0: articles only).
    resolutions: int = 2
    #: Customer drafts whose calibrated confidence is under this hand over (``low_confidence``).
    handoff_below: float = HANDOFF_BELOW


class _CitationJSON(BaseModel):
    doc_id: str
    quote: str = ""


class _HandoffJSON(BaseModel):
    needed: bool = False
    reason: str | None = None


class _SuggestJSON(BaseModel):
    draft: str = Field(min_length=1)
    citations: list[_CitationJSON] = Field(default_factory=list)
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    handoff: _HandoffJSON = Field(default_factory=_HandoffJSON)
    intent: str | None = None


class _AnswerJSON(BaseModel):
    answer: str = Field(min_length=1)
    citations: list[_CitationJSON] = Field(default_factory=list)
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    handoff: _HandoffJSON = Field(default_factory=_HandoffJSON)


@dataclass
class _Prepared:
    surface: Surface
    vault: PiiVault
    turns: list[ConversationTurn]
    last: str
    triage: TriageResult
    injection: InjectionVerdict
    curated: CuratedMatch | None
    hits: list[SearchHit]
    started: float
    #: The past resolutions among the hits, read once (agents only; see ``ReplyPipeline._past``).
    past: list[PastResolution] | None = None


@dataclass
class _Draft:
    text: str
    cited: list[tuple[str, str]]
    model_confidence: float | None
    model_handoff: tuple[bool, str | None]
    intent: str | None
    provider: str
    model: str
    usage: UsageOut = field(default_factory=UsageOut)
    llm_calls: int = 0
    repaired: bool = False
    fallback_reason: str | None = None
    from_llm: bool = False
    #: The past resolution the draft was built from, when it was.
    resolution: ResolutionDraft | None = None
    #: The extractive ranker's score of the best quoted line (0 when nothing was quoted).
    extract_score: float = 0.0


@dataclass
class ReplyOutcome:
    """What the pipeline decided, before it is shaped as a Suggestion or an Answer."""

    text: str
    citations: list[Citation]
    confidence: float
    handoff: Handoff
    intent: str | None
    provider: str
    model: str
    prompt: PromptRef
    usage: UsageOut
    latency_ms: float
    flags: Flags
    curated_answer_id: str | None = None
    llm_calls: int = 0
    retrieved: list[str] = field(default_factory=list)
    triage: TriageResult | None = None
    next_best_action: NextBestAction | None = None
    #: What the calibrated confidence was computed from (drafted outcomes only; for eval and audit).
    confidence_features: dict[str, float] = field(default_factory=dict)

    def _shared(self) -> dict[str, object]:
        """The fields a Suggestion and an Answer both carry."""
        return {
            "citations": self.citations,
            "confidence": self.confidence,
            "handoff": self.handoff,
            "provider": self.provider,
            "model": self.model,
            "prompt": self.prompt,
            "usage": self.usage,
            "latency_ms": self.latency_ms,
            "curated_answer_id": self.curated_answer_id,
        }

    def as_suggestion(self) -> Suggestion:
        intent = self.intent or (self.triage.intent[0].intent if self.triage else None)
        return Suggestion(draft=self.text, intent=intent, flags=self.flags, triage=self.triage,
                          next_best_action=self.next_best_action, **self._shared())  # type: ignore[arg-type]

    def as_answer(self) -> Answer:
        # Customers get the answer, never the guardrail flags, the risks or the procedure.
        answer = Answer(answer=self.text, triage=CustomerTriage.of(self.triage) if self.triage else None,
                        **self._shared())  # type: ignore[arg-type]
        return answer.with_internal_triage(self.triage) if self.triage else answer


class ReplyPipeline:
    """Drafts replies for one of the two surfaces. Thread-safe; build once, call many times."""

    def __init__(
        self,
        retriever: Retriever,
        gateway: LLMGateway,
        prompts: PromptLibrary,
        triage: Triage,
        *,
        embed: EmbedFn | None = None,
        curated: CuratedAnswers | None = None,
        config: ReplyConfig | None = None,
    ) -> None:
        self.retriever = retriever
        self.triage = triage
        self.gateway = gateway
        self.prompts = prompts
        self.embed = embed
        self.curated = curated
        self.config = config or ReplyConfig()
        self._templates = {"agent": prompts.get("suggest_reply"), "customer": prompts.get("answer")}
        secrets = [t.system for t in self._templates.values()]
        self._leaks = LeakDetector(secrets, min_words=10)

    # -- public ---------------------------------------------------------------------------------

    def warm_cache(self, *, batch: int = 128) -> int:
        """Embed, once and ahead of traffic, what the extractive drafter compares a message with: every
        article's sentences and every past resolution's turns. Returns how many texts.

        With a caching embedder (the service's), the drafter then reads them from its cache, so the first
        request that reaches a document does not embed its 20-60 lines inside the request.
        """
        if self.embed is None:
            return 0
        texts: list[str] = []
        agent = CallerAudience.AGENT
        for doc_id, _title in self.retriever.documents(audience=agent, kinds=(DocumentKind.ARTICLE,)):
            texts += [s.text for s in page_sentences(self.retriever.document_passages(doc_id, audience=agent))]
        if self.config.resolutions:
            for doc_id, title in self.retriever.documents(audience=agent, kinds=(DocumentKind.RESOLUTION,)):
                passages = self.retriever.document_passages(doc_id, audience=agent)
                for exchange in parse_resolution(doc_id, title, passages).exchanges:
                    texts += [exchange.customer, exchange.agent]
        distinct = list(dict.fromkeys(texts))
        for start in range(0, len(distinct), batch):
            self.embed(distinct[start : start + batch])
        return len(distinct)

    def run(self, request: ReplyInput, surface: Surface) -> ReplyOutcome:
        prepared = self._prepare(request, surface)
        early = self._early_outcome(prepared)
        if early is not None:
            return early
        draft = self._draft(prepared)
        return self._finish(prepared, draft)

    def stream(self, request: ReplyInput, surface: Surface) -> Iterator[str | ReplyOutcome]:
        """Text as it is produced, then the final outcome.

        Agents watch the model's draft arrive live; customers only ever see checked text, so their
        answer is streamed after the checks have passed.
        """
        prepared = self._prepare(request, surface)
        early = self._early_outcome(prepared)
        if early is not None:
            yield from word_chunks(early.text)
            yield early
            return
        if surface == "customer" or not self.gateway.available:
            outcome = self._finish(prepared, self._draft(prepared))
            yield from word_chunks(outcome.text)
            yield outcome
            return
        draft = yield from self._draft_streaming(prepared)
        yield self._finish(prepared, draft)

    def triage_only(self, request: ConversationInput, surface: Surface) -> TriageResult:
        """Triage as a request would see it (masked, with its surface's retrieval evidence), no draft."""
        return self._prepare(request, surface, curated=False).triage

    # -- steps ----------------------------------------------------------------------------------

    def _prepare(self, request: ConversationInput, surface: Surface, *, curated: bool = True) -> _Prepared:
        started = time.perf_counter()
        vault = PiiVault()
        turns = [ConversationTurn(role=t.role, text=vault.mask(t.text)) for t in request.conversation]
        last = next(t.text for t in reversed(turns) if t.role == "customer")
        verdict = detect_injection(last)
        # Placeholders carry no topic ("my email is [EMAIL_1]"): retrieval sees the words around them.
        query = [KBTurn(t.role, _PLACEHOLDER.sub(" ", t.text)) for t in turns if _PLACEHOLDER.sub("", t.text).strip()]
        if not any(t.role == "customer" for t in query):
            query = [KBTurn(t.role, t.text) for t in turns]
        # One model call embeds the curated check's message and the search's texts; triage reads the same
        # embeddings, and the search after it reads them from memory.
        self.retriever.warm(query, extra=[last, *self.triage.texts(query).unique])
        reading = self.triage.read(query)
        audience = CallerAudience.CUSTOMER if surface == "customer" else CallerAudience.AGENT
        k = self.config.customer_k if surface == "customer" else self.config.agent_k
        hits = self.retriever.search(query, audience=audience, k=k)
        if surface == "customer":
            # Fail closed, again: nothing but public articles reaches the customer pipeline.
            hits = [h for h in hits if h.audience is Audience.PUBLIC and h.kind is DocumentKind.ARTICLE]
        triage = self.triage.decide(reading, surface=surface, evidence=[h.similarity for h in hits])
        match = None
        if curated and self.curated is not None and triage.handoff.reason in (None, "sensitive_topic"):
            # Triage alone (summaries, /v1/triage) needs no curated answer.
            match = self.curated.match(last)
        return _Prepared(surface, vault, turns, last, triage, verdict, match, hits, started)

    def _early_outcome(self, p: _Prepared) -> ReplyOutcome | None:
        """Outcomes decided without drafting: curated answers and customer handoffs."""
        template = self._templates[p.surface]
        if p.curated is not None:
            answer = p.curated.answer
            hits = {h.doc_id: h for h in p.hits}
            citations = [Citation(doc_id=d, title=hits[d].title if d in hits else d,
                                  url=hits[d].url if d in hits else None) for d in answer.doc_ids]
            needed = p.triage.handoff.needed
            why = p.triage.handoff.reason if needed else None
            return self._outcome(
                p, answer.answer, citations, confidence=round(p.curated.similarity, 3),
                handoff=Handoff(needed=needed, reason=why,
                                message=handoff_message(p.triage, why) if needed else None),
                provider="curated", model=answer.id, prompt=PromptRef(id="curated", version=answer.id),
                usage=UsageOut(), flags=Flags(injection_suspected=p.injection.flagged),
                curated_answer_id=answer.id,
            )
        if p.surface != "customer":
            return None
        reason: str | None = None
        if p.triage.handoff.needed:
            reason = p.triage.handoff.reason
        elif not p.hits or p.hits[0].similarity < self.config.min_similarity:
            reason = "missing_knowledge"
        elif p.injection.flagged and p.hits[0].similarity < self.config.confident_similarity:
            reason = "policy_restriction"
        if reason is None:
            return None
        citations = []
        if reason == "sensitive_topic" and p.hits and p.hits[0].similarity >= self.config.confident_similarity:
            top = p.hits[0]
            citations = [Citation(doc_id=top.doc_id, title=top.title, url=top.url)]
        message = handoff_message(p.triage, reason)
        return self._outcome(
            p, message, citations, confidence=0.0,
            handoff=Handoff(needed=True, reason=reason, message=message),  # type: ignore[arg-type]
            provider="triage", model=p.triage.model_version, prompt=PromptRef(id=template.id, version=template.version),
            usage=UsageOut(), flags=Flags(injection_suspected=p.injection.flagged),
        )

    def _messages(self, p: _Prepared, template: PromptTemplate) -> list[BaseMessage]:
        values = {"conversation": render_conversation(p.turns), "sources": render_sources(p.hits)}
        if "customer_context" in template.variables:
            values["customer_context"] = render_context(None)
        system, user = template.render(**values)
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def _request(self, p: _Prepared) -> tuple[ChatRequest, PromptTemplate]:
        template = self._templates[p.surface]
        request = ChatRequest(
            messages=self._messages(p, template),
            json_schema=template.output_schema,
            schema_name=template.id,
            max_tokens=500,
        )
        return request, template

    def _deadline(self) -> float | None:
        return self.gateway.deadline_in(self.config.deadline_s) if self.config.deadline_s else None

    def _draft(self, p: _Prepared) -> _Draft:
        if not self.gateway.available:
            return self._extractive(p)
        request, _ = self._request(p)
        try:
            result = self.gateway.complete(request, deadline=self._deadline())
        except ProviderError as exc:
            if _only_bad_responses(exc):
                calls = len(getattr(exc, "errors", ()))
                return self._repair(p, request, None, "was not a JSON object", usage=UsageOut(), calls=calls)
            return self._extractive(p, fallback_reason=f"llm_unavailable: {type(exc).__name__}")
        return self._from_llm(p, request, result)

    def _draft_streaming(self, p: _Prepared) -> Generator[str, None, _Draft]:
        request, _ = self._request(p)
        extractor = DraftStreamExtractor("draft")
        restorer = PlaceholderSafeRestorer(p.vault.restore)
        result: ChatResult | None = None
        try:
            for item in self.gateway.stream(request, deadline=self._deadline()):
                if isinstance(item, str):
                    text = restorer.feed(extractor.feed(item))
                    if text:
                        yield text
                else:
                    result = item
            tail = restorer.flush()
            if tail:
                yield tail
        except ProviderError as exc:
            if _only_bad_responses(exc):
                calls = len(getattr(exc, "errors", ()))
                return self._repair(p, request, None, "was not a JSON object", usage=UsageOut(), calls=calls)
            return self._extractive(p, fallback_reason=f"llm_unavailable: {type(exc).__name__}")
        assert result is not None
        return self._from_llm(p, request, result)

    def _parse(self, p: _Prepared, text: str) -> tuple[_SuggestJSON | _AnswerJSON | None, str | None]:
        model_cls: type[_SuggestJSON] | type[_AnswerJSON] = _SuggestJSON if p.surface == "agent" else _AnswerJSON
        return parse_model(text, model_cls)

    def _from_llm(self, p: _Prepared, request: ChatRequest, result: ChatResult) -> _Draft:
        usage = UsageOut(
            prompt_tokens=result.usage.prompt_tokens,
            completion_tokens=result.usage.completion_tokens,
            cost=result.cost,
        )
        parsed, problem = self._parse(p, result.text)
        if parsed is None:
            return self._repair(p, request, result.text, problem or "was invalid", usage=usage, calls=result.attempts)
        return self._draft_from(parsed, result.provider, result.model, usage, result.attempts, repaired=False)

    def _repair(
        self, p: _Prepared, request: ChatRequest, bad_text: str | None, problem: str, *, usage: UsageOut, calls: int
    ) -> _Draft:
        """One more call that shows the model what was wrong; if that fails too, draft extractively."""
        messages = list(request.messages)
        if bad_text is not None:
            messages.append(AIMessage(content=bad_text[:4000]))
        instruction = f"Your reply {problem}. Reply again with only the JSON object that matches the schema."
        messages.append(HumanMessage(content=instruction))
        repair = ChatRequest(
            messages=messages,
            json_schema=request.json_schema,
            schema_name=request.schema_name,
            max_tokens=request.max_tokens,
        )
        try:
            second = self.gateway.complete(repair, deadline=self._deadline())
        except ProviderError as exc:
            calls += len(getattr(exc, "errors", ())) or 1
            second = None
        parsed = None
        if second is not None:
            calls += second.attempts
            usage = UsageOut(
                prompt_tokens=usage.prompt_tokens + second.usage.prompt_tokens,
                completion_tokens=usage.completion_tokens + second.usage.completion_tokens,
                cost=usage.cost + second.cost,
            )
            parsed, second_problem = self._parse(p, second.text)
            problem = second_problem or problem
        if parsed is None or second is None:
            draft = self._extractive(p, fallback_reason=f"malformed_output: {problem}")
            draft.usage, draft.llm_calls = usage, calls
            return draft
        return self._draft_from(parsed, second.provider, second.model, usage, calls, repaired=True)

    @staticmethod
    def _draft_from(
        parsed: _SuggestJSON | _AnswerJSON, provider: str, model: str, usage: UsageOut, calls: int, *, repaired: bool
    ) -> _Draft:
        text = parsed.draft if isinstance(parsed, _SuggestJSON) else parsed.answer
        return _Draft(
            text=text.strip(),
            cited=[(c.doc_id, c.quote) for c in parsed.citations],
            model_confidence=parsed.confidence,
            model_handoff=(parsed.handoff.needed, parsed.handoff.reason),
            intent=getattr(parsed, "intent", None),
            provider=provider,
            model=model,
            usage=usage,
            llm_calls=calls,
            repaired=repaired,
            from_llm=True,
        )

    def _extractive(self, p: _Prepared, fallback_reason: str | None = None) -> _Draft:
        # Customer-facing text is drafted from public articles only; internal hits are cited for the agent.
        public = [h for h in p.hits if h.audience is Audience.PUBLIC and h.kind is DocumentKind.ARTICLE]
        query = p.last if len(p.last.split()) >= 4 else " ".join(t.text for t in p.turns if t.role == "customer")
        audience = CallerAudience.CUSTOMER if p.surface == "customer" else CallerAudience.AGENT
        # The drafter reads the best article as a whole: the answer is often next to the passage that matched.
        document = self.retriever.document_passages(public[0].doc_id, audience=audience) if public else None
        conversation = [(t.role, t.text) for t in p.turns]
        extracts = [
            e for e in select_sentences(query, public, document=document, conversation=conversation, embed=self.embed)
            # A poisoned article must not speak through us: instructions in a source are never quoted.
            if not detect_injection(e.sentence).flagged
        ]
        agent = p.surface == "agent"
        resolution = self._resolution_draft(p, conversation) if agent else None
        if resolution is not None:
            # What an agent said to the same question in a past case, adapted; the article's answer after it.
            text = resolution.text
            said = set(tokenize(text))
            # One line of the article that adds a fact the past reply does not state (golden reply set:
            # semantic similarity 0.58 -> 0.62 with it; two or three lines add nothing more).
            extra = [e.sentence for e in extracts
                     if len(set(tokenize(e.sentence)) - said) > 0.5 * len(set(tokenize(e.sentence)))]
            if extra:
                text = f"{text} {extra[0]}"
        elif extracts:
            # The quoted answer alone, cited: the citation says where it comes from, an agent adds their own
            # greeting, and the app offers the chat anyway; template words only make the answer longer
            # (doc2dial answer_token_f1 0.374 -> 0.399 without "Thanks." / "Anything else?", docs/evals.md).
            text = compose(extracts, opening="", closing="")
        elif agent:
            # Nothing to draft from: an honest holding reply that asks for what is needed to look into it.
            text = HOLDING_REPLY
        else:
            text = HANDOFF_MESSAGES["missing_knowledge"]
        cited = [(e.doc_id, e.sentence) for e in extracts]
        if resolution is not None:
            cited.insert(0, (resolution.doc_id, resolution.quote))
        if agent:
            for hit in p.hits:
                if hit.audience is Audience.INTERNAL and hit.passages and len(cited) < 5:
                    # A past resolution is most useful for what was done, not for the chat it quotes.
                    best = next((x for x in hit.passages if x.heading.lower() == "resolution"), hit.passages[0])
                    cited.append((hit.doc_id, " ".join(best.text.split()[:40])))
        return _Draft(
            text=text,
            cited=cited,
            model_confidence=None,
            model_handoff=(not extracts and resolution is None,
                           "missing_knowledge" if not extracts and resolution is None else None),
            intent=None,
            provider=EXTRACTIVE,
            model=EXTRACTIVE,
            fallback_reason=fallback_reason,
            resolution=resolution,
            extract_score=max((e.score for e in extracts), default=0.0),
        )

    def _past(self, p: _Prepared) -> list[PastResolution]:
        """The (at most two) best-ranked past resolutions among the hits, read whole, once per request."""
        if p.past is None:
            p.past = []
            for hit in p.hits:
                if hit.kind is not DocumentKind.RESOLUTION or hit.similarity < self.config.min_similarity:
                    continue
                passages = self.retriever.document_passages(hit.doc_id, audience=CallerAudience.AGENT)
                p.past.append(parse_resolution(hit.doc_id, hit.title, passages or list(hit.passages)))
                if len(p.past) >= self.config.resolutions:
                    break
        return p.past

    def _resolution_draft(self, p: _Prepared, conversation: Sequence[tuple[str, str]]) -> ResolutionDraft | None:
        if not self.config.resolutions:
            return None
        past = self._past(p)
        if not past:
            return None
        # Figures the articles and procedures state may stay in the draft; another customer's may not.
        known = " ".join(x.text for h in p.hits if h.kind is DocumentKind.ARTICLE for x in h.passages)
        # One batched embedding call scores every exchange of the (at most two) resolutions by meaning; the
        # resolutions' turns are knowledge-base text, so the embedder's cache has them after their first use.
        return draft_from_resolutions(past, p.last, conversation[:-1], known=known, embed=self.embed)

    def _next_best_action(self, p: _Prepared, draft: _Draft) -> NextBestAction | None:
        """From the resolution the draft used (or the best-ranked one), else the procedure triage names."""
        if p.surface != "agent":
            return None
        found = None
        past = self._past(p) if self.config.resolutions else []
        chosen = [r for r in past if draft.resolution is not None and r.doc_id == draft.resolution.doc_id] or past
        for resolution in chosen:
            found = action_from_resolution(resolution)
            if found is not None:
                break
        if found is None and p.triage.procedure is not None and p.triage.handoff.needed:
            # A specialist case (a scam, a bereavement ...): the procedure's first step is what to do now.
            procedure = p.triage.procedure
            passages = self.retriever.document_passages(procedure, audience=CallerAudience.AGENT)
            title = next((h.title for h in p.hits if h.doc_id == procedure), procedure)
            found = action_from_procedure(procedure, title, passages)
        if found is None:
            return None
        return NextBestAction(action=p.vault.restore(found.action), source=found.doc_id, source_title=found.title,
                              kind=found.kind, quote=p.vault.restore(found.quote))  # type: ignore[arg-type]

    def _finish(self, p: _Prepared, draft: _Draft) -> ReplyOutcome:
        template = self._templates[p.surface]
        retrieved = {h.doc_id: h for h in p.hits}
        kept, dropped = filter_citations([d for d, _ in draft.cited], retrieved)
        quotes: dict[str, str] = {}
        for doc_id, quote in draft.cited:
            quotes.setdefault(doc_id, quote)
        citations = [
            Citation(doc_id=d, title=retrieved[d].title, url=retrieved[d].url, quote=p.vault.restore(quotes.get(d, "")))
            for d in kept
        ]
        top_similarity = p.hits[0].similarity if p.hits else 0.0
        flags = Flags(
            dropped_citations=dropped,
            injection_suspected=p.injection.flagged,
            pii_masked=sorted({kind.value for _, kind in p.vault.entities}),
            repaired_output=draft.repaired,
            fallback_reason=draft.fallback_reason,
        )
        handoff_needed = p.triage.handoff.needed
        handoff_reason: str | None = p.triage.handoff.reason
        if not handoff_needed and draft.model_handoff[0] and (
            p.surface == "customer" or draft.model_handoff[1] == "sensitive_topic"
        ):
            # The model may add a handoff; on the agent surface only a specialist one (triage's meaning).
            handoff_needed, handoff_reason = True, draft.model_handoff[1] or "missing_knowledge"
        text = draft.text
        violations: list[str] = []
        support = 0.0
        if draft.from_llm:
            cited_passages = [
                " ".join(p_.text for p_ in retrieved[d].passages) for d in kept
            ] or [" ".join(p_.text for h in p.hits for p_ in h.passages)]
            grounding = check_grounding(text, cited_passages, embed=self.embed)
            flags.ungrounded_sentences = grounding.unsupported
            violations = output_violations(text)
            leaked = contains_canary(text, self.config.canaries) or bool(self._leaks.fragments(text))
            if leaked:
                violations.append("leaks_internal_text")
            support = grounding.support_ratio
        features = {
            "top_similarity": top_similarity,
            "similarity_margin": top_similarity - (p.hits[1].similarity if len(p.hits) > 1 else 0.0),
            "extract_score": draft.extract_score / 10.0,
            "resolution_match": draft.resolution.match if draft.resolution is not None else 0.0,
            "llm_support": support,
            "from_llm": float(draft.from_llm),
            "cited": float(bool(kept)),
            "dropped": float(len(dropped)),
            "violations": float(len(violations)),
            "customer": float(p.surface == "customer"),
        }
        # The model's own confidence is not an input: self-reported confidence is not calibrated.
        confidence = calibrated_confidence(features)
        if draft.from_llm:
            if p.surface == "customer" and (violations or not grounding.grounded or not kept):
                reason = "policy_restriction" if violations else "missing_knowledge"
                text = HANDOFF_MESSAGES[reason]
                handoff_needed, handoff_reason = True, reason
                citations = []
                confidence = 0.0
            elif "leaks_internal_text" in violations:
                text = "I'm sorry, I can't share that. Is there something else I can help with?"
        else:
            if not kept:
                confidence = 0.0
            # Quoted help-centre text is approved wording, so the output rules are for model text; but a
            # canary or a system-prompt fragment must not get through, whatever produced it.
            if contains_canary(text, self.config.canaries) or self._leaks.fragments(text):
                violations.append("leaks_internal_text")
                if p.surface == "customer":
                    text = HANDOFF_MESSAGES["policy_restriction"]
                    handoff_needed, handoff_reason = True, "policy_restriction"
                    citations = []
                confidence = 0.0
        if p.surface == "customer" and not handoff_needed and citations and confidence < self.config.handoff_below:
            # Too unlikely to answer the question: a person does better than a guess.
            text = handoff_message(p.triage, "low_confidence")
            handoff_needed, handoff_reason = True, "low_confidence"
            citations = []
        confidence = round(min(1.0, max(0.0, confidence)), 3)
        if p.surface == "agent":
            citations = self._procedure_first(p, citations)
        message = handoff_message(p.triage, handoff_reason) if handoff_needed else None
        return self._outcome(
            p,
            p.vault.restore(text),
            citations,
            confidence=confidence,
            handoff=Handoff(needed=handoff_needed, reason=handoff_reason if handoff_needed else None,  # type: ignore[arg-type]
                            message=message),
            provider=draft.provider,
            model=draft.model,
            prompt=PromptRef(id=template.id, version=template.version),
            usage=draft.usage,
            flags=flags,
            intent=draft.intent,
            llm_calls=draft.llm_calls,
            next_best_action=self._next_best_action(p, draft),
            confidence_features=features,
        )

    def _outcome(
        self,
        p: _Prepared,
        text: str,
        citations: list[Citation],
        *,
        confidence: float,
        handoff: Handoff,
        provider: str,
        model: str,
        prompt: PromptRef,
        usage: UsageOut,
        flags: Flags,
        curated_answer_id: str | None = None,
        intent: str | None = None,
        llm_calls: int = 0,
        next_best_action: NextBestAction | None = None,
        confidence_features: dict[str, float] | None = None,
    ) -> ReplyOutcome:
        return ReplyOutcome(
            text=text,
            citations=citations,
            confidence=confidence,
            handoff=handoff,
            intent=intent,
            provider=provider,
            model=model,
            prompt=prompt,
            usage=usage,
            latency_ms=round((time.perf_counter() - p.started) * 1000, 2),
            flags=flags,
            curated_answer_id=curated_answer_id,
            llm_calls=llm_calls,
            retrieved=[h.doc_id for h in p.hits],
            triage=p.triage,
            next_best_action=next_best_action,
            confidence_features=confidence_features or {},
        )

    def _procedure_first(self, p: _Prepared, citations: list[Citation]) -> list[Citation]:
        """On the agent surface the procedure triage names comes first among the sources."""
        procedure = p.triage.procedure
        if procedure is None:
            return citations
        rest = [c for c in citations if c.doc_id != procedure]
        hit = next((h for h in p.hits if h.doc_id == procedure), None)
        if hit is not None:
            quote = hit.passages[0].text if hit.passages else ""
            title = hit.title
        else:
            passages = self.retriever.document_passages(procedure, audience=CallerAudience.AGENT, limit=2)
            if not passages:
                return citations
            quote, title = passages[0].text, passages[0].heading or procedure
        first = Citation(doc_id=procedure, title=title, quote=" ".join(quote.split()[:40]))
        return [first, *rest]


def _only_bad_responses(exc: ProviderError) -> bool:
    """True when every provider answered, but not with JSON (worth one repair, not a fallback)."""
    from copilot.llm.errors import ProviderBadResponse

    errors: list[tuple[str, ProviderError]] = list(getattr(exc, "errors", None) or [])
    return bool(errors) and all(isinstance(e, ProviderBadResponse) for _, e in errors)


def handoff_message(triage: TriageResult, reason: str | None) -> str:
    """The customer-facing words for a handoff: a sensitive one names the help its risk needs."""
    if reason == "sensitive_topic" and triage.handoff.cause is not None:
        key = "fraud_in_progress" if triage.handoff.cause in ("scam_in_progress", "unauthorised_activity") else (
            triage.handoff.cause)
        if key in SENSITIVE_MESSAGES:
            return SENSITIVE_MESSAGES[key]
    return HANDOFF_MESSAGES.get(reason or "", HANDOFF_MESSAGES["missing_knowledge"])
