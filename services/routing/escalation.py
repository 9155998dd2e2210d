"""Escalation: a request still open longer past its due time than its rule's
`escalate_after_hours` reaches the department's supervisor, in one digest a day per
department (after `MO_ROUTING_DIGEST_HOUR`, Cape Town time), however many replicas look."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Final

from sqlalchemy import Column, Date, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.handlers import SOURCE, Ports
from services.routing.rule_store import rules
from services.routing.standard_store import OPEN
from services.routing.store import metadata, outbox, requests
from shared.clock import CAPE_TOWN
from shared.contracts.common import RequestStatus
from shared.contracts.routing import DigestLine, OverdueDigest, Priority
from shared.events import new_event
from shared.outbox import enqueue
from shared.store import Database, as_utc, upsert_insert

__all__ = ["DEFAULT_ESCALATE", "DailyDigests", "send_digests"]

log = logging.getLogger(__name__)
DEFAULT_ESCALATE: Final = dt.timedelta(hours=24)  # a hand-assigned request has no rule

digests = Table(  # one digest per department per day
    "overdue_digests",
    metadata,
    Column("department", String(60), primary_key=True),
    Column("day", Date, primary_key=True),
)


async def send_digests(db: Database, ports: Ports, hour: int) -> int:
    """Today's digests, if it is past `hour` and they were not sent: how many were sent."""
    now = ports.clock()
    local = now.astimezone(CAPE_TOWN)
    if local.hour < hour:
        return 0
    sent = 0
    async with db.transaction() as conn:
        for department, lines in (await _escalated(conn, now)).items():
            if not await _first_today(conn, department, local.date()):
                continue
            digest = OverdueDigest(
                department=department, day=local.date(), requests=lines, sent_at=now
            )
            await enqueue(conn, outbox, new_event(digest, SOURCE, department, now))
            log.info("overdue digest department=%s requests=%d", department, len(lines))
            sent += 1
    return sent


async def _escalated(conn: AsyncConnection, now: dt.datetime) -> dict[str, list[DigestLine]]:
    rows = await conn.execute(
        select(
            requests.c.reference,
            requests.c.category,
            requests.c.department,
            requests.c.priority,
            requests.c.status,
            requests.c.due_at,
            rules.c.escalate_after_hours,
        )
        .outerjoin(rules, rules.c.id == requests.c.rule_id)
        .where(requests.c.status.in_(OPEN), requests.c.due_at <= now)
        .order_by(requests.c.due_at)
    )
    found: dict[str, list[DigestLine]] = defaultdict(list)
    for row in rows:
        after = dt.timedelta(hours=row.escalate_after_hours) if row.escalate_after_hours else None
        if as_utc(row.due_at) + (after or DEFAULT_ESCALATE) > now:
            continue
        found[row.department].append(
            DigestLine(
                reference=row.reference,
                category=row.category,
                priority=Priority(row.priority),
                status=RequestStatus(row.status),
                due_at=as_utc(row.due_at),
            )
        )
    return found


async def _first_today(conn: AsyncConnection, department: str, day: dt.date) -> bool:
    claimed = await conn.execute(
        upsert_insert(conn, digests).values(department=department, day=day).on_conflict_do_nothing()
    )
    return bool(claimed.rowcount)


class DailyDigests:
    """`send_digests` once a day per process: after a round past the digest hour, the
    escalated requests are not read again until the next day (the watch runs every minute)."""

    def __init__(self, db: Database, ports: Ports, hour: int) -> None:
        self._db, self._ports, self._hour = db, ports, hour
        self._done_on: dt.date | None = None

    async def send(self) -> int:
        local = self._ports.clock().astimezone(CAPE_TOWN)
        if self._done_on == local.date() or local.hour < self._hour:
            return 0
        sent = await send_digests(self._db, self._ports, self._hour)
        self._done_on = local.date()
        return sent
