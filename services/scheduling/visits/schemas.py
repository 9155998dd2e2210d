"""Visits as HTTP shows them: the bodies of a cancellation and a move, the view of a visit,
and the iCalendar feed a phone can subscribe to (stable UIDs, Africa/Johannesburg)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Calendar, Event
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.scheduling.visits.domain import Visit
from shared.contracts.common import Area, Text
from shared.contracts.visits import VisitStatus

__all__ = ["Cancellation", "Reschedule", "VisitView", "to_ics"]


class Cancellation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=3, max_length=500)


class Reschedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    reason: Text = Field(min_length=3, max_length=500)


class VisitView(BaseModel):
    id: str
    area: Area
    community: str
    venue: str
    date: dt.date
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    team: str
    status: VisitStatus

    @classmethod
    def of(cls, visit: Visit) -> VisitView:
        return cls.model_validate(visit, from_attributes=True)


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
