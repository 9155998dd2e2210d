"""Escalation with a controlled clock: a request still open longer past its due time than its
rule's `escalate_after_hours` goes into its department's daily digest, once a day, after the
digest hour; notifications e-mails the digest to the department's supervisor."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from services.routing.standards.handlers import SendDigests, send_digests
from services.routing.standards.worker import DailyDigests
from shared.clock import CAPE_TOWN
from shared.contracts.common import RequestStatus
from shared.contracts.routing import DigestLine, OverdueDigest, Priority
from shared.events import CONTENT_TYPE, new_event, parse_event
from shared.topics import REQUESTS_LOGGED, REQUESTS_STATUS, source
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.gateways import body_of, smtp_server
from tests.support.notifications import running_notifications
from tests.support.routing import logged_event, running_routing

SUPERVISOR = "water.supervisor@capetown.example"


def at_local_hour(moment: dt.datetime, hour: int) -> dt.datetime:
    local = moment.astimezone(CAPE_TOWN)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


async def test_a_request_escalates_into_one_digest_a_day_after_the_digest_hour(
    tmp_path: Path,
) -> None:
    clock, publisher = Clock(dt.datetime.now(dt.UTC)), FakePublisher()
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with running_routing(url, publisher=publisher, clock=clock) as routing:
        burst = logged_event(description="Burst main, water gushing")  # urgent: due in 24 h
        await routing.app.state.broker.publish(
            burst.to_bytes(), REQUESTS_LOGGED, key=burst.key, headers={"content-type": CONTENT_TYPE}
        )
        await routing.drain_outbox()
        db, deps = routing.app.state.db, routing.app.state.deps
        # Past due, after the digest hour, but not yet past due by the rule's 24 escalation
        # hours: the first 09:00 after it fell due (a fixed +40 h made this 24 h past due when
        # the test started between 08:00 and 09:00 in Cape Town).
        due = clock.start + dt.timedelta(hours=24)
        clock.now = at_local_hour(due, 9)
        if clock.now <= due:
            clock.now += dt.timedelta(days=1)
        assert await send_digests(SendDigests(hour=7), db, deps) == 0
        # Two days later, before the digest hour: nothing; after it: one digest, once.
        clock.now = at_local_hour(clock.start + dt.timedelta(days=3), 6)
        assert await send_digests(SendDigests(hour=7), db, deps) == 0
        clock.now = at_local_hour(clock.start + dt.timedelta(days=3), 8)
        assert await send_digests(SendDigests(hour=7), db, deps) == 1
        assert await send_digests(SendDigests(hour=7), db, deps) == 0
        # The service's watch reads the escalated requests once a day, not every minute.
        daily = DailyDigests(db, deps, hour=7)
        assert await daily.send() == 0  # today's went out above
        clock.now += dt.timedelta(days=1)
        assert await daily.send() == 1  # still escalated the next day: another digest
        assert await daily.send() == 0
        await routing.drain_outbox()
    digests = [
        parse_event(m.value).data_as(OverdueDigest)
        for m in publisher.sent
        if m.topic == REQUESTS_STATUS and m.key == b"water-and-sanitation"
    ]
    assert [[line.reference for line in d.requests] for d in digests] == [[burst.subject]] * 2


async def test_the_supervisor_gets_the_digest_by_e_mail(tmp_path: Path) -> None:
    now = dt.datetime(2026, 12, 8, 6, 0, tzinfo=dt.UTC)
    line = DigestLine(
        reference="8123456786",
        category="water",
        priority=Priority.URGENT,
        status=RequestStatus.ROUTED,
        due_at=now - dt.timedelta(days=2),
    )
    digest = OverdueDigest(
        department="water-and-sanitation", day=now.date(), requests=[line], sent_at=now
    )
    async with (
        smtp_server() as smtp,
        running_notifications(
            f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
            publisher=FakePublisher(),
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            supervisors={"water-and-sanitation": SUPERVISOR},
        ) as service,
    ):
        event = new_event(digest, source("routing"), digest.department, now)
        await service.deliver(event, REQUESTS_STATUS)
        await service.deliver(event, REQUESTS_STATUS)  # redelivered: still one e-mail
        await service.dispatch()
        [mail] = smtp.messages
    assert mail["To"] == SUPERVISOR
    assert "Overdue requests of Water & Sanitation" in mail["Subject"]
    assert "812 345 6786 water (urgent, routed" in body_of(mail)
