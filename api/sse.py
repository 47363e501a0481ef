"""Server-Sent Events: the wire format, and a pump that runs a synchronous pipeline stream in a worker thread.

The pipelines are synchronous iterators (text deltas, then the result). :class:`ThreadedStream` runs one
in the thread pool and hands its items to the event loop through a queue, so the loop never blocks,
and yields :data:`HEARTBEAT` when nothing arrived for a while (sent as an SSE comment, so proxies keep
the connection open during a slow first token). Closing it asks the producer to stop at its next item.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any, Final, Generic, TypeVar

from starlette.concurrency import run_in_threadpool

__all__ = ["HEARTBEAT", "SSE_MEDIA_TYPE", "Heartbeat", "ThreadedStream", "encode_comment", "encode_event"]

T = TypeVar("T")

SSE_MEDIA_TYPE: Final = "text/event-stream"


class Heartbeat:
    """Marker: nothing arrived within the heartbeat interval."""


HEARTBEAT: Final = Heartbeat()

_BACKGROUND: set[asyncio.Future[Any]] = set()


def encode_event(event: str, data: Any) -> bytes:
    """One SSE event whose ``data`` is JSON on a single line."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def encode_comment(text: str = "keep-alive") -> bytes:
    """An SSE comment line (ignored by clients, keeps proxies from timing the stream out)."""
    return f": {text}\n\n".encode()


class ThreadedStream(Generic[T]):
    """Runs ``factory()`` (a synchronous iterator) in the thread pool; :meth:`next` awaits its items.

    Must be created inside a running event loop. Exceptions raised by the iterator are re-raised by
    :meth:`next`; :class:`StopAsyncIteration` marks the end.
    """

    def __init__(self, factory: Callable[[], Iterator[T]], *, heartbeat_s: float) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._stop = threading.Event()
        self._heartbeat_s = heartbeat_s
        # anyio copies the context into the worker thread: the request id reaches the pipeline's logs.
        task = asyncio.ensure_future(run_in_threadpool(self._produce, factory))
        _BACKGROUND.add(task)
        task.add_done_callback(_BACKGROUND.discard)

    def _put(self, entry: tuple[str, Any]) -> None:
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, entry)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            self._stop.set()

    def _produce(self, factory: Callable[[], Iterator[T]]) -> None:
        try:
            iterator = factory()
            try:
                for item in iterator:
                    self._put(("item", item))
                    if self._stop.is_set():
                        break
            finally:
                close = getattr(iterator, "close", None)
                if callable(close):
                    close()
            self._put(("done", None))
        except BaseException as exc:  # handed to the consumer, which decides what the client sees
            self._put(("error", exc))

    async def next(self, *, heartbeat: bool = True) -> T | Heartbeat:
        """The next item, :data:`HEARTBEAT` after ``heartbeat_s`` of silence (if asked), or raise."""
        try:
            kind, payload = await asyncio.wait_for(self._queue.get(), self._heartbeat_s if heartbeat else None)
        except TimeoutError:
            return HEARTBEAT
        if kind == "item":
            item: T = payload
            return item
        if kind == "done":
            raise StopAsyncIteration
        raise payload

    def close(self) -> None:
        """Ask the producer to stop after its current item."""
        self._stop.set()
