"""One test body, two buses: FastStream's in-memory broker (with `FakePublisher` standing in
for the outbox's Kafka connection) or the real broker. A test takes the `bus` fixture, runs a
service on it, puts events on topics and watches what the service publishes, the same way
whichever bus it got."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import FastAPI

from shared.events import CONTENT_TYPE, CloudEvent
from tests.support.fakes import FakePublisher
from tests.support.kafka import TopicTail, publish_raw

HEADERS = {"content-type": CONTENT_TYPE}


@dataclass(frozen=True)
class Seen:
    """A message the service published, as either bus shows it."""

    topic: str
    key: bytes | None
    value: bytes
    headers: dict[str, bytes]


@dataclass
class Bus:
    kind: Literal["memory", "kafka"]
    bootstrap: str | None = None
    publisher: FakePublisher = field(default_factory=FakePublisher)

    def connection(self) -> dict[str, Any]:
        """What `running_app` needs to run a service on this bus."""
        if self.kind == "kafka":
            return {"kafka_bootstrap": self.bootstrap}
        return {"publisher": self.publisher}

    async def put(self, app: FastAPI, topic: str, *events: CloudEvent) -> None:
        """Publish `events` on `topic` as another service would."""
        if self.kind == "kafka":
            assert self.bootstrap is not None
            await publish_raw(
                self.bootstrap, topic, [(e.key, e.to_bytes()) for e in events], HEADERS
            )
            return
        for event in events:
            await app.state.broker.publish(event.to_bytes(), topic, key=event.key, headers=HEADERS)

    @asynccontextmanager
    async def watching(self, *topics: str) -> AsyncIterator[Watch]:
        """What is published on `topics` from now on."""
        if self.kind == "kafka":
            assert self.bootstrap is not None
            async with TopicTail(self.bootstrap, *topics) as tail:
                yield Watch(topics, tail=tail)
        else:
            yield Watch(topics, publisher=self.publisher, start=len(self.publisher.sent))


@dataclass
class Watch:
    """Everything published on `topics` since the watch began (a collect sees it all again)."""

    topics: tuple[str, ...]
    tail: TopicTail | None = None
    publisher: FakePublisher | None = None
    start: int = 0
    seen: list[Seen] = field(default_factory=list)

    async def _more(self) -> None:
        if self.tail is not None:
            self.seen.extend(_seen(r) for r in await self.tail.poll(timeout_ms=100))
            return
        assert self.publisher is not None
        fresh = self.publisher.sent[self.start :]
        self.start += len(fresh)
        self.seen.extend(
            Seen(m.topic, m.key, m.value, dict(m.headers)) for m in fresh if m.topic in self.topics
        )
        await asyncio.sleep(0.05)

    async def collect(
        self,
        match: Callable[[Seen], bool],
        expected: int,
        timeout: float = 20.0,
        settle: float = 0.0,
    ) -> list[Seen]:
        """The messages that `match`, once `expected` are there (or `timeout` passed), after
        `settle` seconds more so a duplicate would show up too."""
        deadline = time.monotonic() + timeout
        while sum(map(match, self.seen)) < expected and time.monotonic() < deadline:
            await self._more()
        settled = time.monotonic() + settle
        while time.monotonic() < settled:
            await self._more()
        return [s for s in self.seen if match(s)]


def _seen(record: Any) -> Seen:
    return Seen(record.topic, record.key, record.value, dict(record.headers))
