"""The communities: seeded from a file into an empty store, listed with their last visit and
open requests, and those open requests counted from routing's events."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from services.scheduling.communities import store
from services.scheduling.communities.adapters import load_seed
from services.scheduling.communities.domain import Community
from services.scheduling.deps import SchedulingDeps
from shared.clock import CAPE_TOWN
from shared.consumer import Batch
from shared.contracts.common import FINISHED
from shared.contracts.routing import RequestRouted, RequestUnroutable, RoutingOutcome, StatusChanged
from shared.use_case import UnitOfWork

__all__ = [
    "ListCommunities",
    "RefreshGauges",
    "SeedCommunities",
    "follow_requests",
    "list_communities",
    "refresh_gauges",
    "seed_communities",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeedCommunities:
    path: Path


@dataclass(frozen=True, slots=True)
class ListCommunities:
    """Every community, by name, as of today."""


@dataclass(frozen=True, slots=True)
class RefreshGauges:
    """Each community's open requests and days since its last visit, as metrics."""


async def seed_communities(command: SeedCommunities, uow: UnitOfWork, deps: SchedulingDeps) -> int:
    """Load communities and teams into an empty store; a populated one is left alone."""
    async with uow.transaction() as conn:
        if await store.is_seeded(conn):
            return 0
        seeded = load_seed(command.path)
        await store.seed(conn, seeded.communities(), list(seeded.teams))
    return len(seeded.communities())


async def list_communities(
    command: ListCommunities, uow: UnitOfWork, deps: SchedulingDeps
) -> list[Community]:
    today = deps.clock().astimezone(CAPE_TOWN).date()
    async with uow.reading() as conn:
        return await store.all_communities(conn, before=today + dt.timedelta(days=1))


async def refresh_gauges(command: RefreshGauges, uow: UnitOfWork, deps: SchedulingDeps) -> None:
    today = deps.clock().astimezone(CAPE_TOWN).date()
    for c in await list_communities(ListCommunities(), uow, deps):
        deps.metrics.open_requests.labels(c.name).set(c.open_requests)
        if c.last_visited:
            deps.metrics.days_since.labels(c.name).set((today - c.last_visited).days)


# --- open requests per community, from routing's events -------------------------------------


async def follow_requests(
    command: Batch[RequestRouted | RequestUnroutable | StatusChanged],
    uow: UnitOfWork,
    deps: SchedulingDeps,
) -> None:
    """Whether each request is open, in its community, as routing's news says."""
    async with uow.transaction() as conn:
        for item in command:
            await store.follow_request(conn, *_following(item.data))


def _following(
    news: RequestRouted | RequestUnroutable | StatusChanged,
) -> tuple[str, str | None, bool, dt.datetime]:
    """The request, its community (a status change does not say), whether it is open, and as
    of when. A decision opens it (routed, or waiting unroutable for an operator), but for a
    referral, which is done with; a resolved request reopened counts again."""
    if isinstance(news, StatusChanged):
        return news.reference, None, news.status not in FINISHED, news.changed_at
    referred = isinstance(news, RequestRouted) and news.outcome is RoutingOutcome.REFERRED
    return news.reference, news.community, not referred, news.decided_at
