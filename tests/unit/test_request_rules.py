"""The rules the field app checks before "Log" (rules.js) are intake's: a phone number the app
takes is one intake takes, an e-mail address the app refuses intake refuses, and the limits are
the models' own."""

from __future__ import annotations

import random
import re

import pytest
from pydantic import ValidationError

from services.intake.field.domain import rules
from services.intake.requests.schemas import EMAIL, NewRequest, Resident
from shared.contracts.common import normalise_phone

RULES = rules()


def app_takes_mobile(text: str) -> bool:
    """form.js's isMobile, step by step, on the same rules."""
    mobile = RULES["mobile"]
    country, prefix = mobile["country_code"], mobile["national_prefix"]
    if not re.match(RULES["phone_text"], text):
        return False
    digits = re.sub(r"^00", "+", re.sub(r"[ ()-]", "", text))
    plus = digits.startswith("+")
    if plus and not digits.startswith(f"+{country}"):
        return False
    numbers = [digits[1 + len(country) :] if plus else digits]
    if not plus and digits.startswith(country):  # 27XX.., as WhatsApp copies it
        numbers.append(digits[len(country) :])
    candidates = [
        c for n in numbers for c in ([n, n[len(prefix) :]] if n.startswith(prefix) else [n])
    ]
    pattern = re.compile(f"^(?:{mobile['pattern']})$")
    return any(len(n) in mobile["lengths"] and pattern.match(n) for n in candidates)


def intake_takes_mobile(text: str) -> bool:
    try:
        normalise_phone(text)
    except ValueError:
        return False
    return True


def test_the_app_and_intake_take_the_same_phone_numbers() -> None:
    """Every two-digit start of a number, each length near a mobile's, as agents type them."""
    draw = random.Random(25)
    differ = []
    for start in ("0", "+27", "0027", "+27 (0)", "27", "+44"):
        for first_two in range(100):
            for length in (8, 9, 10):
                rest = "".join(draw.choice("0123456789") for _ in range(length - 2))
                number = f"{start}{first_two:02d}{rest}"
                for typed in (number, f"{number[:-7]} {number[-7:-4]}-{number[-4:]}"):
                    if app_takes_mobile(typed) != intake_takes_mobile(typed):
                        differ.append(typed)
    assert differ == []


@pytest.mark.parametrize(
    "typed", ["27825551234", "27 82 555 1234", "+27 82 555 1234", "82 555 1234", "082-555-1234"]
)
def test_a_number_as_whatsapp_copies_it_is_taken_and_stored_as_the_others(typed: str) -> None:
    assert app_takes_mobile(typed)
    resident = Resident(phone=typed, updates_by="sms", privacy_notice_given=True)
    assert resident.phone == "+27825551234"


@pytest.mark.parametrize(
    "address",
    ["nomsa.@gmail.com", ".nomsa@gmail.com", "no..msa@gmail.com", "nomsa@gmail", "a b@x.org"],
)
def test_an_address_the_rule_refuses_intake_refuses(address: str) -> None:
    assert not EMAIL.match(address)
    with pytest.raises(ValidationError):
        Resident(email=address, updates_by="email", privacy_notice_given=True)


@pytest.mark.parametrize(
    "address", ["nomsa@gmail.com", "n.dlamini@capetown.gov.za", "t+x@bücher.de"]
)
def test_an_address_intake_takes_the_rule_takes(address: str) -> None:
    assert EMAIL.match(address)
    Resident(email=address, updates_by="email", privacy_notice_given=True)


def test_the_limits_are_the_models_own() -> None:
    limits = RULES["max_length"]
    metadata = NewRequest.model_fields["description"].metadata
    assert limits["description"] == next(m.max_length for m in metadata if hasattr(m, "max_length"))
    assert (limits["location.community"], limits["location.address"]) == (100, 200)
    assert (limits["resident.name"], limits["resident.email"]) == (120, 254)
