"""Messages become files only in development (MO_NOTIFICATIONS_OUTBOX_DIR): elsewhere,
notifications without an SMS gateway or a mail server refuses to start, in one line. The files
are the service user's alone and go with the contact details' retention. An empty setting (as
Compose passes one the host leaves unset) is an unset one."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from services.notifications.app import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from shared.settings import load_settings
from tests.support.fakes import FakePublisher
from tests.support.notifications import running_notifications


def test_an_empty_gateway_url_is_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MO_NOTIFICATIONS_SMS_URL", "")
    monkeypatch.setenv("MO_NOTIFICATIONS_SMTP_HOST", "")
    monkeypatch.setenv("MO_NOTIFICATIONS_OUTBOX_DIR", str(tmp_path))
    settings = load_settings(NotificationsSettings)
    assert settings.sms_url is None and settings.smtp_host is None


def test_without_a_gateway_or_an_outbox_folder_it_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MO_NOTIFICATIONS_SMS_URL", "")  # as Compose passes it
    monkeypatch.setenv("MO_NOTIFICATIONS_SMTP_HOST", "mail.example.org")
    monkeypatch.delenv("MO_NOTIFICATIONS_OUTBOX_DIR", raising=False)
    settings = load_settings(NotificationsSettings)  # a tool that only opens the store: fine
    with pytest.raises(SystemExit):
        notifications_app(settings.model_copy(update={"identifier_key": SecretStr("k" * 32)}))
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("configuration error: MO_NOTIFICATIONS_OUTBOX_DIR:")
    assert "MO_NOTIFICATIONS_SMS_URL not set" in line and "development only" in line


async def test_outbox_files_are_private_and_purged_with_the_contacts(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}", publisher=FakePublisher(), outbox_dir=folder
    ) as service:
        for address in ({"phone": "0825550199"}, {"email": "nomsa@example.org"}):
            asked = await service.client.post(
                "/v1/subscriptions", json={"community": "Delft", **address}
            )
            assert asked.status_code == 202
        await service.dispatch()
        written = sorted(path.name for path in folder.iterdir())
        assert len(written) == 2 and "sms.jsonl" in written
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()} == {0o600}

        purger = service.app.state.purger
        service.clock.now += dt.timedelta(days=89)
        assert (await purger.run_once())["outbox_files"] == 0
        service.clock.now += dt.timedelta(days=2)  # past the 90 days of contact details
        assert (await purger.run_once())["outbox_files"] == 2
    assert [path.read_text() for path in folder.iterdir()] == [""]  # sms.jsonl, emptied
