"""The work queue's request page decides applications: the department reads the resident's
answers (labelled, in words) and the warnings they raise, checks the papers (a photo
attached, seen in person, to be brought or missing), asks for what is missing, then approves
or declines with one of the service's reasons; a fault report is never offered a decision."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.routing import store
from services.routing.work.domain import months_after
from shared.clock import CAPE_TOWN
from shared.contracts.requests import AttachmentAdded
from shared.events import CONTENT_TYPE, new_event
from shared.topics import REQUESTS_LOGGED, source
from tests.support.fakes import FakePublisher
from tests.support.routing import Routing, logged_event, running_routing
from tests.support.work_queue import TEAM, logged, signed_in

ANSWERS = {
    "household_income": 9000,
    "owns_one_property": True,
    "employment": "pensioner",
    "household_size": 3,
}
PAPERS = {"id_document": "seen", "affidavit_of_income": "will_bring"}
PHOTO_ID = "d" * 36


@pytest.fixture
async def routing(tmp_path: Path) -> AsyncIterator[Routing]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with running_routing(url, publisher=FakePublisher()) as running:
        yield running


async def publish(routing: Routing, event: object) -> None:
    await routing.app.state.broker.publish(
        event.to_bytes(),  # type: ignore[attr-defined]
        REQUESTS_LOGGED,
        key=event.key,  # type: ignore[attr-defined]
        headers={"content-type": CONTENT_TYPE},
    )
    await routing.drain_outbox()


async def application(routing: Routing) -> str:
    """An indigent-support application with one paper photographed (bank statements)."""
    event = logged_event(
        category="accounts", service="indigent-support", answers=ANSWERS, papers=PAPERS
    )
    await publish(routing, event)
    photo = AttachmentAdded(
        reference=event.subject,
        attachment_id=PHOTO_ID,
        kind="document",
        content_type="image/jpeg",
        bytes=2000,
        sha256="0" * 64,
        added_at=dt.datetime.now(dt.UTC),
        document="bank_statements",
    )
    await publish(routing, new_event(photo, source("intake"), event.subject, photo.added_at))
    return event.subject


def text_of(page: str) -> str:
    """The page's words, without tags, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def options(page: str, select: str) -> list[str]:
    found = re.search(rf'<select id="{select}"[^>]*>(.*?)</select>', page, re.S)
    assert found is not None, select
    return re.findall(r'<option value="([^"]*)"', found[1])


async def test_the_page_shows_answers_warnings_and_the_papers_checklist(
    routing: Routing,
) -> None:
    reference = await application(routing)
    await signed_in(routing, "revenue")
    page = await routing.client.get(f"/queue/requests/{reference}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Indigent support (free basic services)" in words
    assert "Gross monthly income of the whole household (rand) 9,000" in words
    assert "Does the household own only this one property? Yes" in words
    assert "The applicant's work Pensioner" in words and "pensioner" not in words
    assert "How many people live in the household? 3" in words
    warning = re.search(r'<[^>]*class="warnings"[^>]*>(.*?)</ul>', page.text, re.S)
    assert warning is not None and "above the indigent limit" in warning[1]
    assert "Warning, not a refusal" in words
    assert "ID document (required): seen in person" in words
    assert "Bank statements of the last 3 months, every account (required): photo attached" in (
        words
    )
    assert f'href="#document-{PHOTO_ID}"' in page.text  # to its read-with-a-reason form
    assert f'id="document-{PHOTO_ID}"' in page.text
    assert (
        "Proof of all household income (payslips, pension or grant letters) (required): "
        "will bring (as Sworn affidavit of income (self-employed or unemployed))"
    ) in words
    # The answers are read with the rest of the request: the same audited read.
    operators = await routing.auth("operators")
    audit = (await routing.client.get("/v1/audit", headers=operators)).json()
    read = {(r["caller"], r["action"], r["subject"]) for r in audit}
    assert ("revenue", "read request", reference) in read
    assert "9,000" not in str(audit) and "pensioner" not in str(audit)
    statuses = options(page.text, "status")
    assert {"more_information_needed", "approved", "declined", "withdrawn"} <= set(statuses)
    assert "resolved" not in statuses
    reasons = options(page.text, "decline_reason")
    codes = ["income_over_limit", "more_than_one_property", "not_living_there", "papers_missing"]
    assert reasons == ["", *codes]


async def test_the_team_asks_for_papers_then_approves(routing: Routing) -> None:
    reference = await application(routing)
    csrf = await signed_in(routing, "revenue")
    asked = {
        "csrf": csrf,
        "status": "more_information_needed",
        "missing": ["proof_of_income", "id_document"],
        "note": "Bring the payslips",
    }
    saved = await routing.client.post(f"/queue/requests/{reference}/status", data=asked)
    assert saved.status_code == 303, saved.text
    async with routing.app.state.db.reading() as conn:
        found = await store.find_request(conn, reference)
    assert found is not None and sorted(found.missing or []) == ["id_document", "proof_of_income"]
    words = text_of((await routing.client.get(saved.headers["location"])).text)
    assert "More information needed, by Revenue: Bring the payslips" in words
    assert "Asked for ID document; Proof of all household income" in words
    assert "ID document (required): seen in person · asked for" in words
    approving = {"csrf": csrf, "status": "approved", "note": "All in order"}
    saved = await routing.client.post(f"/queue/requests/{reference}/status", data=approving)
    assert saved.status_code == 303, saved.text
    page = await routing.client.get(saved.headers["location"])
    words = text_of(page.text)
    today = dt.datetime.now(dt.UTC).astimezone(CAPE_TOWN).date()
    assert f"Approved until {months_after(today, 12).isoformat()}" in words
    assert "Approved, by Revenue: All in order" in words
    assert "Asked for" not in words
    assert 'id="status"' not in page.text  # final: nothing to move it on to


async def test_declining_without_a_reason_is_refused_beside_the_field(routing: Routing) -> None:
    reference = await application(routing)
    csrf = await signed_in(routing, "revenue")
    typed = {"csrf": csrf, "status": "declined", "note": "Income is R9,000 a month"}
    refused = await routing.client.post(f"/queue/requests/{reference}/status", data=typed)
    assert refused.status_code == 422
    select = refused.text.split('id="decline_reason"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true" aria-describedby="decline_reason-error" autofocus' in select
    assert 'id="decline_reason-error">Choose a Decline reason' in refused.text
    assert refused.text.count("autofocus") == 1
    assert '<option value="declined" selected>' in refused.text
    assert ">Income is R9,000 a month</textarea>" in refused.text
    typed |= {"decline_reason": "income_over_limit"}
    saved = await routing.client.post(f"/queue/requests/{reference}/status", data=typed)
    assert saved.status_code == 303, saved.text
    words = text_of((await routing.client.get(saved.headers["location"])).text)
    assert "Declined because The household income is above the limit" in words
    assert "Appeal by" in words


async def test_a_decision_field_with_another_status_is_refused_and_kept(routing: Routing) -> None:
    reference = await application(routing)
    csrf = await signed_in(routing, "revenue")
    typed = {"csrf": csrf, "status": "approved", "missing": ["id_document"]}
    refused = await routing.client.post(f"/queue/requests/{reference}/status", data=typed)
    assert refused.status_code == 422
    assert 'id="missing-error"' in refused.text
    ticked = re.search(r'value="id_document"([^>]*)>', refused.text)
    assert ticked is not None and "checked" in ticked[1] and 'aria-invalid="true"' in ticked[1]
    assert 'id="missing-error">What to ask for goes with More information needed' in refused.text
    typed = {"csrf": csrf, "status": "approved", "decline_reason": "papers_missing"}
    refused = await routing.client.post(f"/queue/requests/{reference}/status", data=typed)
    assert refused.status_code == 422
    assert 'id="decline_reason-error">Decline reason: goes with Declined' in refused.text
    assert '<option value="papers_missing" selected>' in refused.text
    asked = {"csrf": csrf, "status": "more_information_needed", "missing": "affidavit_of_income"}
    saved = await routing.client.post(f"/queue/requests/{reference}/status", data=asked)
    assert saved.status_code == 303, saved.text  # one box ticked: a list of one
    words = text_of((await routing.client.get(saved.headers["location"])).text)
    assert "Asked for Sworn affidavit of income (self-employed or unemployed)" in words
    assert "(as Sworn affidavit of income (self-employed or unemployed)) · asked for" in words


async def test_another_department_may_not_open_it_and_a_report_is_not_decided(
    routing: Routing,
) -> None:
    reference = await application(routing)
    report = await logged(routing, "water", "Leak at the clinic")
    await signed_in(routing, TEAM)
    assert (await routing.client.get(f"/queue/requests/{reference}")).status_code == 403
    page = await routing.client.get(f"/queue/requests/{report}")
    statuses = options(page.text, "status")
    assert "resolved" in statuses
    assert not {"more_information_needed", "approved", "declined", "withdrawn"} & set(statuses)
    assert 'name="missing"' not in page.text and 'id="decline_reason"' not in page.text


async def test_the_list_marks_an_application_with_its_service(routing: Routing) -> None:
    reference = await application(routing)
    await signed_in(routing, "revenue")
    rows = (await routing.client.get("/queue/")).text.split(f'data-reference="{reference}"')[1]
    row = text_of(rows.split("</tr>", 1)[0])
    assert "Application: Indigent support (free basic services)" in row
