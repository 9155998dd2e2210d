"""The resident's pages in Chromium on the four services as processes, on the real broker and
PostgreSQL. A request logged by the field agent and acknowledged by its department with a
public note, in a community scheduling has planned a visit to: `/r/<reference>` on intake says
so in English, Afrikaans and isiXhosa, with the next visit, under 30 KB and axe-clean. Then
`/visits/` → the community → visit news by e-mail through the form (posted to notifications),
confirmed through the link of the e-mail in the outbox, and scheduling's next plan of a visit
there reaches the subscriber as an e-mail."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from email import message_from_bytes, policy
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.conftest import System
from tests.support.intake import request_body
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
TEAM = "water-and-sanitation"
NOTE = "New standpipe ordered"
EMAIL = "thandi@example.org"
SAST = ZoneInfo("Africa/Johannesburg")
ACKNOWLEDGED = {
    "en": "The department has received it",
    "af": "Die departement het dit ontvang",
    "xh": "Isebe liyifumene",
}


def months_ahead(count: int) -> str:
    today = dt.date.today()
    index = today.year * 12 + today.month - 1 + count
    return f"{index // 12}-{index % 12 + 1:02d}"


def planned(system: System, month: str, operators: dict[str, str]) -> list[dict[str, Any]]:
    answer = httpx.post(
        f"{system.url('scheduling')}/v1/plans", json={"month": month}, headers=operators, timeout=10
    )
    assert answer.status_code == 201, answer.text
    return list(answer.json()["visits"])


def hours(visit: dict[str, Any]) -> str:
    starts, ends = (
        dt.datetime.fromisoformat(visit[k]).astimezone(SAST) for k in ("starts_at", "ends_at")
    )
    return f"{starts:%H:%M}-{ends:%H:%M}"


def english_day(visit: dict[str, Any]) -> str:
    day = dt.date.fromisoformat(visit["date"])
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def emails(system: System) -> list[str]:
    """The e-mails notifications wrote to its outbox folder (no mail server in e2e)."""
    outbox = system.sms_file.parent / "outbox"
    return [
        str(message_from_bytes(f.read_bytes(), policy=policy.default).get_body().get_content())  # type: ignore[union-attr]
        for f in sorted(outbox.glob("*.eml"))
    ]


def violations(page: Page, screen: str) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{screen}: {v['id']} ({v['impact']})" for v in found]


def test_a_resident_follows_a_request_and_gets_visit_news_by_email(system: System) -> None:
    intake = system.url("intake")
    operators = {"Authorization": f"Bearer {system.team('operators')}"}
    team = {"Authorization": f"Bearer {system.team(TEAM)}"}
    agent = {"Authorization": f"Bearer {system.agent_token}"}

    # Scheduling plans the month after next; its first visit's community is ours.
    visit = planned(system, months_ahead(2), operators)[0]
    community = visit["community"]
    where = {"area": visit["area"], "community": community}
    # Five requests there: a community is named on public pages from five on.
    references = [
        httpx.post(
            f"{intake}/v1/requests",
            json=request_body(location=where, description=f"Standpipe leaking ({n})"),
            headers=agent,
        ).json()["reference"]
        for n in range(5)
    ]
    reference = str(references[0])
    status_url = f"{system.url('routing')}/v1/requests/{reference}/status"
    moved = eventually(  # once routing has it from the bus (404 until then)
        lambda: (
            (
                r := httpx.post(
                    status_url,
                    json={"status": "acknowledged", "note": NOTE, "public": True},
                    headers=team,
                )
            ).status_code
            != 404
            and r
        )
    )
    assert moved.status_code == 202, moved.text
    line = f"{english_day(visit)}, {hours(visit)}, at {visit['venue']}"
    # Intake hears of both on the bus: the status from routing, the visit from scheduling.
    eventually(
        lambda: httpx.get(f"{intake}/v1/requests/{reference}").json()["status"] == "acknowledged"
    )
    eventually(lambda: httpx.get(f"{intake}/v1/visits", params={"community": community}).json())

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        page = browser.new_context(
            viewport={"width": 320, "height": 640},
            timezone_id="Africa/Johannesburg",
            bypass_csp=True,  # for axe-core's script only
        ).new_page()
        for lang, status in ACKNOWLEDGED.items():
            shown = page.goto(f"{intake}/r/{reference}?lang={lang}")
            assert shown is not None and shown.status == 200
            assert len(shown.body()) <= 30 * 1024, (lang, len(shown.body()))
            expect(page.locator("html")).to_have_attribute("lang", lang)
            expect(page.locator("dd.status")).to_have_text(status)
            expect(page.locator("span.note")).to_contain_text(NOTE)
            box = page.locator("p.box")
            expect(box).to_contain_text(visit["venue"])
            expect(box).to_contain_text(hours(visit))
            expect(box).to_contain_text(f" {dt.date.fromisoformat(visit['date']).day} ")
            if lang == "en":
                expect(box).to_have_text(line)
            problems += violations(page, f"/r/ {lang}")

        page.goto(f"{intake}/visits/?lang=en")
        page.get_by_role("link", name=visit["area"].title()).click()
        page.get_by_role("link", name=community).click()
        expect(page.locator("main")).to_contain_text(english_day(visit))
        problems += violations(page, "/visits/ community")
        page.get_by_label("By e-mail").fill(EMAIL)
        page.get_by_role("button", name="Send me visit news").click()
        expect(page.locator("main")).to_contain_text("Check your e-mail")

        asked = eventually(lambda: [e for e in emails(system) if "confirm?token=" in e], 10)
        link = re.search(r"https?://\S+/v1/subscriptions/confirm\?token=\S+", asked[0])
        assert link and link[0].startswith(system.url("notifications")), asked[0]
        page.goto(link[0])  # opening the link only asks; the button confirms
        page.get_by_role("button", name="Confirm").click()
        expect(page.locator("main")).to_contain_text(
            f"you will get e-mails about visits to {community}"
        )
        browser.close()
    assert problems == []

    # Scheduling plans next month: the community (never visited before it) has a visit again.
    further = [
        v for v in planned(system, months_ahead(1), operators) if v["community"] == community
    ]
    assert further, f"next month's plan has no visit to {community}"
    news = eventually(lambda: [e for e in emails(system) if "Mobile Office visits" in e], 15)
    assert len(news) == len(further), news
    day = dt.date.fromisoformat(further[0]["date"])
    said = (
        f"{community} on {day:%a} {day.day} {day:%b}, {hours(further[0])} at {further[0]['venue']}"
    )
    assert said in news[0], news[0]
    assert f"{system.url('notifications')}/v1/subscriptions/unsubscribe?token=" in news[0]
