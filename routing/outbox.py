"""Publishing the outbox: events are written with the change that caused them, then relayed.

One small interface, :class:`Publisher` (``publish(records)``, which must be idempotent per ``seq``), and
the relay that feeds it (:class:`OutboxRelay`): it claims unpublished rows (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several relays share the work), publishes them in order, and marks them published in the
same transaction. A crash between the publish and the commit publishes those rows again on the next run;
the publisher deduplicates them by ``seq``.

- The embedded default has no publisher: the events stay in the store, where the agents' event streams
  read them (:meth:`routing.store.SqlRepository.events_after`).
- :class:`NatsPublisher` publishes to NATS JetStream, subject ``<prefix>.<kind>`` (``routing.contact.assigned``),
  with ``Nats-Msg-Id = <stream>-<seq>`` so the stream drops a re-published duplicate.

Kafka (what production banks run) maps one to one: a topic per prefix, the contact or agent id as the key
(ordering per contact), an idempotent producer (``enable.idempotence=true``) in place of the message id,
and the same relay loop; Debezium's outbox router does the relay from the table itself.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

from routing.model import Event
from routing.store import SqlRepository

__all__ = ["NatsPublisher", "OutboxRelay", "Publisher"]


class Publisher(Protocol):
    """Where relayed events go. ``publish`` raises when any record was not accepted (the relay retries)."""

    def publish(self, records: Sequence[tuple[int, Event]]) -> None: ...

    def close(self) -> None: ...


class OutboxRelay:
    """Moves unpublished outbox rows of ``repo`` to ``publisher``, in batches, oldest first."""

    def __init__(self, repo: SqlRepository, publisher: Publisher, *, batch: int = 200) -> None:
        self.repo = repo
        self.publisher = publisher
        self.batch = batch

    def drain_once(self) -> int:
        """Publish one batch; returns how many rows it published (0 when the outbox is empty)."""
        with self.repo.engine.begin() as connection:
            records = self.repo.claim_unpublished(connection, self.batch)
            if not records:
                return 0
            self.publisher.publish(records)
            self.repo.mark_published(connection, [seq for seq, _ in records], time.time())
            return len(records)

    def drain(self, max_batches: int = 1000) -> int:
        total = 0
        for _ in range(max_batches):
            published = self.drain_once()
            total += published
            if published < self.batch:
                break
        return total


def event_payload(seq: int, event: Event) -> bytes:
    return json.dumps({"seq": seq, "kind": event.kind, "subject": event.subject, "at": event.at,
                       "data": event.data}, separators=(",", ":")).encode()


class NatsPublisher:
    """Publishes to NATS JetStream, creating the stream (subjects ``<prefix>.>``) if it does not exist.

    nats-py is asynchronous; this runs its own event loop in a daemon thread so the relay stays synchronous.
    """

    def __init__(self, url: str, *, stream: str = "ROUTING", prefix: str = "routing", timeout_s: float = 5.0) -> None:
        import nats  # imported here: only deployments that publish to NATS need it

        self.stream = stream
        self.prefix = prefix
        self.timeout_s = timeout_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-publisher", daemon=True)
        self._thread.start()

        async def connect() -> tuple[Any, Any]:
            connection = await nats.connect(url, connect_timeout=timeout_s, max_reconnect_attempts=3)
            jetstream = connection.jetstream(timeout=timeout_s)
            await jetstream.add_stream(name=stream, subjects=[f"{prefix}.>"])
            return connection, jetstream

        try:
            self._nc, self._js = self._run(connect())
        except Exception:
            self._stop()
            raise

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(self.timeout_s * 4)

    def publish(self, records: Sequence[tuple[int, Event]]) -> None:
        async def send() -> None:
            for seq, event in records:
                await self._js.publish(f"{self.prefix}.{event.kind}", event_payload(seq, event),
                                       headers={"Nats-Msg-Id": f"{self.stream}-{seq}"})

        self._run(send())

    def _stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=self.timeout_s)
        if not self._thread.is_alive():
            self._loop.close()

    def close(self) -> None:
        try:
            self._run(self._nc.drain())
        finally:
            self._stop()
