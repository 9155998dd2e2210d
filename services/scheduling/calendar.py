"""Visits as an iCalendar feed a phone can subscribe to: stable UIDs, Africa/Johannesburg."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Calendar, Event

from services.scheduling.domain import Visit
from shared.contracts.visits import VisitStatus

__all__ = ["to_ics"]


def to_ics(visits: Sequence[Visit], title: str, now: dt.datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//City of Cape Town//Mobile Office//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", "Africa/Johannesburg")
    for visit in visits:
        event = Event()
        event.add("uid", f"{visit.id}@mobileoffice.capetown")  # same visit, same UID
        event.add("dtstamp", now)
        event.add("dtstart", visit.starts_at)
        event.add("dtend", visit.ends_at)
        event.add("summary", f"Mobile Office in {visit.community}")
        event.add("location", visit.venue)
        event.add(
            "description",
            "Log service requests with the City's Mobile Office. "
            "Bring your municipal account or ID.",
        )
        cancelled = visit.status is VisitStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
