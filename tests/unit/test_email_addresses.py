"""E-mail addresses are lower-cased wherever they enter: what a field agent, an operator or a
resident types, and what an event brings, so that stores hold and compare one spelling."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from services.intake.privacy.schemas import PrivacyAsk
from services.intake.requests.schemas import Resident
from services.notifications.subscriptions.schemas import Subscription
from shared.contracts.privacy import CorrectionRequested
from shared.contracts.requests import ResidentContact

TYPED, STORED = "Nomsa.Dlamini@Example.org", "nomsa.dlamini@example.org"


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Resident, {"email": TYPED, "updates_by": "email", "privacy_notice_given": True}),
        (PrivacyAsk, {"kind": "erasure", "email": TYPED, "reason": "asked at the table"}),
        (Subscription, {"community": "Wupperthal", "email": TYPED}),
        (ResidentContact, {"email": TYPED}),
    ],
)
def test_an_address_is_kept_in_lower_case(model: type[BaseModel], fields: dict[str, str]) -> None:
    assert model.model_validate(fields).model_dump()["email"] == STORED


def test_a_correction_brings_both_addresses_in_lower_case() -> None:
    asked = CorrectionRequested.model_validate(
        {
            "request_id": "p",
            "email": TYPED,
            "new_email": "N.Dlamini@Example.org",
            "asked_at": "2030-01-06T09:00:00+00:00",
        }
    )
    assert (asked.email, asked.new_email) == (STORED, "n.dlamini@example.org")
