"""What residents are told when their request moves: how a resident wants to hear about one
request (`Contact`), and which message a department's progress means (`status_template`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from services.notifications.channels.domain import Channel
from services.notifications.messages.texts import Template
from shared.contracts.common import Language, RequestStatus
from shared.contracts.requests import ResidentContact
from shared.contracts.routing import Cause

__all__ = ["Contact", "address_for", "status_template"]


@dataclass(frozen=True, slots=True)
class Contact:
    """How a resident wants to hear about one request; `address` is None for no updates."""

    reference: str
    channel: Channel | None
    address: str | None
    language: Language

    @classmethod
    def of(cls, reference: str, resident: ResidentContact | None) -> Contact:
        """Only what a message needs; nothing at all for a resident who wants no updates."""
        if resident is None:
            return cls(reference, None, None, Language.EN)
        channel = Channel.of(resident.updates_by)
        return cls(
            reference,
            channel,
            address_for(channel, resident.phone, resident.email),
            resident.language,
        )


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
