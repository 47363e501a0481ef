"""Resilience of the LLM gateway, with fake providers and a fake clock.

Also covers the pieces the gateway is built from: the circuit breaker, the policy, the price table
and the registry.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import ClassVar

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import SecretStr, ValidationError

from copilot.llm import (
    AllProvidersFailed,
    BreakerState,
    ChatRequest,
    ChatResult,
    CircuitBreaker,
    DeadlineExceeded,
    FailMidStream,
    FakeChatModel,
    GatewayPolicy,
    LLMGateway,
    PriceTable,
    ProviderBadResponse,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    RecordingObserver,
    StreamInterrupted,
    Usage,
    build_chain,
    build_provider,
    estimate_cost,
)
from copilot.llm.fake import FakeCall
from copilot.llm.openai_provider import OpenAIChatModel
from copilot.llm.policy import resolve_provider_order
from copilot.llm.registry import ProviderConfigError, register_provider
from copilot.llm.vertex_provider import VertexChatModel
from copilot.settings import Settings


class FakeClock:
    """Monotonic time that only moves when told to (or when the gateway sleeps)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class OtherFake(FakeChatModel):
    """A fake under another provider name, for ordering and labelling tests."""

    provider_name: ClassVar[str] = "other"


REQUEST = ChatRequest(messages=[SystemMessage("Be brief."), HumanMessage("Where is my card?")])
JSON_REQUEST = ChatRequest(
    messages=[HumanMessage("Answer in JSON.")],
    json_schema={"type": "object", "properties": {"answer": {"type": "string"}}},
    schema_name="answer",
)
FAST = GatewayPolicy(retry_backoff_s=0.2, min_attempt_s=0.05)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def observer() -> RecordingObserver:
    return RecordingObserver()


def make_gateway(
    providers: list[FakeChatModel],
    clock: FakeClock,
    observer: RecordingObserver | None = None,
    **policy: object,
) -> LLMGateway:
    return LLMGateway(
        providers,
        FAST.model_copy(update=policy),
        clock=clock,
        sleep=clock.sleep,
        observers=[observer] if observer else [],
    )


def deltas_and_result(items: list[str | ChatResult]) -> tuple[list[str], ChatResult]:
    *deltas, result = items
    assert isinstance(result, ChatResult)
    assert all(isinstance(delta, str) for delta in deltas)
    return [str(delta) for delta in deltas], result


# -- the happy path ----------------------------------------------------------------------------------


def test_first_provider_answers(clock: FakeClock) -> None:
    primary = FakeChatModel(responses=["Your card is on its way."])
    backup = FakeChatModel(responses=["unused"])

    result = make_gateway([primary, backup], clock).complete(REQUEST)

    assert result.text == "Your card is on its way."
    assert (result.provider, result.model, result.attempts, result.fallbacks) == ("fake", "fake-model", 1, ())
    assert primary.requests == [["Be brief.", "Where is my card?"]]
    assert backup.calls == []


def test_request_options_reach_the_provider(clock: FakeClock) -> None:
    provider = FakeChatModel(responses=['{"answer": "ok"}'])
    request = JSON_REQUEST.model_copy(update={"temperature": 0.7, "max_tokens": 42})

    make_gateway([provider], clock, call_timeout_s=7).complete(request)

    options = provider.calls[0].options
    assert options.json_schema == JSON_REQUEST.json_schema
    assert (options.schema_name, options.temperature, options.max_tokens) == ("answer", 0.7, 42)
    assert options.timeout_s == pytest.approx(7)


# -- timeouts and retries ----------------------------------------------------------------------------


def test_timeout_is_enforced_even_when_the_provider_ignores_it(observer: RecordingObserver) -> None:
    slow = FakeChatModel(responses=["too late"], latency_s=2.0)
    backup = FakeChatModel(responses=["from the backup"])
    gateway = LLMGateway([slow, backup], GatewayPolicy(call_timeout_s=0.05, max_retries=0), observers=[observer])

    started = time.monotonic()
    result = gateway.complete(REQUEST)

    assert time.monotonic() - started < 1.0
    assert result.text == "from the backup"
    assert result.fallbacks == ("fake",)
    assert observer.named("call_failed") == [("fake", "timeout")]


def test_unavailable_is_retried_exactly_once_with_jittered_backoff(clock: FakeClock) -> None:
    primary = FakeChatModel(
        responses=[ProviderUnavailable("HTTP 500", status_code=500), ProviderUnavailable("HTTP 503"), "never"]
    )
    backup = FakeChatModel(responses=["from the backup"])

    result = make_gateway([primary, backup], clock).complete(REQUEST)

    assert result.text == "from the backup"
    assert len(primary.calls) == 2
    assert primary.pending == 1
    assert result.attempts == 3
    assert len(clock.sleeps) == 1
    assert 0.1 <= clock.sleeps[0] <= 0.3


def test_a_timeout_then_success_on_the_retry(clock: FakeClock) -> None:
    provider = FakeChatModel(responses=[TimeoutError("read timed out"), "second time lucky"])

    result = make_gateway([provider], clock).complete(REQUEST)

    assert result.text == "second time lucky"
    assert result.attempts == 2
    assert result.fallbacks == ("fake",)


def test_no_retry_when_max_retries_is_zero(clock: FakeClock) -> None:
    provider = FakeChatModel(responses=[ConnectionError("refused"), "unused"])

    with pytest.raises(AllProvidersFailed):
        make_gateway([provider], clock, max_retries=0).complete(REQUEST)
    assert len(provider.calls) == 1


@pytest.mark.parametrize(
    ("error", "kind"),
    [(ValueError("garbage"), "bad_response"), (ProviderRejected("HTTP 400", status_code=400), "rejected")],
)
def test_other_errors_are_not_retried_but_fall_back(
    clock: FakeClock, observer: RecordingObserver, error: Exception, kind: str
) -> None:
    primary = FakeChatModel(responses=[error, "unused"])
    backup = FakeChatModel(responses=["from the backup"])

    result = make_gateway([primary, backup], clock, observer).complete(REQUEST)

    assert result.text == "from the backup"
    assert len(primary.calls) == 1
    assert clock.sleeps == []
    assert observer.named("call_failed") == [("fake", kind)]


def test_garbage_for_a_structured_request_falls_back(clock: FakeClock, observer: RecordingObserver) -> None:
    primary = FakeChatModel(responses=["Sure! Here is your answer: yes"])
    backup = FakeChatModel(responses=['```json\n{"answer": "yes"}\n```'])

    result = make_gateway([primary, backup], clock, observer).complete(JSON_REQUEST)

    assert result.json_value() == {"answer": "yes"}
    assert observer.named("call_failed") == [("fake", "bad_response")]


def test_unexpected_exceptions_become_provider_errors(clock: FakeClock) -> None:
    def explode(call: FakeCall) -> str:
        raise RuntimeError("bug in a third-party client")

    primary = FakeChatModel(responses=[explode])
    backup = FakeChatModel(responses=["fine"])

    result = make_gateway([primary, backup], clock).complete(REQUEST)

    assert result.text == "fine"


# -- streaming -------------------------------------------------------------------------------------


def test_stream_yields_deltas_then_the_result(clock: FakeClock) -> None:
    provider = FakeChatModel(responses=["Your new card will arrive in three days."])

    deltas, result = deltas_and_result(list(make_gateway([provider], clock).stream(REQUEST)))

    assert len(deltas) > 3
    assert "".join(deltas) == result.text == "Your new card will arrive in three days."
    assert result.usage.completion_tokens > 0
    assert provider.calls[0].streamed


def test_stream_failing_before_any_text_falls_back(clock: FakeClock, observer: RecordingObserver) -> None:
    primary = FakeChatModel(responses=[FailMidStream(""), FailMidStream("")])
    backup = FakeChatModel(responses=["backup text"])

    deltas, result = deltas_and_result(list(make_gateway([primary, backup], clock, observer).stream(REQUEST)))

    assert "".join(deltas) == "backup text"
    assert result.provider == "fake#2"
    assert len(primary.calls) == 2
    assert observer.named("fallback_taken") == [("fake", "fake#2")]


def test_stream_failing_after_text_raises_with_the_partial_text(clock: FakeClock) -> None:
    primary = FakeChatModel(responses=[FailMidStream("Your card was posted on")])
    backup = FakeChatModel(responses=["unused"])
    seen: list[str | ChatResult] = []

    with pytest.raises(StreamInterrupted) as raised:
        seen.extend(make_gateway([primary, backup], clock).stream(REQUEST))

    assert raised.value.partial_text == "Your card was posted on"
    assert "".join(str(item) for item in seen) == "Your card was posted on"
    assert isinstance(raised.value.cause, ProviderUnavailable)
    assert isinstance(raised.value, ProviderError)
    assert backup.calls == []


def test_stream_stalling_mid_way_times_out() -> None:
    provider = FakeChatModel(responses=["first second third"], chunk_delay_s=1.0)
    gateway = LLMGateway([provider], GatewayPolicy(call_timeout_s=0.1, max_retries=0))

    started = time.monotonic()
    with pytest.raises(StreamInterrupted) as raised:
        list(gateway.stream(REQUEST))

    assert time.monotonic() - started < 0.9
    assert raised.value.partial_text == "first "
    assert isinstance(raised.value.cause, ProviderTimeout)


def test_stream_that_never_starts_falls_back() -> None:
    slow = FakeChatModel(responses=["too late"], latency_s=2.0)
    backup = FakeChatModel(responses=["quick"])
    gateway = LLMGateway([slow, backup], GatewayPolicy(call_timeout_s=0.05, max_retries=0))

    deltas, result = deltas_and_result(list(gateway.stream(REQUEST)))

    assert "".join(deltas) == "quick"
    assert result.fallbacks == ("fake",)


def test_structured_stream_with_garbage_is_interrupted(clock: FakeClock) -> None:
    provider = FakeChatModel(responses=["not json"])

    with pytest.raises(StreamInterrupted) as raised:
        list(make_gateway([provider], clock).stream(JSON_REQUEST))

    assert isinstance(raised.value.cause, ProviderBadResponse)


def test_closing_a_stream_early_frees_a_half_open_trial(clock: FakeClock) -> None:
    provider = FakeChatModel(responses=[ConnectionError("refused"), "one two three four", "recovered"])
    gateway = make_gateway([provider], clock, max_retries=0, breaker_failure_threshold=1, breaker_reset_s=5)
    with pytest.raises(AllProvidersFailed):
        gateway.complete(REQUEST)
    clock.advance(5)
    stream = gateway.stream(REQUEST)

    assert next(stream) == "one "
    stream.close()

    assert gateway.breaker_states()["fake"] is BreakerState.HALF_OPEN
    assert gateway.complete(REQUEST).text == "recovered"


# -- circuit breaker -------------------------------------------------------------------------------


def test_breaker_opens_after_n_failures_and_skips_the_provider(clock: FakeClock, observer: RecordingObserver) -> None:
    primary = FakeChatModel(responses=[ConnectionError("refused")], cycle=True)
    backup = FakeChatModel(responses=["backup"], cycle=True)
    gateway = make_gateway([primary, backup], clock, observer, max_retries=0, breaker_failure_threshold=3)

    for _ in range(3):
        assert gateway.complete(REQUEST).provider == "fake#2"
    assert len(primary.calls) == 3
    assert gateway.breaker_states()["fake"] is BreakerState.OPEN

    result = gateway.complete(REQUEST)

    assert len(primary.calls) == 3
    assert result.fallbacks == ("fake",)
    assert result.attempts == 1
    assert observer.named("breaker_state") == [("fake", BreakerState.OPEN)]
    assert observer.named("call_failed")[-1] == ("fake", "circuit_open")


def test_breaker_half_opens_after_the_reset_time_and_closes_on_success(
    clock: FakeClock, observer: RecordingObserver
) -> None:
    primary = FakeChatModel(responses=[ConnectionError("refused")] * 2 + ["recovered"])
    backup = FakeChatModel(responses=["backup"], cycle=True)
    gateway = make_gateway(
        [primary, backup], clock, observer, max_retries=0, breaker_failure_threshold=2, breaker_reset_s=30
    )
    gateway.complete(REQUEST)
    gateway.complete(REQUEST)

    clock.advance(29)
    assert gateway.complete(REQUEST).provider == "fake#2"
    clock.advance(1)
    assert gateway.breaker_states()["fake"] is BreakerState.HALF_OPEN

    result = gateway.complete(REQUEST)

    assert result.text == "recovered"
    assert gateway.breaker_states()["fake"] is BreakerState.CLOSED
    assert [state for _, state in observer.named("breaker_state")] == [
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
    ]


def test_a_failed_trial_reopens_the_breaker(clock: FakeClock) -> None:
    primary = FakeChatModel(responses=[ConnectionError("refused")], cycle=True)
    backup = FakeChatModel(responses=["backup"], cycle=True)
    gateway = make_gateway([primary, backup], clock, breaker_failure_threshold=1, breaker_reset_s=10)
    gateway.complete(REQUEST)
    clock.advance(10)

    gateway.complete(REQUEST)

    assert len(primary.calls) == 2
    assert gateway.breaker_states()["fake"] is BreakerState.OPEN


def test_rejections_and_deadline_cut_timeouts_do_not_trip_the_breaker(clock: FakeClock) -> None:
    primary = FakeChatModel(responses=[ProviderRejected("HTTP 400", status_code=400)], cycle=True)
    backup = FakeChatModel(responses=["backup"], cycle=True)
    gateway = make_gateway([primary, backup], clock, breaker_failure_threshold=1)

    gateway.complete(REQUEST)
    gateway.complete(REQUEST)

    assert len(primary.calls) == 2
    assert gateway.breaker_states()["fake"] is BreakerState.CLOSED


def test_circuit_breaker_state_machine() -> None:
    clock = FakeClock()
    changes: list[tuple[str, BreakerState]] = []
    breaker = CircuitBreaker(
        "p", failure_threshold=2, reset_s=5, clock=clock, on_change=lambda n, s: changes.append((n, s))
    )

    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 1
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()

    clock.advance(5)
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()
    breaker.record_neutral()
    assert breaker.allow()
    breaker.record_success()

    assert breaker.state is BreakerState.CLOSED
    assert changes == [("p", BreakerState.OPEN), ("p", BreakerState.HALF_OPEN), ("p", BreakerState.CLOSED)]


def test_circuit_breaker_lets_one_trial_through_under_contention() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("p", failure_threshold=1, reset_s=1, clock=clock)
    breaker.record_failure()
    clock.advance(1)
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def contend() -> None:
        barrier.wait()
        results.append(breaker.allow())

    threads = [threading.Thread(target=contend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * 7 + [True]


# -- fallback order and deadlines --------------------------------------------------------------------


def test_the_fallback_chain_is_tried_in_order(clock: FakeClock, observer: RecordingObserver) -> None:
    first = FakeChatModel(responses=[ValueError("garbage")])
    second = FakeChatModel(responses=[ProviderRejected("HTTP 400")])
    third = FakeChatModel(responses=["third answers"])

    result = make_gateway([first, second, third], clock, observer).complete(REQUEST)

    assert result.text == "third answers"
    assert result.provider == "fake#3"
    assert result.fallbacks == ("fake", "fake#2")
    assert observer.named("fallback_taken") == [("fake", "fake#2"), ("fake#2", "fake#3")]


def test_policy_fallback_order_overrides_the_given_order(clock: FakeClock) -> None:
    fake = FakeChatModel(responses=["from fake"])
    other = OtherFake(responses=["from other"])

    gateway = make_gateway([fake, other], clock, fallback_order=["other", "fake"])

    assert gateway.provider_labels == ["other", "fake"]
    assert gateway.complete(REQUEST).text == "from other"


def test_the_deadline_caps_each_call_timeout(clock: FakeClock) -> None:
    provider = FakeChatModel(responses=["ok"])
    gateway = make_gateway([provider], clock, call_timeout_s=20)

    gateway.complete(REQUEST, deadline=gateway.deadline_in(2.5))

    assert provider.calls[0].options.timeout_s == pytest.approx(2.5)


def test_no_retry_or_fallback_once_the_deadline_is_near(clock: FakeClock) -> None:
    def slow_failure(call: FakeCall) -> str:
        clock.advance(9.99)
        raise ConnectionError("refused")

    primary = FakeChatModel(responses=[slow_failure, "unused"])
    backup = FakeChatModel(responses=["unused"])
    gateway = make_gateway([primary, backup], clock)

    with pytest.raises(DeadlineExceeded) as raised:
        gateway.complete(REQUEST, deadline=gateway.deadline_in(10))

    assert len(primary.calls) == 1
    assert backup.calls == []
    assert [(name, error.kind) for name, error in raised.value.errors] == [("fake", "unavailable")]


def test_the_policy_deadline_applies_without_a_caller_deadline(clock: FakeClock) -> None:
    def slow_failure(call: FakeCall) -> str:
        clock.advance(50)
        raise TimeoutError("slow")

    primary = FakeChatModel(responses=[slow_failure])
    backup = FakeChatModel(responses=["unused"])

    with pytest.raises(DeadlineExceeded):
        make_gateway([primary, backup], clock, request_deadline_s=45).complete(REQUEST)
    assert backup.calls == []


def test_a_passed_deadline_makes_no_call(clock: FakeClock) -> None:
    provider = FakeChatModel(responses=["unused"])
    gateway = make_gateway([provider], clock)

    with pytest.raises(DeadlineExceeded):
        gateway.complete(REQUEST, deadline=clock() - 1)
    with pytest.raises(DeadlineExceeded):
        list(gateway.stream(REQUEST, deadline=clock()))
    assert provider.calls == []


def test_all_providers_failed_lists_every_error(clock: FakeClock) -> None:
    first = FakeChatModel(responses=[ConnectionError("refused")], cycle=True)
    second = OtherFake(responses=[ValueError("garbage")])

    with pytest.raises(AllProvidersFailed) as raised:
        make_gateway([first, second], clock).complete(REQUEST)

    assert [(name, error.kind) for name, error in raised.value.errors] == [
        ("fake", "unavailable"),
        ("fake", "unavailable"),
        ("other", "bad_response"),
    ]
    assert isinstance(raised.value, ProviderError)


def test_an_empty_chain_fails_at_once(clock: FakeClock) -> None:
    gateway = make_gateway([], clock)

    assert not gateway.available
    with pytest.raises(AllProvidersFailed, match="no LLM provider"):
        gateway.complete(REQUEST)


# -- accounting and observers ------------------------------------------------------------------------


class PricedFake(FakeChatModel):
    provider_name: ClassVar[str] = "priced"


def test_cost_and_usage_are_recorded(clock: FakeClock, observer: RecordingObserver) -> None:
    def answer(call: FakeCall) -> str:
        clock.advance(0.25)
        return "twelve chars"

    provider = PricedFake(model_name="test-model", responses=[answer])
    gateway = LLMGateway(
        [provider], FAST, prices=PriceTable({"test-model": (1_000_000, 2_000_000)}), clock=clock, observers=[observer]
    )

    result = gateway.complete(REQUEST)

    assert result.usage == Usage(prompt_tokens=3 + 5, completion_tokens=3)
    assert result.cost == pytest.approx(8 * 1.0 + 3 * 2.0)
    assert result.cost_known
    assert result.latency_ms == pytest.approx(250)
    assert observer.named("call_succeeded") == [("priced", "test-model", pytest.approx(250), result.usage, result.cost)]


def test_an_unpriced_model_costs_nothing_and_is_flagged(clock: FakeClock) -> None:
    provider = PricedFake(model_name="mystery-model", responses=["hi"])

    result = LLMGateway([provider], FAST, clock=clock).complete(REQUEST)

    assert (result.cost, result.cost_known) == (0.0, False)


def test_a_failing_observer_does_not_break_the_request(clock: FakeClock) -> None:
    class Broken(RecordingObserver):
        def call_succeeded(self, provider: str, model: str, latency_ms: float, usage: Usage, cost: float) -> None:
            raise RuntimeError("metrics backend down")

    result = make_gateway([FakeChatModel(responses=["ok"])], clock, Broken()).complete(REQUEST)

    assert result.text == "ok"


def test_chat_request_validation() -> None:
    with pytest.raises(ValidationError):
        ChatRequest(messages=[])
    with pytest.raises(ValidationError):
        ChatRequest(messages=[HumanMessage("x")], schema_name="has spaces")
    with pytest.raises(ValidationError):
        ChatRequest(messages=[HumanMessage("x")], temperature=5)


# -- pricing -----------------------------------------------------------------------------------------


def test_price_table_matches_versions_and_honours_overrides() -> None:
    table = PriceTable({"gpt-4.1-mini": (1.0, 2.0), "house-model": (0.5, 0.5)})
    usage = Usage(prompt_tokens=1_000_000, completion_tokens=1_000_000)

    assert table.estimate("gpt-4.1-mini-2025-04-14", usage).usd == pytest.approx(3.0)
    assert table.estimate("gpt-4.1", usage).usd == pytest.approx(10.0)
    assert table.estimate("publishers/google/models/gemini-2.5-flash", usage).usd == pytest.approx(2.8)
    assert table.estimate("house-model", usage).usd == pytest.approx(1.0)
    assert table.estimate("gpt-4.10-mini", usage).known is False
    assert table.estimate("anything", usage, provider="local") == (0.0, True)
    assert estimate_cost("gpt-4o-mini", usage) == pytest.approx(0.75)
    assert estimate_cost("unknown", usage) == 0.0


# -- policy and registry -----------------------------------------------------------------------------


def settings(**values: object) -> Settings:
    base: dict[str, object] = {"openai_api_key": None, "vertex_project": None, "openai_base_url": None}
    return Settings(_env_file=None, **{**base, **values})  # type: ignore[call-arg, arg-type]


def test_policy_from_settings() -> None:
    policy = GatewayPolicy.from_settings(
        settings(
            llm_call_timeout_s=5,
            llm_request_deadline_s=12,
            llm_max_retries=0,
            llm_breaker_failure_threshold=3,
            llm_breaker_reset_s=7,
            llm_provider="fake",
            llm_fallbacks=["local", "fake", "extractive"],
        )
    )

    assert (policy.call_timeout_s, policy.request_deadline_s, policy.max_retries) == (5, 12, 0)
    assert (policy.breaker_failure_threshold, policy.breaker_reset_s) == (3, 7)
    assert policy.fallback_order == ["fake", "local"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, []),
        ({"openai_api_key": "sk-test"}, ["openai"]),
        ({"vertex_project": "bank-prod"}, ["vertex"]),
        (
            {"openai_api_key": "sk-test", "vertex_project": "bank-prod", "llm_fallbacks": ["vertex"]},
            ["openai", "vertex"],
        ),
        ({"llm_provider": "extractive", "openai_api_key": "sk-test"}, []),
        ({"llm_fallbacks": ["local"]}, ["local"]),
    ],
)
def test_auto_and_extractive_resolve_the_chain(values: dict[str, object], expected: list[str]) -> None:
    assert resolve_provider_order(settings(**values)) == expected


def test_build_chain_builds_configured_providers_without_calling_them() -> None:
    chain = build_chain(
        settings(
            openai_api_key="sk-test",
            vertex_project="bank-prod",
            llm_model="gpt-4o-mini",
            llm_fallbacks=["vertex", "fake"],
        )
    )

    openai_model, vertex_model, fake_model = chain
    assert isinstance(openai_model, OpenAIChatModel)
    assert openai_model.model_name == "gpt-4o-mini"
    assert isinstance(openai_model.api_key, SecretStr)
    assert isinstance(vertex_model, VertexChatModel)
    assert (vertex_model.model_name, vertex_model.project) == ("gemini-2.5-flash", "bank-prod")
    assert isinstance(fake_model, FakeChatModel)


def test_registry_fake_answers_from_settings() -> None:
    provider = build_provider("fake", settings(llm_provider="fake", llm_fake_responses=["scripted"]))

    assert provider.invoke("hi").content == "scripted"
    assert provider.invoke("hi").content == "scripted"


def test_registry_refuses_unconfigured_and_unknown_providers() -> None:
    with pytest.raises(ProviderConfigError):
        build_provider("openai", settings())
    with pytest.raises(ProviderConfigError):
        build_provider("vertex", settings())
    with pytest.raises(KeyError):
        build_provider("nope", settings())
    with pytest.raises(ValueError, match="already registered"):
        register_provider("fake", lambda s, m: FakeChatModel())


def test_importing_the_llm_package_and_building_a_chain_loads_no_sdk() -> None:
    code = (
        "import sys\n"
        "from copilot.llm import build_chain\n"
        "from copilot.settings import Settings\n"
        "build_chain(Settings(_env_file=None, openai_api_key='sk-x', vertex_project='p', llm_fallbacks=['vertex']))\n"
        "loaded = [m for m in ('openai', 'google.genai', 'llama_cpp') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
