"""Privacy events: a resident's request to learn what is held about them (POPIA s23), or to
have it erased or corrected (s24), asked by an operator at intake on `mo.privacy.requests`,
and each service's answer on its own `mo.privacy.answers.<service>`. The requests carry the
resident's phone number or e-mail address (the identifier is the whole point), so only intake
writes them and only notifications reads them; both kinds of topic keep their records as
briefly as `mo.requests.logged`.

Notifications answers first: it is the only store that knows a phone number or e-mail
address, and so which requests are the resident's. Intake and routing answer from its answer,
for those references. An answer's `service` must be the one whose topic it came on: readers
refuse any other (shared/consumer.py), and the ACLs let each service write only its own."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, Field

from shared.contracts.common import Contract, EmailAddress

__all__ = [
    "ANSWER_EVENTS",
    "REQUEST_EVENTS",
    "AccessAnswered",
    "AccessRequested",
    "CorrectionAnswered",
    "CorrectionRequested",
    "ErasureAnswered",
    "ErasureRequested",
    "PrivacyAnswer",
    "PrivacyKind",
    "PrivacyRequest",
]


class PrivacyKind(StrEnum):
    ACCESS = "access"
    ERASURE = "erasure"
    CORRECTION = "correction"


class PrivacyRequest(Contract):
    """What every privacy request carries. Personal information: the identifier."""

    request_id: str = Field(description="The privacy request's id (intake's).")
    phone: str | None = Field(None, description="The resident's number, E.164.")
    email: EmailAddress | None = Field(None, description="The resident's e-mail address.")
    asked_at: AwareDatetime = Field(description="When the operator asked.")


class AccessRequested(PrivacyRequest):
    """`mobileoffice.privacy.access_requested.v1`: what is held about this identifier?"""


class ErasureRequested(PrivacyRequest):
    """`mobileoffice.privacy.erasure_requested.v1`: erase this person; keep that their
    requests existed, their category, place and times."""


class CorrectionRequested(PrivacyRequest):
    """`mobileoffice.privacy.correction_requested.v1`: the resident's open requests reach
    them at a new number or address from now on."""

    new_phone: str | None = Field(None, description="The new number, E.164.")
    new_email: EmailAddress | None = Field(None, description="The new e-mail address.")


class PrivacyAnswer(Contract):
    """One service's answer to a privacy request: no identifier, only what was found or done."""

    request_id: str = Field(description="The privacy request answered.")
    service: str = Field(
        description="The service answering: the one whose `mo.privacy.answers.<service>` "
        "topic carries it (an answer on another's topic is refused)."
    )
    references: list[str] = Field(
        default_factory=list, description="The resident's requests this service found."
    )
    held: dict[str, int] = Field(
        default_factory=dict,
        description="Access: the kinds of data held, with how many of each; erasure and "
        "correction: how many of each were erased or changed.",
    )
    audit: list[dict[str, str]] = Field(
        default_factory=list,
        description="Access: who read the resident's details here, when and why.",
    )
    answered_at: AwareDatetime = Field(description="When.")


class AccessAnswered(PrivacyAnswer):
    """`mobileoffice.privacy.access_answered.v1`."""


class ErasureAnswered(PrivacyAnswer):
    """`mobileoffice.privacy.erasure_answered.v1`."""


class CorrectionAnswered(PrivacyAnswer):
    """`mobileoffice.privacy.correction_answered.v1`."""


REQUEST_EVENTS: Final[tuple[type[PrivacyRequest], ...]] = (
    AccessRequested,
    ErasureRequested,
    CorrectionRequested,
)
"""A resident's privacy request, one event a kind: intake publishes them, every service takes
them."""
ANSWER_EVENTS: Final[tuple[type[PrivacyAnswer], ...]] = (
    AccessAnswered,
    ErasureAnswered,
    CorrectionAnswered,
)
"""The services' answers, one event a kind: intake takes them all."""
