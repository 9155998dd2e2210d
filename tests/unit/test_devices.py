"""The field app's devices: paired once with a short code, each holds a lease of reference
numbers to give residents with no signal, and intake takes each leased number once, from
its own device only."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from services.intake import devices
from services.intake.device_store import devices as device_table
from shared.reference import parse
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def intake(tmp_path: Path, clock: Clock) -> AsyncIterator[Intake]:
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'i.db'}", publisher=FakePublisher(), clock=clock
    ) as running:
        yield running


async def paired(
    intake: Intake, clock: Clock, agent: str = "thandi", before: str | None = None
) -> dict[str, str]:
    code = await devices.new_pairing_code(intake.app.state.db, agent, clock.now)
    body = {"code": code, "name": "tablet 7", "device_id": before}
    response = await intake.client.post("/v1/devices", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def leased(intake: Intake, device: dict[str, str], count: int = 5) -> list[str]:
    response = await intake.client.post(
        f"/v1/devices/{device['device_id']}/references",
        json={"count": count},
        headers=bearer(device["token"]),
    )
    assert response.status_code == 201, response.text
    return list(response.json()["references"])


async def send(
    intake: Intake, device: dict[str, str], reference: str, key: str, **body: object
) -> httpx.Response:
    return await intake.client.post(
        "/v1/requests",
        json=request_body(reference=reference, **body),
        headers={**bearer(device["token"]), "Idempotency-Key": key},
    )


async def test_a_code_pairs_a_device_once_and_only_for_10_minutes(
    intake: Intake, clock: Clock
) -> None:
    device = await paired(intake, clock)
    assert device["agent"] == "thandi"
    code = await devices.new_pairing_code(intake.app.state.db, "thandi", clock.now)
    assert (await intake.client.post("/v1/devices", json={"code": code})).status_code == 201
    again = await intake.client.post("/v1/devices", json={"code": code})
    assert again.status_code == 422 and "code" in again.json()["error"]["fields"]
    late = await devices.new_pairing_code(intake.app.state.db, "thandi", clock.now)
    clock.now += dt.timedelta(minutes=11)
    assert (await intake.client.post("/v1/devices", json={"code": late})).status_code == 422


async def test_leased_numbers_are_valid_distinct_and_apart_from_drawn_ones(
    intake: Intake, clock: Clock
) -> None:
    device = await paired(intake, clock)
    numbers = await leased(intake, device, 50)
    assert len(set(numbers)) == 50
    assert all(parse(n) == n and n[0] in "1234" for n in numbers)
    drawn = (await intake.post(request_body())).json()["reference"]
    assert drawn[0] in "5678"
    other = await paired(intake, clock, "sipho")
    refused = await intake.client.post(
        f"/v1/devices/{device['device_id']}/references", json={}, headers=bearer(other["token"])
    )
    assert refused.status_code == 403


async def test_a_leased_number_is_taken_once_from_its_own_device(
    intake: Intake, clock: Clock
) -> None:
    device, other = await paired(intake, clock), await paired(intake, clock, "sipho")
    reference = (await leased(intake, device))[0]
    waiting = await intake.client.get(f"/v1/requests/{reference}")
    assert waiting.status_code == 404 and "not reached the City yet" in waiting.text

    first = await send(intake, device, reference, "k1", description="Burst pipe, Mew Way")
    assert first.status_code == 201 and first.json()["reference"] == reference
    # The app lost the answer and sends again, even under another key: the same answer.
    again = await send(intake, device, reference, "k2", description="Burst pipe, Mew Way")
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    clash = await send(intake, device, reference, "k3", description="Something else")
    assert clash.status_code == 409
    stolen = (await leased(intake, device))[1]
    elsewhere = await send(intake, other, stolen, "k4")
    assert elsewhere.status_code == 422 and "reference" in elsewhere.json()["error"]["fields"]
    never = await send(intake, device, "2345678902", "k5")
    assert never.status_code == 422
    assert (await intake.client.get(f"/v1/requests/{reference}")).status_code == 200


async def test_a_revoked_device_is_refused_and_an_expired_one_asked_to_pair_again(
    intake: Intake, clock: Clock
) -> None:
    # Neither token is used before it changes: a holder is remembered for a few seconds.
    lost, old = await paired(intake, clock), await paired(intake, clock)
    await devices.revoke(intake.app.state.db, lost["device_id"], clock.now)
    revoked = await send(intake, lost, (await leased_directly(intake, lost))[0], "k1")
    assert revoked.status_code == 403 and "revoked" in revoked.json()["error"]["message"]

    # The door reads expiry against the wall clock, so the device's date is moved instead.
    async with intake.app.state.db.transaction() as conn:
        await conn.execute(
            update(device_table)
            .where(device_table.c.id == old["device_id"])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )
    expired = await send(intake, old, (await leased_directly(intake, old))[0], "k2")
    assert expired.status_code == 401 and "pair again" in expired.json()["error"]["message"]


async def test_pairing_again_keeps_the_device_and_its_numbers_unless_revoked_or_not_yours(
    intake: Intake, clock: Clock
) -> None:
    first = await paired(intake, clock)
    number = (await leased(intake, first, 1))[0]
    again = await paired(intake, clock, before=first["device_id"])
    assert again["device_id"] == first["device_id"] and again["token"] != first["token"]
    assert (await send(intake, again, number, "k1")).status_code == 201  # still its number

    theirs = await paired(intake, clock, "sipho", before=first["device_id"])
    assert theirs["device_id"] != first["device_id"]  # another agent's device is not taken over
    await devices.revoke(intake.app.state.db, first["device_id"], clock.now)
    found = await paired(intake, clock, before=first["device_id"])
    assert found["device_id"] != first["device_id"]  # a revoked tablet comes back as new


async def leased_directly(intake: Intake, device: dict[str, str]) -> list[str]:
    numbers, _ = await devices.lease_references(
        intake.app.state.db, device["device_id"], 1, dt.datetime.now(dt.UTC)
    )
    return numbers
