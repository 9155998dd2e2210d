"""The operators' desk for the agents' tablets (/desk/devices) and the CLI behind the same use
cases: each agent's tablets with their last sending and the numbers they hold, a pairing code
that works at the field app's POST /v1/devices, and a lost tablet revoked with the numbers it
still held listed."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.desk import handlers as desk
from services.intake.desk.adapters import qr_svg
from services.intake.desk.store import DeskDevice
from services.intake.devices import cli
from services.intake.devices import handlers as devices
from services.intake.devices.domain import pairing_link
from shared.credentials import Role
from shared.reference import format_for_reading
from shared.refusals import Invalid, NotFound
from tests.service.test_devices import bearer, leased, paired, send
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, running_intake
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


async def test_the_desk_lists_each_agents_tablets_last_sending_and_numbers_held(
    intake: Intake, clock: Clock
) -> None:
    db, deps = intake.app.state.db, tool_deps(clock)
    await issue(db, store.credentials, "aviwe", Role.FIELD_AGENT)  # no tablet yet
    tablet = await paired(intake, clock, "thandi")
    numbers = await leased(intake, tablet, 5)
    clock.now += dt.timedelta(hours=2)
    sent = await send(intake, tablet, numbers[0], "k1")
    assert sent.status_code == 201, sent.text

    found = {a.agent: a for a in await desk.desk(None, db, deps)}
    assert found["aviwe"].works and found["aviwe"].devices == []
    (shown,) = found["thandi"].devices
    assert shown.id == tablet["device_id"] and shown.name == "tablet 7"
    assert shown.numbers_held == 4  # five leased, one used
    assert shown.last_sent_at == clock.now  # the request, after the lease
    assert shown.revoked_at is None


async def test_a_code_is_made_only_for_a_field_agent_with_a_working_token(
    intake: Intake, clock: Clock
) -> None:
    db, deps = intake.app.state.db, tool_deps(clock)
    with pytest.raises(Invalid, match="working token"):
        await devices.pairing_code_for("nobody", db, deps)
    await issue(db, store.credentials, "ops", Role.OPERATOR)
    with pytest.raises(Invalid, match="working token"):
        await devices.pairing_code_for("ops", db, deps)
    await issue(db, store.credentials, "thandi", Role.FIELD_AGENT)
    code = await devices.pairing_code_for("thandi", db, deps)
    answer = await intake.client.post("/v1/devices", json={"code": code})
    assert answer.status_code == 201 and answer.json()["agent"] == "thandi"


async def test_revoking_a_lost_tablet_lists_the_numbers_it_still_held(
    intake: Intake, clock: Clock
) -> None:
    db, deps = intake.app.state.db, tool_deps(clock)
    tablet = await paired(intake, clock)
    numbers = await leased(intake, tablet, 3)
    assert (await send(intake, tablet, numbers[1], "k1")).status_code == 201
    revoked = await devices.revoke_lost(tablet["device_id"], db, deps)
    assert revoked.device.agent == "thandi"
    assert revoked.numbers_held == sorted([numbers[0], numbers[2]])
    with pytest.raises(NotFound):  # once
        await devices.revoke_lost(tablet["device_id"], db, deps)
    (shown,) = await _tablets_of("thandi", intake, clock)
    assert shown.revoked_at == clock.now


async def test_the_cli_pairs_and_revokes_with_the_same_use_cases(
    intake: Intake,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = intake.app.state.db.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("MO_INTAKE_DATABASE_URL", url)
    tablet = await paired(intake, clock)
    numbers = await leased(intake, tablet, 2)
    with pytest.raises(SystemExit, match="agent is not a field agent"):
        await _cli(["pair", "nobody"])
    await _cli(["devices", "thandi"])
    listed = capsys.readouterr().out
    assert tablet["device_id"] in listed and "2 numbers held" in listed
    await _cli(["revoke-device", tablet["device_id"]])
    said = capsys.readouterr().out
    assert "may still be handed out" in said and all(n in said for n in numbers)
    (shown,) = await _tablets_of("thandi", intake, clock)
    assert shown.revoked_at is not None


async def _tablets_of(agent: str, intake: Intake, clock: Clock) -> list[DeskDevice]:
    found = await desk.desk(None, intake.app.state.db, tool_deps(clock))
    return next(a.devices for a in found if a.agent == agent)


async def _cli(argv: list[str]) -> None:
    await asyncio.to_thread(cli.main, argv)


def test_the_qr_code_is_an_inline_svg_with_a_title() -> None:
    link = pairing_link("https://intake.example/", "ABCD2345")
    assert link == "https://intake.example/field/#code=ABCD2345"
    svg = str(qr_svg(link, "pairing code <ABCD2345>"))
    drawn = ElementTree.fromstring(svg)  # noqa: S314 (our own drawing)
    assert drawn.tag == "{http://www.w3.org/2000/svg}svg" and drawn.get("role") == "img"
    title = drawn.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "pairing code <ABCD2345>"


# The desk's pages, as an operator's browser uses them.


async def signed_in(intake: Intake, role: Role = Role.OPERATOR, name: str = "coordinator") -> str:
    """An operator's session on the desk (its cookie kept by the client): its CSRF token."""
    credential = await issue(intake.app.state.db, store.credentials, name, role)
    client = intake.client
    client.cookies.clear()
    answer = await client.post("/desk/sign-in", data={"credential": credential})
    assert answer.status_code == 303, answer.text
    desk = await client.get("/desk/devices")
    assert desk.status_code == 200, desk.text
    found = re.search(r'name="csrf" value="([^"]+)"', desk.text)
    assert found is not None
    return found[1]


async def test_a_code_paired_from_the_desk_works_at_the_field_apps_pairing(
    intake: Intake, clock: Clock
) -> None:
    await issue(intake.app.state.db, store.credentials, "thandi", Role.FIELD_AGENT)
    csrf = await signed_in(intake)
    desk = await intake.client.get("/desk/devices")
    assert "thandi" in desk.text and "Pair a new tablet" in desk.text
    shown = await intake.client.post("/desk/devices/pair", data={"csrf": csrf, "agent": "thandi"})
    assert shown.status_code == 200, shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert "script" not in shown.headers["content-security-policy"]
    code = re.search(r'id="code">([A-Z0-9]{8})<', shown.text)
    assert code is not None
    assert f"/field/#code={code[1]}" in shown.text and "<svg" in shown.text
    paired = await intake.client.post("/v1/devices", json={"code": code[1], "name": "t9"})
    assert paired.status_code == 201 and paired.json()["agent"] == "thandi"
    listed = await intake.client.get("/desk/devices")
    assert "t9" in listed.text and paired.json()["device_id"][:8] in listed.text


async def test_no_code_for_someone_who_is_not_a_working_field_agent(
    intake: Intake, clock: Clock
) -> None:
    csrf = await signed_in(intake)
    refused = await intake.client.post(
        "/desk/devices/pair", data={"csrf": csrf, "agent": "coordinator"}
    )
    assert refused.status_code == 422 and "working token" in refused.text
    assert 'id="code"' not in refused.text


async def test_a_tablet_revoked_at_the_desk_is_refused_within_5_seconds(
    intake: Intake, clock: Clock
) -> None:
    tablet = await paired(intake, clock)
    numbers = await leased(intake, tablet, 3)  # its credential is now remembered by the doors
    csrf = await signed_in(intake)
    asked = await intake.client.get(f"/desk/devices/{tablet['device_id']}/revoke")
    assert asked.status_code == 200 and "will be refused too" in asked.text
    assert f'name="csrf" value="{csrf}"' in asked.text
    revoked = await intake.client.post(
        f"/desk/devices/{tablet['device_id']}/revoke", data={"csrf": csrf}
    )
    assert revoked.status_code == 200, revoked.text
    assert "may still be handed out" in revoked.text
    assert all(format_for_reading(n) in revoked.text for n in numbers)
    started = time.monotonic()
    while True:
        asked = await intake.client.post(
            f"/v1/devices/{tablet['device_id']}/references",
            json={"count": 1},
            headers=bearer(tablet["token"]),
        )
        if asked.status_code == 403:
            break
        assert asked.status_code == 201 and time.monotonic() - started < 5, asked.text
        await asyncio.sleep(0.25)
    assert "revoked" in asked.json()["error"]["message"]
    again = await intake.client.post(
        f"/desk/devices/{tablet['device_id']}/revoke", data={"csrf": csrf}
    )
    assert again.status_code == 404 and "no active device" in again.text
    done = await intake.client.get(f"/desk/devices/{tablet['device_id']}/revoke")
    assert done.status_code == 409 and "revoked already" in done.text
    unknown = await intake.client.get("/desk/devices/no-such-tablet/revoke")
    assert unknown.status_code == 404 and "no device no-such-tablet" in unknown.text


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.FIELD_AGENT])
async def test_the_desk_is_for_operators_only(intake: Intake, role: Role) -> None:
    credential = await issue(intake.app.state.db, store.credentials, "someone", role)
    intake.client.cookies.clear()
    refused = await intake.client.post("/desk/sign-in", data={"credential": credential})
    assert refused.status_code == 403 and "operators" in refused.text
    assert "set-cookie" not in refused.headers
    away = await intake.client.get("/desk/devices")
    assert away.status_code == 303 and away.headers["location"] == "/desk/sign-in"
    bearer_call = await intake.client.get("/desk/devices", headers=bearer(credential))
    assert bearer_call.status_code == 303  # a bearer token opens no page


async def test_the_desks_forms_without_their_csrf_token_change_nothing(
    intake: Intake, clock: Clock
) -> None:
    tablet = await paired(intake, clock)
    await signed_in(intake)
    forged = await intake.client.post("/desk/devices/pair", data={"agent": "thandi"})
    assert forged.status_code == 403 and 'id="code"' not in forged.text
    forged = await intake.client.post(
        f"/desk/devices/{tablet['device_id']}/revoke", data={"csrf": "not-the-token"}
    )
    assert forged.status_code == 403
    (shown,) = await _tablets_of("thandi", intake, clock)
    assert shown.revoked_at is None
