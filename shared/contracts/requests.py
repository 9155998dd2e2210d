"""Contracts of the `mo.requests.*` topics."""

from __future__ import annotations

from typing import Literal, TypeAlias

from pydantic import AwareDatetime, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from shared.contracts.common import Area, Contract, EmailAddress, Language, Line, UpdatesBy

__all__ = [
    "Answer",
    "AttachmentAdded",
    "FixedConfirmed",
    "FollowerJoined",
    "Location",
    "PaperSeen",
    "ReopenAsked",
    "RequestChannel",
    "RequestLogged",
    "ResidentContact",
]


class Location(Contract):
    """Where the problem is."""

    area: Area = Field(description="Service-delivery area: north, south, east or central.")
    community: Line = Field(min_length=1, max_length=100, description="Community or suburb name.")
    address: Line | None = Field(None, max_length=200, description="Street address, if any.")
    lat: float | None = Field(None, ge=-90, le=90, description="Latitude (WGS84).")
    lon: float | None = Field(None, ge=-180, le=180, description="Longitude (WGS84).")
    accuracy_m: float | None = Field(
        None,
        ge=0,
        le=100_000,
        description="How far lat/lon may be off, in metres (the device's "
        "own estimate): a department knows whether to look for a pipe or a street.",
    )


class ResidentContact(Contract):
    """The resident and how they want updates. Personal information: only
    `mo.requests.logged` carries it, and only routing and notifications read that topic."""

    name: str | None = Field(None, max_length=120, description="Resident's name.")
    phone: str | None = Field(None, description="Mobile number in E.164 (+27XXXXXXXXX).")
    # A plain string: intake validated it; re-validating on every consumer costs more than
    # the rest of routing's work per event.
    email: EmailAddress | None = Field(None, description="E-mail address (validated by intake).")
    language: Language = Field(Language.EN, description="Language for messages: en, af or xh.")
    updates_by: UpdatesBy = Field(UpdatesBy.NONE, description="sms, email or none.")
    privacy_notice_given: bool = Field(
        False, description="The agent told the resident what is collected and why (POPIA s18)."
    )


Answer: TypeAlias = StrictBool | StrictInt | StrictFloat | StrictStr | list[StrictStr]
"""One answer of an application: true/false, a number, a text or a date, or list keys."""
PaperSeen: TypeAlias = Literal["seen", "will_bring"]
"""What the agent noted of one of an application's papers: seen in person, or to be brought
(a photo of it is an attachment of its own, naming the paper)."""
RequestChannel: TypeAlias = Literal["visit", "field-app", "open311"]
"""How a request came: logged at a Mobile Office visit (the field app at a visit), by the
field app outside a visit, or by a partner through Open311."""


class RequestLogged(Contract):
    """`mobileoffice.request.logged.v1`: a field agent logged a resident's request."""

    reference: str = Field(description="The 10-digit reference number given to the resident.")
    category: str = Field(description="Category code, e.g. water or bins.")
    description: str = Field(description="What the resident reported.")
    location: Location = Field(description="Where the problem is.")
    resident: ResidentContact | None = Field(None, description="Contact details, if given.")
    account_number: str | None = Field(None, description="Municipal account number, if given.")
    visit_id: str | None = Field(None, description="The Mobile Office visit it was logged at.")
    agent: str = Field(description="The field agent who logged it (agent name, not a person's).")
    logged_at: AwareDatetime = Field(description="When it was logged.")
    service: str | None = Field(
        None, description="An application's service code (intake's GET /v1/services)."
    )
    answers: dict[str, Answer] | None = Field(
        None,
        description="Personal information: an application's answers by question code, for "
        "the department that decides it.",
    )
    papers: dict[str, PaperSeen] | None = Field(
        None,
        description="An application's papers the agent noted, by paper code: seen in person "
        "or to be brought.",
    )
    channel: RequestChannel | None = Field(
        None,
        description="How it came: `visit` (the field app at a Mobile Office visit), "
        "`field-app` (outside a visit) or `open311` (a partner); absent from older producers.",
    )


class ReopenAsked(Contract):
    """`mobileoffice.request.reopen_asked.v1` on `mo.requests.reopen`: a resident says a
    resolved request is not fixed, through a field agent (intake) or by replying NOT FIXED
    (notifications). Routing decides, by shared/reopening.py's rule."""

    reference: str = Field(description="The resident's reference number.")
    reason: str = Field(description="The resident's words: what is still wrong.")
    asked_by: str = Field(description="The field agent who asked, or `resident by SMS`.")
    asked_at: AwareDatetime = Field(description="When it was asked.")


class FixedConfirmed(Contract):
    """`mobileoffice.request.fixed_confirmed.v1` on `mo.requests.reopen`: the resident
    replied FIXED to a resolved request's "was it fixed?" SMS, from the number its updates go
    to (notifications). Routing records it; nothing personal travels."""

    reference: str = Field(description="The resident's reference number.")
    confirmed_at: AwareDatetime = Field(description="When the resident confirmed it.")


class FollowerJoined(Contract):
    """`mobileoffice.request.follower_joined.v1` on `mo.requests.logged` (it carries contact
    details, so only that topic): a resident with the same problem is joined to an open
    request instead of logging it again, and hears its updates from now on."""

    reference: str = Field(description="The request the resident joins.")
    resident: ResidentContact = Field(description="Personal information: how to reach them.")
    agent: str = Field(description="The field agent who joined them.")
    joined_at: AwareDatetime = Field(description="When.")


class AttachmentAdded(Contract):
    """`mobileoffice.request.attachment_added.v1` on `mo.requests.logged` (after the request
    it belongs to, keyed by its reference): a photo or a document was attached. Only what the
    attachment is: never its bytes (they stay in intake's object store), its name or anything
    it shows."""

    reference: str = Field(description="The request it is attached to.")
    attachment_id: str = Field(description="The attachment's id (intake's GET route reads it).")
    kind: Literal["photo", "document"] = Field(description="A photo of the fault, or a paper.")
    content_type: str = Field(description="Its type, as judged from its bytes.")
    bytes: int = Field(description="Its size as kept, in bytes.")
    sha256: str = Field(description="The SHA-256 of the bytes kept, in hex.")
    added_at: AwareDatetime = Field(description="When it was attached.")
    document: str | None = Field(
        None, description="For a document: the code of the application's paper it shows."
    )
