"""Visit news is opt-in: a pending subscription hears only its confirmation; YES (or the
e-mail's link, once) starts the news; STOP VISITS and the e-mail's unsubscribe link end it,
while updates on the resident's own requests go on."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urljoin

from shared.contracts.visits import VisitScheduled
from shared.events import new_event
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, VISITS, source
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer, body_of, smtp_server
from tests.support.notifications import PHONE, Notifications, logged, routed, running_notifications

DAY = dt.date(2026, 12, 8)


def visit(number: int, community: str = "Khayelitsha"):
    start = dt.datetime.combine(DAY + dt.timedelta(days=number), dt.time(9, 30)).replace(
        tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    data = VisitScheduled(
        visit_id=f"v{number}-{community.lower()}",
        area="east",
        community=community,
        venue=f"{community} Library",
        date=start.date(),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        team="team-1",
    )
    return new_event(data, source("scheduling"), data.visit_id, start)


def texts(gateway: SmsGatewayServer) -> list[str]:
    return [m["text"] for m in gateway.accepted]


async def test_pending_then_yes_then_stop_visits(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    asked = await service.client.post(
        "/v1/subscriptions", json={"community": "Khayelitsha", "phone": "0825550199"}
    )
    assert asked.status_code == 202 and asked.json()["status"] == "asked"
    await service.deliver(visit(1), VISITS)
    await service.dispatch()
    assert texts(gateway) == [
        "Mobile Office: reply YES to get SMSes about visits to Khayelitsha. "
        "Reply STOP VISITS to stop them."
    ]  # the confirmation only: nothing about the visit while pending

    assert (await service.reply(PHONE, "yes")).json() == {"action": "subscribed"}
    await service.deliver(visit(2), VISITS)
    await service.dispatch()
    assert texts(gateway)[-1].startswith("Mobile Office visits Khayelitsha on Thu 10 Dec")

    request = logged(language="en")  # the same resident has a request of their own
    await service.deliver(request, REQUESTS_LOGGED)
    await service.dispatch()
    assert (await service.reply(PHONE, "STOP VISITS")).json() == {"action": "visits stopped"}
    await service.deliver(visit(3), VISITS)
    await service.deliver(routed(request.subject), REQUESTS_ROUTED)
    await service.dispatch()
    assert not any("Fri 11 Dec" in t for t in texts(gateway))  # no more visit news
    assert "sent to Water & Sanitation" in texts(gateway)[-1]  # updates go on
    listed = await service.client.get(
        "/v1/subscriptions?reason=resident+asked+at+the+table", headers=service.auth
    )
    assert listed.json() == []


async def test_by_email_a_single_use_link_and_an_unsubscribe_link(tmp_path: Path) -> None:
    async with (
        smtp_server() as smtp,
        running_notifications(
            f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
            publisher=FakePublisher(),
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
        ) as service,
    ):
        body = {"community": "Delft", "email": "nomsa@example.org", "language": "af"}
        await service.client.post("/v1/subscriptions", json=body)
        await service.dispatch()
        [confirmation] = smtp.messages
        link = link_in(body_of(confirmation), "Bevestig")
        assert (await service.client.post(link)).json() == {"status": "confirmed"}
        assert (await service.client.post(link)).status_code == 404  # once only
        await service.deliver(visit(1, "Delft"), VISITS)
        await service.dispatch()
        news = smtp.messages[-1]
        unsubscribe = news["List-Unsubscribe"].strip("<>")
        assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert (
            "http://127.0.0.1:8003" + link_in(body_of(news), "Stop hierdie e-posse") == unsubscribe
        )
        path = unsubscribe.removeprefix("http://127.0.0.1:8003")
        assert (await service.client.post(path)).json() == {"status": "unsubscribed"}
        await service.deliver(visit(2, "Delft"), VISITS)
        await service.dispatch()
    assert len(smtp.messages) == 2


def link_in(body: str, label: str) -> str:
    [line] = [line for line in body.splitlines() if line.startswith(f"{label}: ")]
    return line.removeprefix(f"{label}: ").removeprefix("http://127.0.0.1:8003")


async def test_asking_has_limits(service: Notifications, gateway: SmsGatewayServer) -> None:
    unknown = await service.client.post(
        "/v1/subscriptions", json={"community": "Atlantis Beach", "phone": "0825550199"}
    )
    assert unknown.status_code == 422 and "community" in unknown.json()["error"]["fields"]
    communities = ["Khayelitsha", "Delft", "Mfuleni", "Gugulethu"]
    answers = [
        await service.client.post("/v1/subscriptions", json={"community": c, "phone": "0825550199"})
        for c in communities
    ]
    assert {a.status_code for a in answers} == {202}
    again = await service.client.post(
        "/v1/subscriptions", json={"community": "Khayelitsha", "phone": "0825550199"}
    )
    assert again.status_code == 202
    await service.dispatch()
    assert len(gateway.accepted) == 3  # 3 pending a day; asking again sends nothing new
    for number in range(10):
        await service.client.post(
            "/v1/subscriptions", json={"community": "Delft", "phone": f"08255501{number:02d}"}
        )
    limited = await service.client.post(
        "/v1/subscriptions", json={"community": "Delft", "phone": "0821234567"}
    )
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


async def test_a_stranger_cannot_tell_who_subscribed(service: Notifications) -> None:
    """New, pending and confirmed addresses answer alike: no status, no date, no id."""
    ask = {"community": "Khayelitsha", "phone": "0825550199"}
    new = await service.client.post("/v1/subscriptions", json=ask)
    pending = await service.client.post("/v1/subscriptions", json=ask)
    assert (await service.reply(PHONE, "YES")).json() == {"action": "subscribed"}
    confirmed = await service.client.post("/v1/subscriptions", json=ask)
    other = await service.client.post(
        "/v1/subscriptions", json={"community": "Khayelitsha", "phone": "0821234567"}
    )
    answers = [(r.status_code, r.json()) for r in (new, pending, confirmed, other)]
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0][0] == 202 and "created_at" not in answers[0][1]


async def test_opening_a_link_only_shows_a_button_and_pressing_it_acts(tmp_path: Path) -> None:
    """Mail scanners open every link: GET changes nothing, the page's form POSTs."""
    async with (
        smtp_server() as smtp,
        running_notifications(
            f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
            publisher=FakePublisher(),
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
        ) as service,
    ):
        body = {"community": "Delft", "email": "nomsa@example.org", "language": "xh"}
        await service.client.post("/v1/subscriptions", json=body)
        await service.dispatch()
        link = link_in(body_of(smtp.messages[0]), "Qinisekisa")
        for _ in range(2):  # a scanner, then the resident
            page = await service.client.get(link)
            assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
            assert '<html lang="xh">' in page.text and "<script" not in page.text
        action = re.search(r'<form method="post" action="([^"]+)">', page.text)
        assert action is not None and "Qinisekisa</button>" in page.text
        await service.deliver(visit(1, "Delft"), VISITS)
        await service.dispatch()
        assert len(smtp.messages) == 1  # still pending: nothing about the visit

        pressed = await service.client.post(
            urljoin(link, action.group(1)), headers={"Accept": "text/html"}
        )
        assert pressed.status_code == 200 and "Kwenziwe" in pressed.text
        assert (await service.client.get(link)).status_code == 404  # used
        # A second tap, a reload, an old tab, a link cut short: a page in every language
        # saying there is nothing more to do, never a JSON error.
        cut_short = link.split("token=")[0] + "token=abc"
        for again in (
            service.client.post(urljoin(link, action.group(1)), headers={"Accept": "text/html"}),
            service.client.get(cut_short),
        ):
            gone = await again
            assert gone.status_code == 404 and gone.headers["content-type"].startswith("text/html")
            assert all(f'<p lang="{lang}">' in gone.text for lang in ("en", "af", "xh"))
        await service.deliver(visit(2, "Delft"), VISITS)
        await service.dispatch()
        news = smtp.messages[-1]
        assert len(smtp.messages) == 2

        unsubscribe = link_in(body_of(news), "Yeka ezi imeyile")
        assert "Yeka ezi imeyile</button>" in (await service.client.get(unsubscribe)).text
        await service.deliver(visit(3, "Delft"), VISITS)
        await service.dispatch()
        assert len(smtp.messages) == 3  # opening the link did not unsubscribe
        assert (await service.client.post(unsubscribe)).json() == {"status": "unsubscribed"}
        await service.deliver(visit(4, "Delft"), VISITS)
        await service.dispatch()
    assert len(smtp.messages) == 3
