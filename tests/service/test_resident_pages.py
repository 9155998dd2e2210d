"""The resident's own pages on intake: /r/{reference} follows a request and /visits/ says when
the Mobile Office comes, without script, under 30 KB with their CSS, in the language asked
(`?lang=`, else Accept-Language), and nothing personal on them. An unknown reference is a
friendly 404 in the same languages, counted against the JSON follow-up's lookup limit."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.contracts.common import RequestStatus
from shared.contracts.routing import Cause, StatusChanged
from shared.contracts.visits import VisitCancelled, VisitScheduled
from shared.events import CONTENT_TYPE, new_event
from shared.reference import new_reference, parse
from shared.topics import REQUESTS_STATUS, VISITS, source
from tests.service.test_applications import INDIGENT
from tests.support.attachments import routed
from tests.support.clock import NOON, Clock
from tests.support.fakes import FakePublisher
from tests.support.intake import RESIDENT, Intake, request_body, running_intake

MOST = 30 * 1024
SAST = dt.timezone(dt.timedelta(hours=2))


@pytest.fixture
async def intake(tmp_path: Path) -> AsyncIterator[Intake]:
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        publisher=FakePublisher(),
        clock=Clock(),
        settings={"notifications_url": "https://notify.example.net"},
    ) as running:
        yield running


async def publish(intake: Intake, topic: str, data: object, key: str) -> None:
    event = new_event(data, source("routing"), key, NOON)  # type: ignore[arg-type]
    await intake.app.state.broker.publish(
        event.to_bytes(), topic, key=event.key, headers={"content-type": CONTENT_TYPE}
    )


async def moved(intake: Intake, reference: str, status: str, **more: object) -> None:
    changed = StatusChanged(
        reference=reference,
        status=status,
        previous_status="routed",
        department="water-and-sanitation",
        changed_at=NOON + dt.timedelta(hours=1),
        **more,  # type: ignore[arg-type]
    )
    await publish(intake, REQUESTS_STATUS, changed, reference)


def visit(community: str, day: int, **more: object) -> VisitScheduled:
    start = dt.datetime(2026, 12, day, 9, 30, tzinfo=SAST)
    fields: dict[str, object] = {
        "visit_id": f"2026-12-{day:02d}-{community.lower()}",
        "area": "east",
        "community": community,
        "venue": f"{community} Library",
        "date": start.date(),
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=4),
        "team": "mobile-office-1",
    }
    return VisitScheduled.model_validate(fields | more)


async def announce(intake: Intake, v: VisitScheduled) -> None:
    await publish(intake, VISITS, v, v.visit_id)


async def a_request_in_progress(intake: Intake) -> str:
    """A request in Khayelitsha, named on public pages (5 requests there), in progress with a
    public note."""
    references = [(await intake.post(request_body())).json()["reference"] for _ in range(5)]
    await routed(intake.app, references[0], "water-and-sanitation", NOON)
    await moved(intake, references[0], "in_progress", note="New pipe ordered", note_public=True)
    return str(references[0])


def check_page(response: object) -> str:
    import httpx

    assert isinstance(response, httpx.Response)
    assert response.headers["content-type"].startswith("text/html")
    assert len(response.content) <= MOST, len(response.content)
    assert "<script" not in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    [style] = re.findall(r"<style>(.*?)</style>", response.text, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy  # only its own inline CSS runs
    return response.text


async def test_a_request_shows_its_status_department_history_and_next_visit(
    intake: Intake,
) -> None:
    reference = await a_request_in_progress(intake)
    await announce(intake, visit("Khayelitsha", 15))
    await announce(intake, visit("Khayelitsha", 10))
    gone = visit("Khayelitsha", 9)
    await announce(intake, gone)
    cancelled = VisitCancelled(**gone.model_dump(), reason="hall flooded")
    await publish(intake, VISITS, cancelled, gone.visit_id)
    spaced = f"{reference[:3]} {reference[3:6]}-{reference[6:]}"
    page = await intake.client.get(f"/r/{spaced}")
    assert page.status_code == 200
    text = check_page(page)
    assert '<html lang="en">' in text
    assert "The department is working on it" in text
    assert "Water and Sanitation" in text
    assert "New pipe ordered" in text
    assert "Due by" in text
    assert "Not fixed?" not in text and "NOT FIXED" not in text  # it is not fixed yet
    assert "Next visit to Khayelitsha" in text
    assert "Thursday 10 December 2026, 09:30-13:30, at Khayelitsha Library" in text  # not the 9th
    for personal in ("Nomsa", "Dlamini", "825550199", "082 555 0199", "example.org"):
        assert personal not in text
    assert "Burst pipe" not in text and "12 Mew Way" not in text and "123456789" not in text
    assert str(RESIDENT["email"]) not in text


async def test_the_page_speaks_the_language_asked_or_the_browsers(intake: Intake) -> None:
    reference = await a_request_in_progress(intake)
    path = f"/r/{reference}"
    xh = await intake.client.get(path, headers={"Accept-Language": "xh-ZA, en;q=0.5"})
    assert '<html lang="xh">' in check_page(xh) and "Isebe liyasebenza kuyo" in xh.text
    af = await intake.client.get(path, headers={"Accept-Language": "fr, af;q=0.9, en;q=0.8"})
    assert '<html lang="af">' in check_page(af) and "Die departement werk daaraan" in af.text
    asked = await intake.client.get(f"{path}?lang=af", headers={"Accept-Language": "xh"})
    assert '<html lang="af">' in asked.text
    assert asked.headers["content-language"] == "af"
    # The switch: a link to each of the others.
    assert f'href="{path}?lang=en"' in asked.text and f'href="{path}?lang=xh"' in asked.text
    unknown = await intake.client.get(path, headers={"Accept-Language": "de, fr"})
    assert '<html lang="en">' in unknown.text


async def test_a_small_communitys_visit_is_not_shown_it_would_name_it(intake: Intake) -> None:
    reference = (
        await intake.post(request_body(location={"area": "east", "community": "Delft"}))
    ).json()["reference"]
    await announce(intake, visit("Delft", 10))
    text = check_page(await intake.client.get(f"/r/{reference}"))
    assert "Delft" not in text and "Next visit" not in text
    assert "/visits/?lang=en" in text


async def test_a_closed_request_says_why(intake: Intake) -> None:
    reference = await a_request_in_progress(intake)
    await moved(intake, reference, RequestStatus.CLOSED, cause=Cause.NOT_RESPONSIBLE)
    text = check_page(await intake.client.get(f"/r/{reference}?lang=en"))
    assert "Closed (Why: another body is responsible)" in text
    assert "Due by" not in text and "Not fixed?" not in text


async def test_only_a_resolved_fault_says_what_to_do_if_it_is_not_fixed(intake: Intake) -> None:
    reference = await a_request_in_progress(intake)
    await moved(intake, reference, RequestStatus.RESOLVED, cause=Cause.FIXED)
    text = check_page(await intake.client.get(f"/r/{reference}?lang=en"))
    spaced = f"{reference[:3]} {reference[3:6]} {reference[6:]}"
    assert "Not fixed?" in text
    assert f"Reply NOT FIXED {spaced} to our SMS within 30 days, or come to the next visit." in text
    assert "Due by" not in text  # done: the date it was due says nothing more
    xh = check_page(await intake.client.get(f"/r/{reference}?lang=xh"))
    assert "Ayilungiswanga?" in xh and "Ngomhla" not in xh


async def an_application(intake: Intake) -> str:
    """An application for indigent support in Khayelitsha (named: 5 requests there)."""
    body = request_body(description="Applies for indigent support")
    del body["category"]
    body |= {"service": "indigent-support", "answers": INDIGENT}
    logged = await intake.post(body)
    assert logged.status_code == 201, logged.text
    for _ in range(4):
        await intake.post(request_body())
    reference = str(logged.json()["reference"])
    await routed(intake.app, reference, "water-and-sanitation", NOON)
    return reference


async def test_an_application_shows_its_decision_not_what_to_do_if_not_fixed(
    intake: Intake,
) -> None:
    reference = await an_application(intake)
    text = check_page(await intake.client.get(f"/r/{reference}?lang=en"))
    assert "Decision so far" in text and "Not decided yet" in text
    assert "Due by" in text
    assert "Not fixed?" not in text and "NOT FIXED" not in text
    await moved(
        intake,
        reference,
        RequestStatus.DECLINED,
        decline_reason="income-too-high",
        appeal_by=dt.date(2027, 1, 4),
    )
    text = check_page(await intake.client.get(f"/r/{reference}?lang=en"))
    assert "Decision so far</dt><dd>Declined" in text
    assert "You may ask for a review (appeal) at the Mobile Office" in text
    assert "Due by" not in text and "Not fixed?" not in text
    af = check_page(await intake.client.get(f"/r/{reference}?lang=af"))
    assert "Besluit tot dusver</dt><dd>Afgekeur" in af and "(appèl)" in af


async def test_a_link_preview_heads_the_page_without_its_body(intake: Intake) -> None:
    reference = await a_request_in_progress(intake)
    got = await intake.client.get(f"/r/{reference}")
    head = await intake.client.head(f"/r/{reference}")
    assert head.status_code == 200 and head.content == b""
    for header in ("content-type", "content-security-policy", "content-language"):
        assert head.headers[header] == got.headers[header]
    assert (await intake.client.head(f"/r/{new_reference()}")).status_code == 404


async def test_an_unknown_reference_is_a_friendly_404_counted_by_the_lookup_limit(
    intake: Intake,
) -> None:
    missing = new_reference()
    page = await intake.client.get(f"/r/{missing}?lang=xh")
    assert page.status_code == 404
    assert "Asiyazi inombolo" in check_page(page)
    typo = await intake.client.get("/r/12345?lang=af")
    assert typo.status_code == 400 and "10 syfers" in check_page(typo)
    # The example the page gives is itself a reference.
    [example] = re.findall(r"\d{3} \d{3} \d{4}", typo.text)
    assert parse(example) == example.replace(" ", "")
    one_wrong = missing[:4] + str((int(missing[4]) + 1) % 10) + missing[5:]
    wrong = await intake.client.get(f"/r/{one_wrong}?lang=en")
    assert wrong.status_code == 400
    assert "One digit looks wrong — check the number in your SMS." in check_page(wrong)
    assert "10 digits" not in wrong.text
    # 29 more misses, pages and JSON alike, and then both wait.
    for n in range(29):
        path = f"/r/{new_reference()}" if n % 2 else f"/v1/requests/{new_reference()}"
        assert (await intake.client.get(path)).status_code == 404
    waiting = await intake.client.get(f"/r/{new_reference()}")
    assert waiting.status_code == 429 and 0 < int(waiting.headers["retry-after"]) <= 60
    assert "Try again in a minute" in check_page(waiting)
    assert (await intake.client.get(f"/v1/requests/{new_reference()}")).status_code == 429


async def test_the_find_form_goes_to_the_requests_page(intake: Intake) -> None:
    form = await intake.client.get("/r/?lang=af")
    assert form.status_code == 200 and 'name="reference"' in check_page(form)
    assert "<p>Dit is in die SMS wat ons vir u gestuur het.</p>" in form.text
    english = check_page(await intake.client.get("/r/?lang=en"))
    assert "<p>It is in the SMS we sent you.</p>" in english and "<p></p>" not in english
    went = await intake.client.get("/r/?reference=512+345-6782&lang=af")
    assert went.status_code == 303
    assert went.headers["location"] == "/r/512%20345-6782?lang=af"
    # The word before the number in our SMS, pasted along with it, is left out.
    for pasted in ("Ref 512 345 6782:", "Verw 512 345 6782", "inombolo: 512-345-6782"):
        went = await intake.client.get("/r/", params={"reference": pasted, "lang": "en"})
        assert went.status_code == 303, pasted
        assert went.headers["location"].startswith("/r/512"), pasted
