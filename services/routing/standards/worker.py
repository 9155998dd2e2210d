"""The standards' background part: every `MO_ROUTING_OVERDUE_CHECK_SECONDS` it notices the
requests past due, and once a day (after `MO_ROUTING_DIGEST_HOUR`, Cape Town time) sends
each department's supervisor the digest of what is long overdue, however many replicas look."""

from __future__ import annotations

import datetime as dt
import logging

from services.routing.deps import RoutingDeps
from services.routing.standards.handlers import (
    NoticeOverdue,
    SendDigests,
    notice_overdue,
    send_digests,
)
from shared.background import Background, every
from shared.clock import CAPE_TOWN
from shared.use_case import UnitOfWork

__all__ = ["DailyDigests", "overdue_watch"]

log = logging.getLogger(__name__)


class DailyDigests:
    """`send_digests` once a day per process: after a round past the digest hour, the
    escalated requests are not read again until the next day (the watch runs every minute)."""

    def __init__(self, uow: UnitOfWork, deps: RoutingDeps, hour: int) -> None:
        self._uow, self._deps, self._hour = uow, deps, hour
        self._done_on: dt.date | None = None

    async def send(self) -> int:
        local = self._deps.clock().astimezone(CAPE_TOWN)
        if self._done_on == local.date() or local.hour < self._hour:
            return 0
        sent = await send_digests(SendDigests(self._hour), self._uow, self._deps)
        self._done_on = local.date()
        return sent


def overdue_watch(
    uow: UnitOfWork, deps: RoutingDeps, seconds: float, digest_hour: int
) -> Background:
    """The worker that notices overdue requests and sends the day's digests."""
    digests = DailyDigests(uow, deps, digest_hour)

    async def watch_standards() -> None:
        await notice_overdue(NoticeOverdue(), uow, deps)
        await digests.send()

    return every(seconds, watch_standards, "overdue-watch", log)
