"""What anyone with a reference number sees: the public view, with no personal information,
department notes only when the team made them public (and never one holding a phone number
or e-mail address), and a wait for a client whose guesses keep missing."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.intake.public.domain import block
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Cause, StatusChanged
from shared.events import CONTENT_TYPE, new_event
from shared.reference import damm_digit, new_reference
from shared.topics import REQUESTS_STATUS, source
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake


@pytest.fixture
async def intake(tmp_path: Path) -> AsyncIterator[Intake]:
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}", publisher=FakePublisher()
    ) as running:
        yield running


async def test_follow_up_shows_the_public_view_without_personal_information(
    intake: Intake,
) -> None:
    reference = (await intake.post(request_body())).json()["reference"]
    spaced = f"{reference[:3]} {reference[3:6]} {reference[6:]}"
    response = await intake.client.get(f"/v1/requests/{spaced}")
    assert response.status_code == 200
    view = response.json()
    assert view["reference"] == reference
    assert view["status"] == "logged" and view["department"] is None
    assert [h["status"] for h in view["history"]] == ["logged"]
    text = response.text
    for personal in ("Nomsa", "Dlamini", "825550199", "example.org", "123456789"):
        assert personal not in text


async def test_anyone_sees_the_open_data_files_times_and_an_agent_the_exact_ones(
    intake: Intake,
) -> None:
    logged = (await intake.post(request_body())).json()
    path = f"/v1/requests/{logged['reference']}"
    exact = datetime.fromisoformat(logged["created_at"])
    anyone = (await intake.client.get(path)).json()
    shown = [anyone["created_at"], anyone["updated_at"], *(h["at"] for h in anyone["history"])]
    assert {datetime.fromisoformat(t) for t in shown} == {block(exact)}
    agent = (await intake.client.get(path, headers=intake.auth)).json()
    assert datetime.fromisoformat(agent["created_at"]) == exact


async def test_unknown_and_malformed_references(intake: Intake) -> None:
    unknown = "123456789" + str(damm_digit("123456789"))
    assert (await intake.client.get(f"/v1/requests/{unknown}")).status_code == 404
    bad_check = unknown[:9] + str((int(unknown[9]) + 1) % 10)
    response = await intake.client.get(f"/v1/requests/{bad_check}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_reference"
    assert "typing error" in response.json()["error"]["message"]


async def test_a_client_guessing_references_waits_after_30_misses(intake: Intake) -> None:
    answers = [
        (await intake.client.get(f"/v1/requests/{new_reference()}")).status_code for _ in range(40)
    ]
    assert answers == [404] * 30 + [429] * 10
    refused = await intake.client.get(f"/v1/requests/{new_reference()}")
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # A field agent looking up residents' requests is not counted.
    agent = [
        (await intake.client.get(f"/v1/requests/{new_reference()}", headers=intake.auth))
        for _ in range(40)
    ]
    assert {a.status_code for a in agent} == {404}


async def test_a_department_note_is_public_only_when_marked_and_free_of_contact_details(
    intake: Intake,
) -> None:
    reference = (await intake.post(request_body())).json()["reference"]
    notes = [
        ("Team dispatched", False),  # internal: never shown
        ("Spoke to Thandi on 082 555 0199", True),  # public, but a phone number
        ("Write to ops@example.org", True),  # public, but an e-mail address
        ("Call 082/555/0199", True),  # however the number is separated
        ("Call 082_555_0199", True),
        ("Write to ops(at)gmail.com", True),  # however the @ is written
        ("New pipe laid", True),
    ]
    for number, (note, public) in enumerate(notes, start=1):
        at = datetime(2026, 12, 8, 10, number, tzinfo=UTC)
        changed = StatusChanged(
            reference=reference,
            status="in_progress",
            previous_status="acknowledged",
            department="water-and-sanitation",
            note=note,
            note_public=public,
            changed_at=at,
        )
        event = new_event(changed, source("routing"), reference, at)
        await intake.app.state.broker.publish(
            event.to_bytes(), REQUESTS_STATUS, key=event.key, headers={"content-type": CONTENT_TYPE}
        )
    view = (await intake.client.get(f"/v1/requests/{reference}")).json()
    assert [h["note"] for h in view["history"][1:]] == [None] * 6 + ["New pipe laid"]
    assert "0199" not in str(view) and "example.org" not in str(view) and "(at)" not in str(view)


async def test_the_public_view_says_why_a_request_was_closed(intake: Intake) -> None:
    reference = (await intake.post(request_body())).json()["reference"]
    at = datetime(2026, 12, 8, 11, 0, tzinfo=UTC)
    changed = StatusChanged(
        reference=reference,
        status=RequestStatus.CLOSED,
        previous_status=RequestStatus.IN_PROGRESS,
        department="electricity",
        cause=Cause.NOT_RESPONSIBLE,
        cause_detail="Eskom supplies this street",
        changed_at=at,
    )
    event = new_event(changed, source("routing"), reference, at)
    await intake.app.state.broker.publish(
        event.to_bytes(), REQUESTS_STATUS, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    last = (await intake.client.get(f"/v1/requests/{reference}")).json()["history"][-1]
    assert last["status"] == "closed" and last["cause"] == "not-responsible"
    assert last["cause_detail"] == "Eskom supplies this street"
