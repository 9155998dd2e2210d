"""Dead letters that cannot be lost: personal fields removed from `data` as an object or as a
JSON string, non-ASCII text kept as it is (escaping it tripled a record's size past the
broker's limit), a record too big cut to fit and saying so; and a batch whose dead letter
cannot be published is not acknowledged (RetryLater) until it can."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData

from shared.consumer import ConsumerMetrics, EventConsumer, RetryLater
from shared.deadletter import MOST_BYTES, scrub
from shared.inbox import define_inbox
from shared.metrics import new_registry
from shared.store import Database
from shared.topics import DEADLETTER

PERSON = {"name": "Nomsa Dlamini", "phone": "+27825550199", "email": "nomsa@example.org"}
WORDS = "Amanzi akaphumi ezimpompini zaseKhayelitsha: ū ñ é ë 水 " * 3


def poison(data: Any) -> bytes:
    return json.dumps({"type": "no.such.type", "id": "x", "data": data}).encode()


@pytest.mark.parametrize("as_string", [False, True])
def test_personal_fields_go_and_the_words_stay_as_they_are(as_string: bool) -> None:
    data: Any = {"reference": "5123456784", "resident": PERSON, "description": WORDS}
    scrubbed, cut = scrub(poison(json.dumps(data) if as_string else data))
    assert cut is None
    for secret in PERSON.values():
        assert secret.encode() not in scrubbed
    assert WORDS.encode() in scrubbed  # as it was, not escaped


def test_800_kb_of_non_ascii_text_fits_and_a_bigger_record_is_cut_saying_so() -> None:
    text = "ūñé水" * (800_000 // 9)  # ~800 KB in UTF-8; 2.4 MB escaped
    scrubbed, cut = scrub(poison({"description": text, "resident": PERSON}))
    assert cut is None and len(scrubbed) < 1024 * 1024 and b"+2782555" not in scrubbed
    huge, cut = scrub(poison({"description": text * 2}))
    assert cut is not None and cut > MOST_BYTES and len(huge) <= MOST_BYTES
    huge.decode()  # cut on a character's boundary


@dataclass
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


class FlakyDeadLetters:
    """The dead-letter topic unavailable for the first `down` sends."""

    def __init__(self, down: int) -> None:
        self.down = down
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    async def __call__(
        self, topic: str, value: bytes, key: bytes | None, headers: dict[str, str]
    ) -> None:
        if self.down:
            self.down -= 1
            raise ConnectionError("mo.deadletter: not enough in-sync replicas")
        self.sent.append((topic, value, headers))


async def test_a_batch_is_not_acknowledged_until_its_dead_letter_is_kept(tmp_path: Path) -> None:
    metadata = MetaData()
    inbox = define_inbox(metadata)
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    await db.create_schema(metadata)
    send = FlakyDeadLetters(down=2)
    consumer = EventConsumer("routing", db, inbox, [], send, ConsumerMetrics(new_registry(), "t"))
    record = Record("mo.requests.logged", 0, 7, b"k", poison({"resident": PERSON}))
    for _ in range(2):  # the topic is down: the batch must come again
        with pytest.raises(RetryLater):
            await consumer.process([record])
    await consumer.process([record])  # back: kept, and the batch may be acknowledged
    [(topic, value, headers)] = send.sent
    assert topic == DEADLETTER and b"+2782555" not in value
    assert headers["x-original-offset"] == "7"
    await db.dispose()
