"""Dead letters that keep nothing personal and cannot be lost: only the fields each contract
names public survive (an allow-list, so a field nobody thought of goes too), in `data` as an
object or as a JSON string; non-ASCII text kept as it is (escaping it tripled a record's size
past the broker's limit), a record too big cut to fit and saying so; and a batch whose dead
letter cannot be published is not acknowledged (RetryLater) until it can."""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import MetaData

from shared.consumer import ConsumerMetrics, EventConsumer, RetryLater
from shared.contracts.public import PUBLIC_FIELDS
from shared.contracts.registry import EVENTS
from shared.deadletter import MOST_BYTES, REMOVED, scrub
from shared.inbox import define_inbox
from shared.metrics import new_registry
from shared.store import Database
from shared.topics import DEADLETTER, EventType
from tests.support.clock import Clock

PERSON = {"name": "Nomsa Dlamini", "phone": "+27825550199", "email": "nomsa@example.org"}
WORDS = "Amanzi akaphumi ezimpompini zaseKhayelitsha: ū ñ é ë 水 " * 3
SECRET = "Nomsa Dlamini 0825550199 hut 7"


def poison(data: Any, event_type: str = "no.such.type") -> bytes:
    return json.dumps(
        {"type": event_type, "id": "x", "subject": "5123456784", "data": data}
    ).encode()


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        (EventType.CORRECTION_REQUESTED, {"request_id": "p-1", "new_phone": SECRET}),
        (EventType.CORRECTION_REQUESTED, {"request_id": "p-1", "new_email": SECRET}),
        (EventType.REQUEST_LOGGED, {"reference": "5123456784", "description": SECRET}),
        (EventType.REQUEST_LOGGED, {"reference": "5123456784", "location": {"lat": -33.9249}}),
        (EventType.REQUEST_LOGGED, {"reference": "5123456784", "location": {"lon": 18.4241}}),
        (EventType.REQUEST_REOPEN_ASKED, {"reference": "5123456784", "reason": SECRET}),
        (EventType.NOTIFICATION_FAILED, {"delivery_id": "d-1", "reason": SECRET}),
        (EventType.REQUEST_LOGGED, {"reference": "5123456784", "text": SECRET}),
        ("no.such.type", {"reference": "5123456784", "text": SECRET}),
        (EventType.REQUEST_ROUTED, {"reference": "5123456784", "note": SECRET}),
        (EventType.REQUEST_LOGGED, {"reference": "5123456784", "resident": PERSON}),
        (EventType.REQUEST_LOGGED, {"reference": "5123456784", "category": {"x": SECRET}}),
    ],
)
@pytest.mark.parametrize("as_string", [False, True])
def test_only_the_contracts_public_fields_stay(
    event_type: str, data: dict[str, Any], as_string: bool
) -> None:
    scrubbed, cut = scrub(poison(json.dumps(data) if as_string else data, event_type))
    assert cut is None
    for secret in (SECRET, "0825550199", "-33.92", "18.42", *PERSON.values()):
        assert secret.encode() not in scrubbed
    kept = json.loads(scrubbed)
    assert kept["type"] == event_type and kept["subject"] == "5123456784"
    if event_type == "no.such.type":
        assert kept["data"] == REMOVED  # no contract: nothing is known to be public
    elif "reference" in data:
        assert kept["data"]["reference"] == "5123456784"


def test_public_words_stay_as_they_are() -> None:
    visit = {"visit_id": "v-1", "venue": WORDS, "community": "Khayelitsha", "reason": SECRET}
    scrubbed, cut = scrub(poison(visit, EventType.VISIT_CANCELLED))
    assert cut is None and WORDS.encode() in scrubbed  # as it was, not escaped
    assert json.loads(scrubbed)["data"]["reason"] == REMOVED


def test_800_kb_of_non_ascii_text_fits_and_a_bigger_record_is_cut_saying_so() -> None:
    text = "ūñé水" * (800_000 // 9)  # ~800 KB in UTF-8; 2.4 MB escaped
    kept = {"venue": text, "reason": SECRET}
    scrubbed, cut = scrub(poison(kept, EventType.VISIT_CANCELLED))
    assert cut is None and len(scrubbed) < 1024 * 1024 and SECRET.encode() not in scrubbed
    huge, cut = scrub(poison({"venue": text * 2}, EventType.VISIT_CANCELLED))
    assert cut is not None and cut > MOST_BYTES and len(huge) <= MOST_BYTES
    huge.decode()  # cut on a character's boundary


def _model_of(annotation: Any) -> type[BaseModel]:
    """The object model in `annotation` (`Location | None`, `list[DigestLine]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        try:
            return _model_of(arg)
        except AssertionError:
            continue
    raise AssertionError(f"{annotation} holds no object")


@pytest.mark.parametrize("spec", EVENTS, ids=lambda spec: spec.short_name)
def test_every_event_has_an_allow_list_of_fields_its_contract_has(spec: Any) -> None:
    for path in PUBLIC_FIELDS[spec.model]:
        model: type[BaseModel] = spec.model
        *objects, leaf = path.split(".")
        for name in objects:
            model = _model_of(model.model_fields[name].annotation)
        assert leaf in model.model_fields, f"{spec.model.__name__} has no {path}"


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
    metrics = ConsumerMetrics(new_registry(), "t")
    consumer = EventConsumer("routing", db, inbox, [], send, metrics, Clock())
    logged = poison({"resident": PERSON}, EventType.REQUEST_LOGGED)
    record = Record("mo.requests.logged", 0, 7, b"k", logged)
    for _ in range(2):  # the topic is down: the batch must come again
        with pytest.raises(RetryLater):
            await consumer.process([record])
    await consumer.process([record])  # back: kept, and the batch may be acknowledged
    [(topic, value, headers)] = send.sent
    assert topic == DEADLETTER and b"+2782555" not in value
    assert headers["x-original-offset"] == "7"
    await db.dispose()
