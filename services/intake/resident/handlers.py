"""The resident's pages as use cases: a request as anyone may see it (the one
de-identification: public/domain.py) with the next visit to its community, and the visits
to a community."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.intake.deps import IntakeDeps
from services.intake.public.domain import PublicRequest, public_request
from services.intake.public.store import suburbs
from services.intake.resident import store
from services.intake.resident.domain import coming, next_visit, served_and_announced
from services.intake.visits import store as visit_store
from shared.clock import CAPE_TOWN
from shared.service_catalogue import Kind
from shared.use_case import UnitOfWork

__all__ = [
    "FollowUpPage",
    "ResidentsRequest",
    "VisitsPage",
    "VisitsShown",
    "follow_up_page",
    "visits_page",
]


@dataclass(frozen=True, slots=True)
class FollowUpPage:
    reference: str


@dataclass(frozen=True, slots=True)
class ResidentsRequest:
    request: PublicRequest
    area: str
    # The next visit to its community, only when the community is published by name: a
    # small community is shown as its area's "other communities", and its visit would name it.
    next_visit: visit_store.Visit | None
    named: bool
    application: bool  # an application for a service (a decision), not a fault to fix


async def follow_up_page(
    command: FollowUpPage, uow: UnitOfWork, deps: IntakeDeps
) -> ResidentsRequest | None:
    today = deps.clock().astimezone(CAPE_TOWN).date()
    async with uow.reading() as conn:
        found = await store.request_and_steps(conn, command.reference)
        if found is None:
            return None
        row, steps = found
        place = (row.area, row.community)
        shown = (await suburbs(conn, [place]))[place]
        visits = (
            await visit_store.find(conn, today, None, row.community)
            if shown == row.community
            else []
        )
    public = public_request(row, steps, shown)
    named = shown == row.community
    service = deps.catalogue.find(row.service) if row.service else None
    application = service is not None and service.kind is Kind.APPLICATION
    return ResidentsRequest(public, row.area, next_visit(visits, today), named, application)


@dataclass(frozen=True, slots=True)
class VisitsPage:
    area: str | None
    community: str | None


@dataclass(frozen=True, slots=True)
class VisitsShown:
    communities: list[tuple[str, str]]  # (area, community): every one served or announced
    community: str | None  # the one asked for, as intake knows it
    visits: list[visit_store.Visit]  # its coming ones, soonest first
    today: dt.date


async def visits_page(command: VisitsPage, uow: UnitOfWork, deps: IntakeDeps) -> VisitsShown:
    today = deps.clock().astimezone(CAPE_TOWN).date()
    async with uow.reading() as conn:
        known = served_and_announced(deps.links.communities, await store.communities(conn))
        asked = (command.community or "").casefold()
        community = next((c for _, c in known if c.casefold() == asked), None)
        found = await visit_store.find(conn, today, None, community) if community else []
    return VisitsShown(known, community, coming(found, today), today)
