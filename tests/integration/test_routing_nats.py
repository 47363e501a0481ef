"""The routing outbox relayed to a real NATS JetStream server (``nats://127.0.0.1:4222``, or ``ROUTING_TEST_NATS_URL``).

Each test routes contacts on SQLite, relays the outbox with :class:`routing.outbox.NatsPublisher` into a
stream of its own (``ROUTING_TEST_<random>``, subjects ``routingtest<random>.>``, deleted afterwards), and
reads the stream back with nats-py. Skipped, saying why, when no server answers.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from routing.model import Agent, TriageView
from routing.outbox import NatsPublisher, OutboxRelay
from routing.router import NewContact, Router
from routing.rules import load_rules
from routing.store import SqlRepository

pytestmark = pytest.mark.integration

NATS_URL = os.environ.get("ROUTING_TEST_NATS_URL", "nats://127.0.0.1:4222")


def _answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 4222), timeout=2):
            return True
    except OSError:
        return False


async def _stream_messages(stream: str) -> list[dict[str, Any]]:
    """Every message in ``stream``, in stream order, with its payload and headers."""
    import nats

    connection = await nats.connect(NATS_URL, connect_timeout=5)
    try:
        jetstream = connection.jetstream(timeout=5)
        info = await jetstream.stream_info(stream)
        messages = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1) if info.state.messages else ():
            message = await jetstream.get_msg(stream, seq)
            messages.append({"stream_seq": message.seq, "subject": message.subject,
                             "payload": json.loads(message.data or b"{}"), "headers": dict(message.headers or {})})
        return messages
    finally:
        await connection.close()


async def _publish_raw(stream: str, subject: str, msg_id: str, data: bytes) -> Any:
    import nats

    connection = await nats.connect(NATS_URL, connect_timeout=5)
    try:
        return await connection.jetstream(timeout=5).publish(subject, data, headers={"Nats-Msg-Id": msg_id},
                                                            stream=stream)
    finally:
        await connection.close()


async def _delete_stream(stream: str) -> None:
    import nats

    connection = await nats.connect(NATS_URL, connect_timeout=5)
    try:
        await connection.jetstream(timeout=5).delete_stream(stream)
    finally:
        await connection.close()


@dataclass
class Setup:
    repo: SqlRepository
    router: Router
    publisher: NatsPublisher
    relay: OutboxRelay
    stream: str
    prefix: str


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    if not _answers(NATS_URL):
        pytest.skip(f"no NATS server answers at {NATS_URL}: start one with JetStream (nats-server -js) to run this")
    token = uuid.uuid4().hex[:10]
    stream, prefix = f"ROUTING_TEST_{token}", f"routingtest{token}"
    repo = SqlRepository(f"sqlite:///{tmp_path / 'routing.db'}")
    repo.migrate()
    clock = iter(float(t) for t in range(1_000_000, 2_000_000))
    router = Router(repo, load_rules(), clock=lambda: next(clock))
    publisher = NatsPublisher(NATS_URL, stream=stream, prefix=prefix)
    try:
        yield Setup(repo, router, publisher, OutboxRelay(repo, publisher, batch=4), stream, prefix)
    finally:
        publisher.close()
        asyncio.run(_delete_stream(stream))
        repo.close()


def _route_some(router: Router, contacts: int) -> None:
    """An agent comes online and takes, works and closes contacts; one more is offered to them."""
    router.register_agent(Agent(id="ana", name="Ana", skills={"cards": 3}, capacity=1))
    router.set_status("ana", "available")
    for _ in range(contacts):
        contact = router.create(NewContact("chat", TriageView(area="cards")))
        assert contact.state == "offered"
        router.accept(contact.id, "ana")
        router.close(contact.id, "ana", outcome="resolved")
    router.create(NewContact("chat", TriageView(area="cards")))


def test_the_relay_publishes_every_event_once_and_in_order(setup: Setup) -> None:
    _route_some(setup.router, 3)
    outbox = setup.repo.events_after(0, limit=1000)
    assert len(outbox) == 1 + 3 * 4 + 2  # status, created/offered/assigned/closed three times, created/offered
    assert setup.relay.drain() == len(outbox)
    assert setup.repo.unpublished() == 0

    messages = asyncio.run(_stream_messages(setup.stream))
    assert [m["payload"]["seq"] for m in messages] == [seq for seq, _ in outbox]
    assert [m["payload"]["kind"] for m in messages] == [event.kind for _, event in outbox]
    assert [m["subject"] for m in messages] == [f"{setup.prefix}.{event.kind}" for _, event in outbox]
    assert [m["headers"].get("Nats-Msg-Id") for m in messages] == [f"{setup.stream}-{seq}" for seq, _ in outbox]
    assert all(m["payload"]["subject"] == event.subject for m, (_, event) in zip(messages, outbox, strict=True))

    assert setup.relay.drain() == 0  # nothing new: nothing published again
    assert len(asyncio.run(_stream_messages(setup.stream))) == len(outbox)

    setup.router.set_status("ana", "away")
    assert setup.relay.drain() == 1
    after = asyncio.run(_stream_messages(setup.stream))
    assert len(after) == len(outbox) + 1
    assert after[-1]["payload"]["kind"] == "agent.status_changed"
    assert after[-1]["payload"]["seq"] == outbox[-1][0] + 1


def test_a_republished_seq_is_dropped_by_the_stream(setup: Setup) -> None:
    _route_some(setup.router, 1)
    outbox = setup.repo.events_after(0, limit=1000)
    # a relay that published and then died before it committed: the rows are still unpublished
    setup.publisher.publish(outbox[:3])
    assert setup.repo.unpublished() == len(outbox)
    assert setup.relay.drain() == len(outbox)  # the next run publishes them all again ...
    messages = asyncio.run(_stream_messages(setup.stream))
    assert [m["payload"]["seq"] for m in messages] == [seq for seq, _ in outbox]  # ... the stream keeps one each

    seq, event = outbox[0]
    ack = asyncio.run(_publish_raw(setup.stream, f"{setup.prefix}.{event.kind}", f"{setup.stream}-{seq}", b"{}"))
    assert ack.duplicate is True
    assert len(asyncio.run(_stream_messages(setup.stream))) == len(outbox)
    fresh = asyncio.run(_publish_raw(setup.stream, f"{setup.prefix}.{event.kind}", f"{setup.stream}-x{seq}", b"{}"))
    assert not fresh.duplicate
    assert len(asyncio.run(_stream_messages(setup.stream))) == len(outbox) + 1
