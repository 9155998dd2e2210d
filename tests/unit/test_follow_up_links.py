"""Links in residents' messages: an SMS about a request ends with its follow-up page where it
still fits one GSM-7 segment (else it goes as it was); an e-mail always carries it."""

from __future__ import annotations

import pytest

from services.notifications.messages.domain import (
    SEGMENT,
    MessageFacts,
    compose,
    gsm_length,
    with_follow_up,
)
from services.notifications.messages.texts import Template
from shared.contracts.common import Language

BASE = "http://127.0.0.1:8001"
REFERENCE = "8123456789"


@pytest.mark.parametrize("language", list(Language))
def test_a_short_sms_ends_with_the_link_and_the_email_carries_it(language: Language) -> None:
    message = compose(Template.LOGGED, language, MessageFacts(reference=REFERENCE))
    linked = with_follow_up(message, language, "812 345-6789", BASE)
    assert linked.sms == f"{message.sms} {BASE}/r/{REFERENCE}"
    assert gsm_length(linked.sms) <= SEGMENT
    assert f"{BASE}/r/{REFERENCE}" in linked.body
    assert linked.body.index(BASE) < linked.body.index(message.body.split("\n\n")[1][:20])


def test_an_sms_the_link_would_push_past_one_segment_goes_without_it() -> None:
    note = "Call Eskom on 0860 037 566 about the street light at the corner. " * 2
    facts = MessageFacts(reference=REFERENCE, note=note)
    message = compose(Template.REFERRED, Language.EN, facts)
    assert gsm_length(message.sms) + 1 + len(f"{BASE}/r/{REFERENCE}") > SEGMENT
    linked = with_follow_up(message, Language.EN, REFERENCE, BASE)
    assert linked.sms == message.sms
    assert f"Follow your request: {BASE}/r/{REFERENCE}" in linked.body  # e-mails always


def test_the_fixed_check_fits_one_segment_with_its_link_in_every_language() -> None:
    for language in Language:
        message = compose(Template.FIXED_CHECK, language, MessageFacts(reference=REFERENCE))
        assert message.sms.count("812 345 6789") == 3
        linked = with_follow_up(message, language, REFERENCE, BASE)
        assert linked.sms.endswith(f"/r/{REFERENCE}"), language
