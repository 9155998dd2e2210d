"""What a field app sends to log a request and gets back, and a request's follow-up
(docs/interface.md)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Final, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.intake.privacy import texts as notice
from shared.catalogue import CATEGORY_CODES
from shared.contracts.common import (
    Email,
    Language,
    Line,
    Phone,
    RequestStatus,
    Text,
    UpdatesBy,
)
from shared.contracts.requests import Location, PaperSeen, ResidentContact
from shared.contracts.routing import Cause
from shared.service_catalogue import Answer, Words

__all__ = [
    "EMAIL",
    "CategoryView",
    "EligibilityWarning",
    "HistoryEntry",
    "NewRequest",
    "RequestCreated",
    "RequestView",
    "Resident",
]


# A dot-atom local part and a dotted domain: no empty part, so no leading, trailing or double
# dot (`nomsa.@gmail.com`). Letters of any script pass, as the e-mail validator lets them.
# (Written so that JavaScript compiles it with the `u` flag too: no needless escapes.)
_ATOM = r'[^\s@"(),:;<>\[\]\\.]+'
_TOP_LEVEL = r'[^\s@"(),:;<>\[\]\\.0-9]{2,}'
EMAIL: Final = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*\.{_TOP_LEVEL}$")
_SAY_EMAIL: Final = "must be an e-mail address like name@example.org, with no dot next to the @"


def check_email(address: str) -> str:
    """The e-mail rule the field app checks too (field/domain.py), on top of the validator."""
    if not EMAIL.match(address):
        raise ValueError(_SAY_EMAIL)
    return address


class Resident(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Line | None = Field(None, min_length=1, max_length=120)
    phone: Phone | None = Field(None, description="0XXXXXXXXX or +27XXXXXXXXX; stored as E.164.")
    # The e-mail validator's check, and the app's own (rules.py), so both refuse the same.
    email: Annotated[Email, AfterValidator(check_email)] | None = Field(None, max_length=254)
    language: Language = Language.EN
    updates_by: UpdatesBy = UpdatesBy.NONE
    privacy_notice_given: bool = Field(
        False,
        validate_default=True,
        description="The agent told the resident what is collected and why (POPIA s18); "
        "required before a phone number or e-mail address is taken.",
    )

    privacy_notice_version: str | None = Field(
        None,
        max_length=20,
        description="The version of the notice read (GET /v1/privacy/notice); the one in "
        "force when omitted. Recorded with the request.",
    )

    @field_validator("privacy_notice_given")
    @classmethod
    def _noticed(cls, given: bool, info: ValidationInfo) -> bool:
        # POPIA s18: no contact details without telling the resident what they are for.
        if not given and (info.data.get("phone") or info.data.get("email")):
            raise ValueError(
                "must be true to take a phone number or e-mail address: tell the resident "
                "what they are for first (POPIA s18)"
            )
        return given

    @field_validator("privacy_notice_version")
    @classmethod
    def _known_notice(cls, version: str | None) -> str | None:
        if version is not None and version != notice.VERSION:
            raise ValueError(
                f"is not the notice in force ({notice.VERSION}): reload the app, read the "
                "resident the notice it shows"
            )
        return version

    @property
    def notice_heard(self) -> str | None:
        """The notice version to record: the one read, where contact details were given."""
        if not self.privacy_notice_given:
            return None
        return self.privacy_notice_version or notice.VERSION

    def contact(self) -> ResidentContact:
        """What the events carry of the resident (the notice's version stays with intake)."""
        return ResidentContact(**self.model_dump(exclude={"privacy_notice_version"}))

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        # A resident who asked for SMS updates but gave no number would wait forever.
        if self.updates_by is UpdatesBy.SMS and self.phone is None:
            raise ValueError("updates_by sms needs a phone number")
        if self.updates_by is UpdatesBy.EMAIL and self.email is None:
            raise ValueError("updates_by email needs an e-mail address")
        return self


class NewRequest(BaseModel):
    """The body of POST /v1/requests."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    service: str | None = Field(
        None,
        max_length=60,
        description="A code from GET /v1/services: a fault report or an application.",
    )
    category: str | None = Field(
        None,
        validate_default=True,
        description="A code from GET /v1/categories: that category's fault report. May be "
        "left out when `service` is sent (it follows from the service).",
    )
    answers: dict[Annotated[str, Field(max_length=60)], Answer] = Field(
        default_factory=dict,
        max_length=50,
        description="An application's answers, by question code (GET /v1/services): personal "
        "information, kept for the deciding department only.",
    )
    papers: dict[Annotated[str, Field(max_length=60)], PaperSeen] = Field(
        default_factory=dict,
        max_length=30,
        description="An application's papers, by document code (or one accepted instead): "
        "`seen` by the agent in person, or `will_bring`. A photo of one is an attachment.",
    )
    description: Text = Field(min_length=1, max_length=2000)
    location: Location
    resident: Resident | None = None
    account_number: str | None = Field(None, pattern=r"^\d{6,12}$", description="6 to 12 digits.")
    visit_id: Line | None = Field(None, min_length=1, max_length=64)
    reported_at: AwareDatetime | None = Field(
        None,
        description="When the resident reported it, for a request taken on paper at a visit "
        "and typed in later: its service standard counts from then. Needs `visit_id`, and must "
        "fall on that visit's day, not in the future.",
    )
    reference: str | None = Field(
        None,
        pattern=r"^\d{10}$",
        description="A number leased to the sending device (the field app, offline): the "
        "one the resident was given. Without it, intake draws one.",
    )

    @model_validator(mode="after")
    def _reported_at_a_visit(self) -> Self:
        if self.reported_at is not None and self.visit_id is None:
            raise ValueError("reported_at needs the visit_id of the visit it was taken at")
        return self

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("service") is None:
            raise ValueError("send a category (GET /v1/categories) or a service (/v1/services)")
        if value is not None and value not in CATEGORY_CODES:
            raise ValueError("unknown category: use a code from GET /v1/categories")
        return value


class EligibilityWarning(BaseModel):
    """An answer that makes the resident ineligible: the agent says so; the City decides."""

    code: str
    message: Words


class RequestCreated(BaseModel):
    reference: str
    status: RequestStatus
    category: str
    service: str = Field(description="The service logged: an application's, or the category.")
    created_at: AwareDatetime
    warnings: list[EligibilityWarning] = Field(
        default_factory=list,
        description="For an application, the answers that make the resident ineligible.",
    )


class HistoryEntry(BaseModel):
    status: RequestStatus
    at: AwareDatetime
    note: str | None = None
    cause: Cause | None = Field(
        None,
        description="Why it was resolved or closed: fixed, no-further-action, not-responsible, "
        "duplicate or referred.",
    )
    cause_detail: str | None = Field(
        None, description="The reason for no further action, or who is responsible."
    )
    duplicate_of: str | None = Field(None, description="The request this one repeats.")


class PhotoLink(BaseModel):
    """A photo of the fault its department made public: where anyone reads it."""

    url: str = Field(description="The photo, at most 2048 px on its longest side.")
    thumbnail_url: str = Field(description="Its 320 px thumbnail.")


class RequestView(BaseModel):
    """The public view of a request: no personal information."""

    reference: str
    category: str
    status: RequestStatus
    department: str | None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    history: list[HistoryEntry]
    photos: list[PhotoLink] = Field(
        default_factory=list,
        description="Photos of the fault its department made public, in the order they came.",
    )

    def in_blocks(self, block: Callable[[dt.datetime], dt.datetime]) -> RequestView:
        """The view with every time cut by `block` (the open-data file's 6-hour blocks): what
        an anonymous caller sees, since the reference is published in the open-data file."""
        return self.model_copy(
            update={
                "created_at": block(self.created_at),
                "updated_at": block(self.updated_at),
                "history": [h.model_copy(update={"at": block(h.at)}) for h in self.history],
            }
        )


class CategoryView(BaseModel):
    code: str
    name: dict[str, str] = Field(description="The category's name in en, af and xh.")
    department: str
