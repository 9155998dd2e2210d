"""The field app's devices: paired once with a short code, each holds a lease of reference
numbers to give residents with no signal, and intake takes each leased number once, from
its own device only."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.devices import handlers as devices
from services.intake.devices.handlers import LeaseWanted
from services.intake.devices.store import device_holder
from services.intake.devices.store import devices as device_table
from shared import credentials
from shared.credentials import Role, hash_token
from shared.reference import parse
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake
from tests.support.tokens import issue


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
    intake: Intake,
    clock: Clock,
    agent: str = "thandi",
    before: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """A device paired for `agent`, who is given a field agent's token if they have none."""
    db = intake.app.state.db
    if not (await credentials.holders(db, store.credentials, now=dt.datetime.now(dt.UTC))).get(
        (agent, Role.FIELD_AGENT)
    ):
        await issue(db, store.credentials, agent, Role.FIELD_AGENT)
    code = await devices.new_pairing_code(agent, db, tool_deps(clock))
    body = {"code": code, "name": "tablet 7", "device_id": before}
    response = await intake.client.post("/v1/devices", json=body, headers=headers or {})
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
    code = await devices.new_pairing_code("thandi", intake.app.state.db, tool_deps(clock))
    assert (await intake.client.post("/v1/devices", json={"code": code})).status_code == 201
    again = await intake.client.post("/v1/devices", json={"code": code})
    assert again.status_code == 422 and "code" in again.json()["error"]["fields"]
    late = await devices.new_pairing_code("thandi", intake.app.state.db, tool_deps(clock))
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
    await devices.revoke(lost["device_id"], intake.app.state.db, tool_deps(clock))
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


async def expire(intake: Intake, device: dict[str, str]) -> None:
    async with intake.app.state.db.transaction() as conn:
        await conn.execute(
            update(device_table)
            .where(device_table.c.id == device["device_id"])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )


async def test_pairing_again_keeps_the_device_and_its_numbers_unless_revoked_or_not_yours(
    intake: Intake, clock: Clock
) -> None:
    first = await paired(intake, clock)
    number = (await leased(intake, first, 1))[0]
    await expire(intake, first)
    clock.now = dt.datetime.now(dt.UTC)
    again = await paired(intake, clock, before=first["device_id"])
    assert again["device_id"] == first["device_id"] and again["token"] != first["token"]
    assert (await send(intake, again, number, "k1")).status_code == 201  # still its number

    theirs = await paired(intake, clock, "sipho", before=first["device_id"])
    assert theirs["device_id"] != first["device_id"]  # another agent's device is not taken over
    await devices.revoke(first["device_id"], intake.app.state.db, tool_deps(clock))
    found = await paired(intake, clock, before=first["device_id"])
    assert found["device_id"] != first["device_id"]  # a revoked tablet comes back as new


async def leased_directly(intake: Intake, device: dict[str, str]) -> list[str]:
    wanted = LeaseWanted(device["device_id"], 1)
    numbers, _ = await devices.lease_references(wanted, intake.app.state.db, tool_deps())
    return numbers


async def test_a_live_device_is_renewed_only_with_its_own_credential(
    intake: Intake, clock: Clock
) -> None:
    live = await paired(intake, clock)
    number = (await leased(intake, live, 1))[0]
    # Another tablet of the same agent naming the live device's id takes nothing over.
    other = await paired(intake, clock, before=live["device_id"])
    assert other["device_id"] != live["device_id"]
    assert (await send(intake, other, number, "k1")).status_code == 422
    assert await leased(intake, live, 1)  # the live device still works
    # The device itself, showing its current credential, keeps its id and numbers.
    renewed = await paired(intake, clock, before=live["device_id"], headers=bearer(live["token"]))
    assert renewed["device_id"] == live["device_id"]
    assert (await send(intake, renewed, number, "k2")).status_code == 201


async def test_revoking_an_agent_stops_their_devices_within_seconds(
    intake: Intake, clock: Clock
) -> None:
    # The token is not used before the revocation: the doors remember a holder for 4 s.
    device = await paired(intake, clock, "zodwa")
    number = (await leased_directly(intake, device))[0]
    await credentials.revoke(
        intake.app.state.db, store.credentials, "zodwa", now=dt.datetime.now(dt.UTC)
    )
    refused = await send(intake, device, number, "k1")
    assert refused.status_code == 403 and "revoked" in refused.json()["error"]["message"]
    nearby = await intake.client.get(
        "/v1/requests/nearby?category=water&community=Khayelitsha", headers=bearer(device["token"])
    )
    assert nearby.status_code == 403


async def test_the_revoke_command_revokes_the_agents_devices_too(
    intake: Intake, clock: Clock
) -> None:
    first, second = await paired(intake, clock, "lwazi"), await paired(intake, clock, "lwazi")
    await devices.revoke(second["device_id"], intake.app.state.db, tool_deps(clock))
    revoked = await devices.revoke_agent_devices("lwazi", intake.app.state.db, tool_deps(clock))
    assert revoked == 1  # the one still working
    found = await device_rows(intake, "lwazi")
    assert found and all(row.revoked_at is not None for row in found), first


async def test_signing_out_ends_the_devices_credential(intake: Intake, clock: Clock) -> None:
    device, other = await paired(intake, clock), await paired(intake, clock)
    path = f"/v1/devices/{device['device_id']}"
    assert (await intake.client.delete(path, headers=bearer(other["token"]))).status_code == 403
    assert (await intake.client.delete(path, headers=bearer(device["token"]))).status_code == 204
    async with intake.app.state.db.reading() as conn:
        holder = await device_holder(conn, hash_token(device["token"]), clock.now)
    assert holder is not None and holder.revoked


async def device_rows(intake: Intake, agent: str) -> list[Any]:
    async with intake.app.state.db.reading() as conn:
        rows = await conn.execute(device_table.select().where(device_table.c.agent == agent))
        return list(rows)


async def test_an_agents_own_credential_makes_a_code_to_pair_again_a_devices_does_not(
    intake: Intake, clock: Clock
) -> None:
    """Signed out in a far hall, the agent pairs the tablet again with no office visit."""
    own = await issue(intake.app.state.db, store.credentials, "sipho", Role.FIELD_AGENT)
    made = await intake.client.post("/v1/pairing-codes", headers=bearer(own))
    assert made.status_code == 201, made.text
    code = made.json()["code"]
    response = await intake.client.post("/v1/devices", json={"code": code})
    assert response.status_code == 201, response.text
    device = response.json()
    assert device["agent"] == "sipho"

    refused = await intake.client.post("/v1/pairing-codes", headers=bearer(device["token"]))
    assert refused.status_code == 403
    assert (await intake.client.post("/v1/pairing-codes")).status_code == 401
