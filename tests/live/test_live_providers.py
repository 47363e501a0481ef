"""One tiny call to each real provider; skipped unless its credentials are set.

* OpenAI: ``COPILOT_OPENAI_API_KEY`` or ``OPENAI_API_KEY`` (optionally ``COPILOT_OPENAI_BASE_URL``
  and ``COPILOT_LLM_OPENAI_MODEL``).
* Vertex AI: ``COPILOT_VERTEX_PROJECT`` (or ``GOOGLE_CLOUD_PROJECT``) and application-default
  credentials (``gcloud auth application-default login`` or ``GOOGLE_APPLICATION_CREDENTIALS``);
  optionally ``COPILOT_VERTEX_LOCATION`` and ``COPILOT_LLM_VERTEX_MODEL``.
"""

from __future__ import annotations

import os

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, SecretStr

from copilot.llm import ChatProvider, ChatRequest, GatewayPolicy, LLMGateway

pytestmark = pytest.mark.live

OPENAI_KEY = os.environ.get("COPILOT_OPENAI_API_KEY") or os.environ.get("OPENAI_API_KEY")
VERTEX_PROJECT = os.environ.get("COPILOT_VERTEX_PROJECT") or os.environ.get("GOOGLE_CLOUD_PROJECT")


class Reply(BaseModel):
    greeting: str


GREETING = [SystemMessage("Reply with one short sentence."), HumanMessage("Say hello to a bank customer.")]
STRUCTURED = [HumanMessage('Return JSON like {"greeting": "..."} greeting a bank customer.')]


def has_application_default_credentials() -> bool:
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    except DefaultCredentialsError:
        return False
    return True


def check_provider(provider: ChatProvider) -> None:
    gateway = LLMGateway([provider], GatewayPolicy(call_timeout_s=30, request_deadline_s=60))

    text = gateway.complete(ChatRequest(messages=GREETING, max_tokens=40))
    assert text.text.strip()
    assert text.usage.prompt_tokens > 0
    assert text.usage.completion_tokens > 0
    assert text.cost_known

    structured = gateway.complete(
        ChatRequest(messages=STRUCTURED, json_schema=Reply.model_json_schema(), schema_name="reply", max_tokens=60)
    )
    Reply.model_validate(structured.json_value())


@pytest.mark.skipif(not OPENAI_KEY, reason="no OpenAI API key (COPILOT_OPENAI_API_KEY / OPENAI_API_KEY)")
def test_openai_live() -> None:
    from copilot.llm.openai_provider import OpenAIChatModel

    assert OPENAI_KEY is not None
    provider = OpenAIChatModel(
        model_name=os.environ.get("COPILOT_LLM_OPENAI_MODEL", "gpt-4.1-mini"),
        api_key=SecretStr(OPENAI_KEY),
        base_url=os.environ.get("COPILOT_OPENAI_BASE_URL"),
    )
    try:
        check_provider(provider)
    finally:
        provider.close()


@pytest.mark.skipif(not VERTEX_PROJECT, reason="no Vertex project (COPILOT_VERTEX_PROJECT / GOOGLE_CLOUD_PROJECT)")
def test_vertex_live() -> None:
    if not has_application_default_credentials():
        pytest.skip("no application-default credentials")
    from copilot.llm.vertex_provider import VertexChatModel

    provider = VertexChatModel(
        model_name=os.environ.get("COPILOT_LLM_VERTEX_MODEL", "gemini-2.5-flash"),
        project=VERTEX_PROJECT,
        location=os.environ.get("COPILOT_VERTEX_LOCATION", "europe-west2"),
        thinking_budget=0,
    )
    try:
        check_provider(provider)
    finally:
        provider.close()
