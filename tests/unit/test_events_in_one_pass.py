"""A consumer's hot path reads each record straight from its bytes into its contract model,
and a batch's outbox writes each event straight from its model to its bytes: no dictionary
in between either way, and the same events as the careful path reads and writes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest import mock

import pytest

from shared.contracts.privacy import ErasureAnswered
from shared.contracts.requests import ReopenAsked, RequestLogged
from shared.contracts.routing import RequestAssigned
from shared.events import CloudEvent, EventReader, event_bytes, new_event, parse_event
from shared.topics import EventType, source
from tests.support.routing import logged_event

AT = dt.datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=dt.UTC)
READER = EventReader(
    {EventType.REQUEST_LOGGED: RequestLogged, EventType.REQUEST_REOPEN_ASKED: ReopenAsked}
)


def test_a_record_is_read_into_its_model_without_a_dictionary_between() -> None:
    event = logged_event(category="bins", answers=None)
    with (
        mock.patch.object(CloudEvent, "model_validate_json", side_effect=AssertionError),
        mock.patch.object(RequestLogged, "model_validate", side_effect=AssertionError),
    ):
        read = READER.read(event.to_bytes())
    assert read is not None
    assert read.id == event.id and read.subject == event.subject
    assert read.data == event.data_as(RequestLogged)


@pytest.mark.parametrize(
    "raw",
    [
        # someone else's type: the careful path decides between ignoring and refusing it
        new_event(
            ErasureAnswered(request_id="p-1", service="routing", answered_at=AT),
            source("routing"),
            "p-1",
            AT,
        ).to_bytes(),
        # a record that breaks its contract: the careful path says where
        logged_event().to_bytes().replace(b'"category":"water"', b'"category":7'),
        b"not json",
    ],
)
def test_what_the_one_pass_reader_does_not_take_goes_the_careful_way(raw: bytes) -> None:
    assert READER.read(raw) is None


def _without_id(raw: bytes) -> tuple[list[str], dict[str, Any]]:
    parsed = json.loads(raw)
    parsed.pop("id")
    return list(json.loads(raw)), parsed


@pytest.mark.parametrize("subject", ["8189002316", 'a "quoted" subject'])
def test_an_event_written_in_one_pass_is_the_event_new_event_makes(subject: str) -> None:
    logged = logged_event(service=None).data_as(RequestLogged)
    assigned = RequestAssigned(
        reference="8189002316",
        department="water-and-sanitation",
        priority="high",
        due_at=AT,
        category="water",
        description="Leak",
        location=logged.location,
        resident_contactable=False,
        logged_at=AT,
    )
    data: RequestLogged | RequestAssigned
    for data in (logged, assigned):
        written = event_bytes(data, source("routing"), subject, AT)
        made = new_event(data, source("routing"), subject, AT).to_bytes()
        assert _without_id(written) == _without_id(made)
        assert parse_event(written).data_as(type(data)) == data


def test_one_pass_writing_refuses_a_time_without_an_offset() -> None:
    logged = logged_event().data_as(RequestLogged)
    with pytest.raises(ValueError, match="UTC offset"):
        event_bytes(logged, source("routing"), "x", AT.replace(tzinfo=None))


def test_each_event_written_in_one_pass_has_its_own_id() -> None:
    logged = logged_event().data_as(RequestLogged)
    ids = {json.loads(event_bytes(logged, source("routing"), "x", AT))["id"] for _ in range(500)}
    assert len(ids) == 500
