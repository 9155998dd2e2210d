"""Personal information kept no longer than its purpose needs (POPIA s14). Each service lists
what it purges as `Rule`s: one kind of row, how long it is kept, and a statement that removes
or de-identifies one batch of the rows past that. A `Purger` runs the rules on a schedule,
batch after batch (short transactions: the consumers and the API keep going), and counts what
it did in `mo_<service>_purged_total{kind}`. Every rule is idempotent: what is gone stays gone
and the next run finds nothing; the clock is the service's, so tests move time."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy import Table, delete, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.background import every
from shared.contracts.common import FINISHED
from shared.store import Database

__all__ = [
    "Purger",
    "ResidentDetails",
    "Rule",
    "closed_request_details_rule",
    "deidentify",
    "inbox_rule",
]

log = logging.getLogger(__name__)

Purge = Callable[[AsyncConnection, dt.datetime, int], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    """What the metric and the log call it, e.g. `contacts`."""
    keep: dt.timedelta
    purge: Purge
    """Removes or de-identifies up to `batch` rows past the cut-off it is given (now - keep);
    answers how many it changed."""


class Purger:
    """The service's purge job: every `every_seconds`, each rule until nothing is left."""

    def __init__(
        self,
        db: Database,
        rules: Sequence[Rule],
        clock: Callable[[], dt.datetime],
        registry: CollectorRegistry,
        service: str,
        *,
        batch: int = 500,
        every_seconds: float = 3600.0,
    ) -> None:
        self._db = db
        self.rules = tuple(rules)
        self._clock = clock
        self._batch = batch
        self.purged = Counter(
            f"mo_{service}_purged_total",
            "Rows of personal information removed or de-identified by the retention rules.",
            ["kind"],
            registry=registry,
        )
        for rule in self.rules:
            self.purged.labels(rule.kind)  # every kind shows, at 0, from the start
        self._worker = every(every_seconds, self.run_once, "purge", log)

    def start(self) -> None:
        self._worker.start()

    async def stop(self) -> None:
        await self._worker.stop()

    async def run_once(self) -> dict[str, int]:
        """One round of every rule; answers how many rows each changed."""
        now = self._clock()
        counts = {}
        for rule in self.rules:
            total = 0
            while True:
                async with self._db.transaction() as conn:
                    changed = await rule.purge(conn, now - rule.keep, self._batch)
                total += changed
                if changed < self._batch:
                    break
            counts[rule.kind] = total
            if total:
                self.purged.labels(rule.kind).inc(total)
                log.info("purged %d %s kept longer than %s", total, rule.kind, rule.keep)
        return counts


def inbox_rule(inbox: Table, keep: dt.timedelta) -> Rule:
    """The processed event ids: needed only while the broker could deliver an event again,
    which is as long as a topic keeps it (`keep`: the longest retention of what is read)."""

    async def purge(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
        key = tuple_(inbox.c.event_id, inbox.c.consumer)
        oldest = (
            select(inbox.c.event_id, inbox.c.consumer)
            .where(inbox.c.processed_at < cutoff)
            .limit(batch)
        )
        result = await conn.execute(delete(inbox).where(key.in_(oldest)))
        return result.rowcount

    return Rule("processed_event_ids", keep, purge)


@dataclass(frozen=True, slots=True)
class ResidentDetails:
    """Where a service keeps what residents said and exactly where, request by request: the
    description of `requests`, the columns `places(row)` gives (the exact place), the
    request's own free-text columns `own_words`, and the `history_words` columns of every row
    of `history` (notes, causes' details, reopen reasons: anyone may have written a
    resident's name or number there)."""

    requests: Table
    places: Callable[[Any], Mapping[str, Any]]
    history: Table
    history_words: tuple[str, ...] = ("note",)
    own_words: tuple[str, ...] = ()

    def words_left(self) -> Any:
        """True for a request whose own words or any of whose history's words remain."""
        c, h = self.requests.c, self.history.c
        in_history = (
            select(h.reference)
            .where(
                h.reference == c.reference, or_(*(h[n].is_not(None) for n in self.history_words))
            )
            .exists()
        )
        return or_(in_history, *(c[name].is_not(None) for name in self.own_words))


def closed_request_details_rule(
    details: ResidentDetails, keep: dt.timedelta, finished_at: str
) -> Rule:
    """What residents said and exactly where, for requests resolved, closed or referred (their
    `finished_at` column) longer than `keep` ago: the description becomes "<category> in
    <community>", the exact place goes and every note of the request and its history is
    cleared (`deidentify`). That the request existed, its category, area, community,
    department, times and causes stay."""

    async def purge(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
        c = details.requests.c
        due = (
            select(c.reference)
            .where(
                c.status.in_(sorted(FINISHED)),
                c[finished_at] < cutoff,
                or_(c.description != c.category + " in " + c.community, details.words_left()),
            )
            .limit(batch)
        )
        return await deidentify(conn, details, list(await conn.scalars(due)))

    return Rule("request_details", keep, purge)


async def deidentify(
    conn: AsyncConnection, details: ResidentDetails, references: Sequence[str]
) -> int:
    """The description of each of `references` becomes "<category> in <community>", the
    exact place goes (`details.places(row)`), and its own and its history's words are cleared
    (a resident's erasure, or the end of a finished request's retention); answers how many
    requests there were."""
    requests, c = details.requests, details.requests.c
    rows = (
        await conn.execute(
            select(c.reference, c.category, c.area, c.community).where(c.reference.in_(references))
        )
    ).all()
    for row in rows:
        await conn.execute(
            update(requests)
            .where(c.reference == row.reference)
            .values(
                description=f"{row.category} in {row.community}",
                **details.places(row),
                **dict.fromkeys(details.own_words),
            )
        )
    found = [row.reference for row in rows]
    if found:
        history = details.history
        await conn.execute(
            update(history)
            .where(history.c.reference.in_(found))
            .values(**dict.fromkeys(details.history_words))
        )
    return len(rows)
