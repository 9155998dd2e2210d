"""Every time intake publishes is its 6-hour block (public/domain.py): `w3c` writes it straight
from the time's fields, and says exactly what `block` says, for stored times as SQLite hands
them back (naive, UTC) and as PostgreSQL does (aware, in any offset)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from services.intake.public.domain import block, w3c

OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
TIMES = st.datetimes(min_value=dt.datetime(2000, 1, 2), max_value=dt.datetime(2999, 12, 30))


@given(TIMES, st.none() | OFFSETS)
def test_a_published_time_is_its_block(at: dt.datetime, offset: dt.tzinfo | None) -> None:
    stored = at.replace(tzinfo=offset)
    assert w3c(stored) == block(stored).isoformat().replace("+00:00", "Z")


def test_no_time_is_published_as_none() -> None:
    assert w3c(None) is None
