"""Event ids come from the OS's CSPRNG, not from `random`'s Mersenne Twister, whose state can
be set or learnt from its outputs: with every `random` generator made to answer the same, ids
still never repeat."""

from __future__ import annotations

import datetime as dt
import random
from unittest import mock

from shared.contracts.privacy import ErasureAnswered
from shared.events import new_event
from shared.topics import source

AT = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)


def an_event_id() -> str:
    answer = ErasureAnswered(request_id="p-1", service="routing", answered_at=AT)
    return str(new_event(answer, source("routing"), "p-1", AT).id)


def test_ids_do_not_come_from_random() -> None:
    with (
        mock.patch.object(random.Random, "getrandbits", return_value=23),
        mock.patch.object(random.Random, "random", return_value=0.23),
    ):
        made = {an_event_id() for _ in range(3)}
    assert len(made) == 3


def test_an_event_id_is_a_random_uuid() -> None:
    assert len({an_event_id() for _ in range(1000)}) == 1000
