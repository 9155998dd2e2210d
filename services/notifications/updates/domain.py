"""What residents are told when their request moves: how a resident wants to hear about one
request (`Contact`), and which message a department's progress means (`status_template`)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Final

from services.notifications.channels.domain import Channel
from services.notifications.messages.domain import MessageFacts
from services.notifications.messages.texts import Template
from shared.clock import CAPE_TOWN
from shared.contracts.common import Language, RequestStatus
from shared.contracts.requests import ResidentContact
from shared.contracts.routing import Cause, StatusChanged

__all__ = [
    "DECIDING",
    "Contact",
    "Visit",
    "address_for",
    "asks_if_fixed",
    "decision_message",
    "fixed_check_id",
    "renewal_reminder",
    "status_template",
]


@dataclass(frozen=True, slots=True)
class Contact:
    """How a resident wants to hear about one request; `address` is None for no updates."""

    reference: str
    channel: Channel | None
    address: str | None
    language: Language
    community: str | None = None  # where the request is (public): its next visit

    @classmethod
    def of(
        cls, reference: str, resident: ResidentContact | None, community: str | None = None
    ) -> Contact:
        """Only what a message needs; nothing at all for a resident who wants no updates."""
        if resident is None:
            return cls(reference, None, None, Language.EN, community)
        channel = Channel.of(resident.updates_by)
        return cls(
            reference,
            channel,
            address_for(channel, resident.phone, resident.email),
            resident.language,
            community,
        )


@dataclass(frozen=True, slots=True)
class Visit:
    """A visit announced to a community: where a resident brings what was asked for."""

    community: str
    venue: str
    date: dt.date
    starts: dt.time
    ends: dt.time


def address_for(channel: Channel | None, phone: str | None, email: str | None) -> str | None:
    """Where `channel` reaches a resident with `phone` and `email` (none without a channel)."""
    if channel is None:
        return None
    return phone if channel is Channel.SMS else email


_STATUS_TEMPLATES: Final = {
    RequestStatus.ACKNOWLEDGED: Template.ACKNOWLEDGED,
    RequestStatus.RESOLVED: Template.RESOLVED,
    RequestStatus.CLOSED: Template.CLOSED,
}


_CAUSE_TEMPLATES: Final = {
    Cause.FIXED: Template.RESOLVED,
    Cause.NO_FURTHER_ACTION: Template.NO_FURTHER_ACTION,
    Cause.NOT_RESPONSIBLE: Template.NOT_RESPONSIBLE,
    Cause.DUPLICATE: Template.DUPLICATE,
    Cause.REFERRED: Template.REFERRED_ON,
}


def status_template(
    status: RequestStatus, cause: Cause | None = None, previous: RequestStatus | None = None
) -> Template | None:
    """The message a department's progress report means to the resident, if any (starting
    work or reopening is not worth an SMS the resident pays attention to). Resolving or
    closing says why; closing what was resolved only says it is closed (the why was told)."""
    if status is RequestStatus.IN_PROGRESS and previous is RequestStatus.RESOLVED:
        return Template.REOPENED
    ending = status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
    if ending and cause is not None and previous is not RequestStatus.RESOLVED:
        return _CAUSE_TEMPLATES[cause]
    return _STATUS_TEMPLATES.get(status)


def asks_if_fixed(changed: StatusChanged) -> bool:
    """Whether resolving this is worth asking the resident "was it fixed?": a fault report
    resolved as fixed (not an application, nor one the department will not act on)."""
    return (
        changed.status is RequestStatus.RESOLVED
        and changed.service is None
        and changed.cause in (None, Cause.FIXED)
    )


def fixed_check_id(reference: str) -> str:
    """The "was it fixed?" delivery's event id: the request's own, so it is asked once."""
    return str(uuid.uuid5(_FIXED_CHECKS, reference))


_FIXED_CHECKS: Final = uuid.UUID("5f1c8d2e-7a51-4c3b-9d0e-2b8f6a4c1e90")

_S = RequestStatus
DECIDING: Final = frozenset({_S.MORE_INFORMATION_NEEDED, _S.APPROVED, _S.DECLINED, _S.WITHDRAWN})


def decision_message(
    changed: StatusChanged, visit: Visit | None
) -> tuple[Template, MessageFacts] | None:
    """What a resident hears of their application: the papers to bring and where and when
    (the next visit to their community, if one is announced), an approval from today (and
    until when), a decline with its reason and the last day to appeal, a withdrawal."""
    facts = MessageFacts(
        reference=changed.reference, department=changed.department, service=changed.service
    )
    today = changed.changed_at.astimezone(CAPE_TOWN).date()
    match changed.status:
        case _S.MORE_INFORMATION_NEEDED:
            facts = facts.model_copy(update={"papers": changed.missing})
            if visit is None:
                return Template.MORE_INFO_ANY, facts
            where = {k: getattr(visit, k) for k in ("community", "venue", "date", "starts", "ends")}
            return Template.MORE_INFO, facts.model_copy(update=where)
        case _S.APPROVED if changed.valid_until is not None:
            until = {"date": today, "until": changed.valid_until}
            return Template.APPROVED_UNTIL, facts.model_copy(update=until)
        case _S.APPROVED:
            return Template.APPROVED, facts.model_copy(update={"date": today})
        case _S.DECLINED:
            why = {"reason": changed.decline_reason, "until": changed.appeal_by}
            return Template.DECLINED, facts.model_copy(update=why)
        case _S.WITHDRAWN:
            return Template.WITHDRAWN, facts
    return None


def renewal_reminder(
    changed: StatusChanged, community: str | None, notice_days: int
) -> tuple[MessageFacts, dt.datetime] | None:
    """For an approval that ends: the reminder to renew, and when it is due (`notice_days`
    before the end, at 09:00); none when that day has already come."""
    if changed.status is not _S.APPROVED or changed.valid_until is None:
        return None
    day = changed.valid_until - dt.timedelta(days=notice_days)
    at = dt.datetime.combine(day, REMINDER_TIME, tzinfo=CAPE_TOWN)
    if at <= changed.changed_at:
        return None
    facts = MessageFacts(
        reference=changed.reference,
        service=changed.service,
        until=changed.valid_until,
        community=community,
    )
    return facts, at


REMINDER_TIME: Final = dt.time(9, 0)  # a reminder wakes no one
