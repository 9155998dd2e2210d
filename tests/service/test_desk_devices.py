"""The operators' desk for the agents' tablets (/desk/devices) and the CLI behind the same use
cases: each agent's tablets with their last sending and the numbers they hold, a pairing code
that works at the field app's POST /v1/devices, and a lost tablet revoked with the numbers it
still held listed."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.devices import cli
from services.intake.devices import handlers as devices
from services.intake.devices.domain import pairing_link
from services.intake.devices.qr import qr_svg
from services.intake.devices.store import DeskDevice
from shared.credentials import Role
from shared.refusals import Invalid, NotFound
from tests.service.test_devices import leased, paired, send
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

    found = {a.agent: a for a in await devices.desk(None, db, deps)}
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
    await _cli(["revoke-device", tablet["device_id"]])
    said = capsys.readouterr().out
    assert "may still be handed out" in said and all(n in said for n in numbers)
    (shown,) = await _tablets_of("thandi", intake, clock)
    assert shown.revoked_at is not None


async def _tablets_of(agent: str, intake: Intake, clock: Clock) -> list[DeskDevice]:
    found = await devices.desk(None, intake.app.state.db, tool_deps(clock))
    return next(a.devices for a in found if a.agent == agent)


async def _cli(argv: list[str]) -> None:
    import asyncio

    await asyncio.to_thread(cli.main, argv)


def test_the_qr_code_is_an_inline_svg_with_a_title() -> None:
    link = pairing_link("https://intake.example/", "ABCD2345")
    assert link == "https://intake.example/field/#code=ABCD2345"
    svg = str(qr_svg(link, "pairing code <ABCD2345>"))
    drawn = ElementTree.fromstring(svg)  # noqa: S314 (our own drawing)
    assert drawn.tag == "{http://www.w3.org/2000/svg}svg" and drawn.get("role") == "img"
    title = drawn.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "pairing code <ABCD2345>"
