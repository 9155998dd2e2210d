"""Contracts of what routing publishes: `mo.dept.<department>`, `mo.requests.routed`,
`mo.requests.status`. None of them carries personal information."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import AwareDatetime, Field

from shared.contracts.common import Area, Contract, RequestStatus
from shared.contracts.requests import Location

__all__ = [
    "Cause",
    "DecidedRequest",
    "DigestLine",
    "OverdueDigest",
    "PhotoMadePublic",
    "Priority",
    "RequestAssigned",
    "RequestOverdue",
    "RequestRouted",
    "RequestUnroutable",
    "RoutingOutcome",
    "StatusChanged",
]


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Cause(StrEnum):
    """Why a request was resolved or closed: "closed" alone says nothing of whether the
    problem was fixed."""

    FIXED = "fixed"
    NO_FURTHER_ACTION = "no-further-action"  # with the reason
    NOT_RESPONSIBLE = "not-responsible"  # with who is
    DUPLICATE = "duplicate"  # with the request it repeats
    REFERRED = "referred"  # passed to another body


class RoutingOutcome(StrEnum):
    ROUTED = "routed"
    REFERRED = "referred"


class RequestAssigned(Contract):
    """`mobileoffice.request.assigned.v1` on `mo.dept.<department>`: a department's work."""

    reference: str = Field(description="The resident's reference number.")
    category: str = Field(description="Category code.")
    description: str = Field(description="What the resident reported.")
    location: Location = Field(description="Where the problem is.")
    department: str = Field(description="The department slug this is assigned to.")
    priority: Priority = Field(description="urgent, high, normal or low.")
    due_at: AwareDatetime = Field(description="When the published service standard says it is due.")
    resident_contactable: bool = Field(
        description="The resident asked for updates; contact goes through the Mobile Office."
    )
    logged_at: AwareDatetime = Field(description="When the request was logged.")
    note: str | None = Field(None, description="The operator's note, for a hand assignment.")


class DecidedRequest(Contract):
    """What both of routing's decisions (routed, unroutable) first say: which request, of what
    category, where."""

    reference: str = Field(description="The resident's reference number.")
    category: str = Field(description="Category code.")
    area: Area = Field(description="Service-delivery area.")
    community: str = Field(description="Community name.")


class RequestRouted(DecidedRequest):
    """`mobileoffice.request.routed.v1`: routing decided who handles the request."""

    outcome: RoutingOutcome = Field(description="routed to a city department, or referred away.")
    status: RequestStatus = Field(description="The request's new status: routed or referred.")
    department: str | None = Field(description="Department slug, when routed.")
    priority: Priority | None = Field(None, description="Priority, when routed.")
    due_at: AwareDatetime | None = Field(None, description="Target time, when routed.")
    note: str | None = Field(None, description="For a referral: whom the resident should contact.")
    decided_at: AwareDatetime = Field(description="When the decision was made.")


class RequestUnroutable(DecidedRequest):
    """`mobileoffice.request.unroutable.v1`: no rule matched; waiting for an operator's triage."""

    status: RequestStatus = Field(RequestStatus.UNROUTABLE, description="Always unroutable.")
    reason: str = Field(description="Why no department could be chosen.")
    decided_at: AwareDatetime = Field(description="When the decision was made.")


class StatusChanged(Contract):
    """`mobileoffice.request.status_changed.v1`: a department reported progress."""

    reference: str = Field(description="The resident's reference number.")
    status: RequestStatus = Field(description="The new status.")
    previous_status: RequestStatus = Field(description="The status before this change.")
    department: str = Field(description="The department that reported it.")
    note: str | None = Field(None, description="The department's note.")
    note_public: bool = Field(
        False,
        description="The department marked the note for the resident's follow-up page; "
        "otherwise it is for the City's staff only.",
    )
    cause: Cause | None = Field(
        None,
        description="For resolved and closed: fixed, no-further-action, not-responsible, "
        "duplicate or referred.",
    )
    cause_detail: str | None = Field(
        None, description="The reason (no-further-action) or who is responsible (not-responsible)."
    )
    duplicate_of: str | None = Field(None, description="The request this one repeats.")
    changed_at: AwareDatetime = Field(description="When it changed.")
    service: str | None = Field(
        None, description="An application's service code (intake's GET /v1/services)."
    )
    missing: list[str] | None = Field(
        None,
        description="For more_information_needed: the codes of the service's papers or "
        "questions the resident must still bring.",
    )
    decline_reason: str | None = Field(
        None, description="For declined: the code of one of the service's decline reasons."
    )
    appeal_by: dt.date | None = Field(None, description="For declined: the last day to appeal.")
    valid_until: dt.date | None = Field(
        None, description="For approved: until when the approval holds, if it ends."
    )


class RequestOverdue(Contract):
    """`mobileoffice.request.overdue.v1` on `mo.requests.status`: a request passed its due
    time (its category's published service standard) without being resolved. Published once
    per request."""

    reference: str = Field(description="The resident's reference number.")
    category: str = Field(description="Category code.")
    department: str = Field(description="The department it is assigned to.")
    priority: Priority = Field(description="urgent, high, normal or low.")
    status: RequestStatus = Field(description="Where it stood when it fell due.")
    due_at: AwareDatetime = Field(description="When the service standard said it was due.")
    noticed_at: AwareDatetime = Field(description="When routing noticed it was overdue.")


class DigestLine(Contract):
    reference: str
    category: str
    priority: Priority
    status: RequestStatus
    due_at: AwareDatetime


class OverdueDigest(Contract):
    """`mobileoffice.department.overdue_digest.v1` on `mo.requests.status` (keyed by the
    department): once a day, the department's requests past due by more than their rule's
    `escalate_after_hours`, for its supervisor. No personal information."""

    department: str
    day: dt.date = Field(description="The day of the digest (Cape Town).")
    requests: list[DigestLine]
    sent_at: AwareDatetime


class PhotoMadePublic(Contract):
    """`mobileoffice.request.photo_made_public.v1` on `mo.requests.status`: the request's
    department looked at a photo of the fault (no face, number plate or paper in it) and
    lets the public see it; intake then shows it on the request's public view and in
    Open311's `media_url`. Documents are never made public."""

    reference: str = Field(description="The request the photo is attached to.")
    attachment_id: str = Field(description="The photo's id (intake's attachment id).")
    department: str = Field(description="The department that looked at it.")
    made_public_at: AwareDatetime = Field(description="When.")
