"""Intake's visits page has no script: its news form posts to notifications' form door,
POST /visits/subscribe, which starts the same opt-in as POST /v1/subscriptions and answers a
small page in the resident's language, styled like the visits page, with a link back to the
same community's visits. Given both a phone and an e-mail address, it takes the phone."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from shared.topics import VISITS
from tests.service.test_subscriptions import link_in, texts, visit
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer, body_of, smtp_server
from tests.support.notifications import PHONE, Notifications, running_notifications


async def test_by_e_mail_the_form_starts_the_opt_in(tmp_path: Path) -> None:
    async with (
        smtp_server() as smtp,
        running_notifications(
            f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
            publisher=FakePublisher(),
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
        ) as service,
    ):
        form = {"community": "Delft", "email": "nomsa@example.org", "phone": "", "language": "xh"}
        answer = await service.client.post("/visits/subscribe", data=form)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")
        assert '<html lang="xh">' in answer.text and "Jonga i-imeyile yakho" in answer.text
        assert 'href="http://127.0.0.1:8001/visits/?community=Delft&amp;lang=xh"' in answer.text
        assert "nomsa" not in answer.text  # the address is not repeated back
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        await service.dispatch()
        [confirmation] = smtp.messages
        link = link_in(body_of(confirmation), "Qinisekisa")
        assert (await service.client.post(link)).json() == {"status": "confirmed"}
        await service.deliver(visit(1, "Delft"), VISITS)
        await service.dispatch()
        assert len(smtp.messages) == 2  # the news of the visit, once confirmed


async def test_by_sms_the_form_starts_the_opt_in(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    form = {"community": "Khayelitsha", "phone": "082 555 0199", "language": "af"}
    answer = await service.client.post("/visits/subscribe", data=form)
    assert answer.status_code == 200 and "Kyk na u foon" in answer.text
    await service.dispatch()
    assert texts(gateway) == [
        "Mobiele Kantoor: antwoord YES vir SMS'e oor besoeke aan Khayelitsha. "
        "Antwoord STOP VISITS om dit te stop."
    ]
    assert (await service.reply(PHONE, "yes")).json() == {"action": "subscribed"}


async def test_a_form_that_cannot_be_used_says_what_to_fix(service: Notifications) -> None:
    cases = [
        ({"community": "Delft"}, "one of them"),
        ({"community": "Delft", "phone": "12"}, "cellphone number"),
        ({"community": "Delft", "email": "not-an-address"}, "e-mail address does not"),
        ({"community": "Atlantis Beach", "phone": "0825550199"}, "does not visit this community"),
    ]
    for form, said in cases:
        answer = await service.client.post("/visits/subscribe", data=form)
        assert answer.status_code == 400, form
        assert said in answer.text and '<html lang="en">' in answer.text
    # Back to the same community's page, in the same language, to try again.
    form = {"community": "Lwandle", "phone": "12", "language": "af"}
    answer = await service.client.post("/visits/subscribe", data=form)
    assert answer.status_code == 400
    assert 'href="http://127.0.0.1:8001/visits/?community=Lwandle&amp;lang=af"' in answer.text


async def test_the_answer_is_styled_like_the_visits_page(service: Notifications) -> None:
    form = {"community": "Delft", "phone": "0825550199", "language": "en"}
    answer = await service.client.post("/visits/subscribe", data=form)
    [style] = re.findall(r"<style>(.*?)</style>", answer.text, re.S)
    assert "#00338d" in style and "max-width:40rem" in style  # the visits page's look
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = answer.headers["content-security-policy"]
    assert f"style-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy
    assert "<script" not in answer.text


async def test_given_both_a_phone_and_an_e_mail_the_phone_is_used(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    form = {"community": "Delft", "phone": "082 555 0199", "email": "nomsa@example.org"}
    answer = await service.client.post("/visits/subscribe", data=form)
    assert answer.status_code == 200 and "Check your phone" in answer.text
    await service.dispatch()
    [sent] = texts(gateway)  # one opt-in, by SMS
    assert sent.startswith("Mobile Office: reply YES to get SMSes about visits to Delft.")


async def test_the_form_counts_against_the_subscription_limit(service: Notifications) -> None:
    form = {"community": "Delft", "phone": "0825550199"}
    answers = [
        (await service.client.post("/visits/subscribe", data=form)).status_code for _ in range(6)
    ]
    asked = {"community": "Delft", "phone": "0825550198"}
    answers += [(await service.client.post("/v1/subscriptions", json=asked)).status_code] * 1
    answers += [
        (await service.client.post("/visits/subscribe", data=form)).status_code for _ in range(4)
    ]
    assert answers == [200] * 6 + [202] + [200] * 3 + [429]
    refused = await service.client.post("/visits/subscribe", data=form)
    assert refused.status_code == 429 and "try again later" in refused.text
    assert int(refused.headers["retry-after"]) > 0
