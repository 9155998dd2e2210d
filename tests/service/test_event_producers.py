"""A consumer knows who sent an event from the topic it came on, never from what the event says
of itself: a privacy answer naming notifications that arrives on routing's answers topic (a
service answering in another's name) is dead-lettered, not applied; the genuine one is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncConnection

from shared import consumer as consumer_module
from shared.consumer import ConsumerMetrics, EventConsumer, Received, on
from shared.contracts.privacy import ErasureAnswered
from shared.events import new_event
from shared.inbox import define_inbox
from shared.metrics import new_registry
from shared.store import Database
from shared.topics import DEADLETTER, PRIVACY_REQUESTS, privacy_answers, source
from tests.support.clock import Clock

AT = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)


@dataclass
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


def answer(offset: int, topic: str) -> Record:
    """An erasure answer saying it is notifications', found on `topic`."""
    said = ErasureAnswered(
        request_id="p-1", service="notifications", references=["5123456784"], answered_at=AT
    )
    event = new_event(said, source("notifications"), "p-1", AT)
    return Record(topic, 0, offset, event.key, event.to_bytes())


async def test_an_answer_on_another_services_topic_is_refused(tmp_path: Path) -> None:
    metadata = MetaData()
    inbox = define_inbox(metadata)
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    await db.create_schema(metadata)
    applied: list[str] = []
    dead: list[tuple[str, dict[str, str]]] = []

    async def handle(conn: AsyncConnection, items: Sequence[Received[ErasureAnswered]]) -> None:
        applied.extend(item.data.service for item in items)

    async def send(topic: str, value: bytes, key: bytes | None, headers: dict[str, str]) -> None:
        dead.append((topic, headers))

    route = on(ErasureAnswered, handle)
    consumer = EventConsumer(
        "intake", db, inbox, [route], send, ConsumerMetrics(new_registry(), "t"), Clock()
    )
    await consumer.process([answer(1, privacy_answers("routing"))])  # forged by routing
    assert applied == [] and len(dead) == 1
    [(topic, headers)] = dead
    assert topic == DEADLETTER and headers["x-original-topic"] == privacy_answers("routing")
    await consumer.process([answer(2, privacy_answers("notifications"))])  # its own topic
    assert applied == ["notifications"]
    await db.dispose()


async def test_a_well_formed_event_is_read_once_from_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The careful parse (an envelope with its data as a dictionary, then the data validated
    again) is only for what the one-pass reader refuses: a batch of good events never needs
    it (it was a fifth of routing's time under load)."""
    metadata = MetaData()
    inbox = define_inbox(metadata)
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    await db.create_schema(metadata)
    applied: list[ErasureAnswered] = []

    async def handle(conn: AsyncConnection, items: Sequence[Received[ErasureAnswered]]) -> None:
        applied.extend(item.data for item in items)

    async def send(topic: str, value: bytes, key: bytes | None, headers: dict[str, str]) -> None:
        raise AssertionError(f"dead-lettered: {headers}")

    def careful(raw: bytes) -> None:
        raise AssertionError("parsed the careful way")

    monkeypatch.setattr(consumer_module, "parse_event", careful)
    consumer = EventConsumer(
        "intake",
        db,
        inbox,
        [on(ErasureAnswered, handle)],
        send,
        ConsumerMetrics(new_registry(), "t"),
        Clock(),
    )
    await consumer.process([answer(i, privacy_answers("notifications")) for i in range(3)])
    assert [a.service for a in applied] == ["notifications"] * 3
    assert all(isinstance(a, ErasureAnswered) for a in applied)
    await db.dispose()


def test_a_route_reads_only_topics_its_events_travel_on() -> None:
    async def handle(conn: AsyncConnection, items: Sequence[Received[ErasureAnswered]]) -> None:
        """Never called."""

    only = on(ErasureAnswered, handle, topics=[privacy_answers("notifications")])
    assert only.topics == (privacy_answers("notifications"),)
    with pytest.raises(ValueError, match=PRIVACY_REQUESTS):
        on(ErasureAnswered, handle, topics=[PRIVACY_REQUESTS])
