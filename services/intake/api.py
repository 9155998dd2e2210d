"""Intake's HTTP routes: validate, authenticate, call a handler, map refusals to 4xx."""
# No `from __future__ import annotations` here: FastAPI must resolve `Depends(field_agent)`,
# a local, inside Annotated at definition time.

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from prometheus_client import Counter

from services.intake import devices, handlers, nearby, new_requests, public_view, reopening
from services.intake import visits as announced
from services.intake.devices import LeaseAsked, Leased, PairedDevice, Pairing
from services.intake.domain import IdempotencyConflict, UnknownVisit
from services.intake.new_requests import RequestWriter
from services.intake.schemas import (
    CategoryView,
    Following,
    NearbyView,
    NewRequest,
    Reopening,
    RequestCreated,
    RequestView,
    VisitView,
)
from shared.audit import Audit
from shared.auth import PUBLIC, Caller, TokenDirectory, bearer_token, known_caller, requires
from shared.catalogue import CATALOGUE_VERSION, CATEGORIES
from shared.contracts.common import Line
from shared.credentials import Role
from shared.http import ApiError, parse_reference
from shared.limits import MissLimiter, client_address
from shared.pages import DEFAULT, Cursor, Limit, date_span, paged
from shared.refusals import Invalid
from shared.store import Database

__all__ = ["IntakeContext", "routes"]


@dataclass(frozen=True, slots=True)
class IntakeContext:
    db: Database
    writer: RequestWriter  # new requests, several to a transaction
    tokens: TokenDirectory
    ports: handlers.Ports
    logged_total: Counter
    audit: Audit  # reads of residents' descriptions and places (nearby)
    lookups: MissLimiter = field(default_factory=MissLimiter)


def routes(ctx: IntakeContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    field_agent = requires(Role.FIELD_AGENT)

    @router.post("/requests", status_code=201, response_model=RequestCreated)
    async def log_request(
        agent: Annotated[Caller, field_agent],
        body: NewRequest,
        response: Response,
        idempotency_key: Annotated[str | None, Header(min_length=1, max_length=255)] = None,
    ) -> RequestCreated:
        try:
            logged = await new_requests.log_request(
                ctx.writer, body, agent.name, idempotency_key, ctx.ports, agent.device
            )
        except UnknownVisit:
            message = "no such visit: use the id of a visit from scheduling's GET /v1/visits"
            raise ApiError(422, "invalid_request", message, {"visit_id": message}) from None
        except IdempotencyConflict:
            raise ApiError(
                422,
                "idempotency_key_reused",
                "this Idempotency-Key was already used with a different body: use a new key",
                {"Idempotency-Key": "already used with a different body"},
            ) from None
        if logged.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        else:
            ctx.logged_total.labels(body.category, body.location.area.value).inc()
        return logged.response

    @router.get("/requests/nearby", response_model=list[NearbyView])
    async def requests_nearby(
        agent: Annotated[Caller, field_agent],
        category: Annotated[Line, Query(max_length=40)],  # printable: PostgreSQL refuses NUL
        community: Annotated[Line | None, Query(max_length=100)] = None,
        lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
        lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    ) -> list[NearbyView]:
        """Open requests of the category in the community or within 250 m: before logging
        the same problem again, the agent may join the resident to one of them."""
        found = (await nearby.find_nearby(ctx.db, category, community, lat, lon))[:50]
        now = ctx.ports.clock()
        await ctx.audit.record_read(ctx.db, agent, "read requests nearby", len(found), now)
        return [NearbyView.model_validate(n, from_attributes=True) for n in found]

    @router.post("/requests/{reference}/followers", status_code=202)
    async def follow(
        reference: str, body: Following, agent: Annotated[Caller, field_agent]
    ) -> dict[str, str]:
        """Joins a resident to an open request instead of logging it again."""
        canonical = parse_reference(reference)
        await nearby.join(ctx.db, ctx.ports.clock, canonical, agent.name, body.resident)
        return {"reference": canonical, "status": "following"}

    @router.get("/requests/{reference}", response_model=RequestView, dependencies=[PUBLIC])
    async def follow_up(
        reference: str,
        request: Request,
        authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    ) -> RequestView:
        # A client whose guesses keep missing waits: references cannot be walked. Agents
        # and operators, who look up many for residents, are not counted, and see the exact
        # times; anyone else sees the open-data file's 6-hour blocks (it lists references).
        caller = await known_caller(request, authorization)
        client = None if caller is not None else client_address(request)
        if client is not None:
            ctx.lookups.refuse_if_waiting(
                client, "too_many_unknown_references", "too many unknown reference numbers here"
            )
        canonical = parse_reference(reference)
        view = await handlers.get_request(ctx.db, canonical)
        if view is None:
            if await devices.still_on_a_device(ctx.db, canonical):
                raise ApiError(
                    404,
                    "not_yet_received",
                    f"request {canonical} was logged on a field agent's device and has not "
                    "reached the City yet: it will once the device has signal",
                )
            if client is not None:
                ctx.lookups.missed(client)
            raise ApiError(404, "not_found", f"no request has reference {canonical}")
        return view if caller is not None else view.in_blocks(public_view.block)

    @router.post("/requests/{reference}/reopen", status_code=202)
    async def reopen(
        reference: str, body: Reopening, agent: Annotated[Caller, field_agent]
    ) -> dict[str, str]:
        """The resident says a resolved request is not fixed (within 30 days of its
        resolution): routing moves it back to the same department."""
        canonical = parse_reference(reference)
        await reopening.ask_reopen(ctx.db, ctx.ports.clock, canonical, agent.name, body.reason)
        return {"reference": canonical, "status": "reopen_asked"}

    @router.post("/devices", status_code=201, response_model=PairedDevice, dependencies=[PUBLIC])
    async def pair_device(
        body: Pairing, request: Request, authorization: Annotated[str | None, Header()] = None
    ) -> PairedDevice:
        """A field app pairs with the code an agent got from the office (valid 10 minutes);
        naming its old device renews that one if its pairing expired, or if the app still
        sends that device's credential."""
        client = client_address(request)
        ctx.lookups.refuse_if_waiting(client, "too_many_codes", "too many wrong codes from here")
        try:
            paired = await devices.pair(
                ctx.db,
                body.code,
                body.name,
                ctx.ports.clock(),
                body.device_id,
                bearer_token(authorization),
            )
        except Invalid:
            ctx.lookups.missed(client)
            raise
        return PairedDevice(
            device_id=paired.device_id,
            agent=paired.agent,
            token=paired.token,
            expires_at=paired.expires_at,
        )

    @router.delete("/devices/{device_id}", status_code=204)
    async def sign_out_device(device_id: str, agent: Annotated[Caller, field_agent]) -> None:
        """The field app signs out: its credential stops working at once."""
        if agent.device != device_id:
            raise ApiError(403, "forbidden", "only the device itself signs itself out")
        await devices.revoke(ctx.db, device_id, ctx.ports.clock())

    @router.post("/devices/{device_id}/references", status_code=201, response_model=Leased)
    async def lease(
        device_id: str, body: LeaseAsked, agent: Annotated[Caller, field_agent]
    ) -> Leased:
        """Reference numbers for the device to hand out when it has no signal."""
        if agent.device != device_id:
            raise ApiError(403, "forbidden", "only the device itself leases its numbers")
        references, expires_at = await devices.lease_references(
            ctx.db, device_id, body.count, ctx.ports.clock()
        )
        return Leased(references=references, expires_at=expires_at)

    @router.get("/visits", response_model=list[VisitView], dependencies=[PUBLIC])
    async def visits(
        request: Request,
        response: Response,
        start: Annotated[dt.date | None, Query(alias="from")] = None,
        to: Annotated[dt.date | None, Query()] = None,
        community: Annotated[Line | None, Query(max_length=100)] = None,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[VisitView]:
        """The visits scheduling announced, for the field app (which talks to intake only)."""
        found = await announced.find_visits(ctx.db, date_span(start, to), community)
        chosen = paged(request, response, found, limit, cursor, key=lambda v: [str(v.date), v.id])
        return [VisitView.model_validate(v, from_attributes=True) for v in chosen]

    @router.get("/categories", response_model=list[CategoryView], dependencies=[PUBLIC])
    async def categories(
        request: Request, response: Response, limit: Limit = DEFAULT, cursor: Cursor = None
    ) -> list[CategoryView]:
        """The categories with their names in en, af and xh; the list's version in the
        Catalogue-Version header."""
        views = [
            CategoryView(
                code=c.code,
                name={"en": c.name_en, "af": c.name_af, "xh": c.name_xh},
                department=c.department,
            )
            for c in CATEGORIES
        ]
        response.headers["Catalogue-Version"] = CATALOGUE_VERSION
        return paged(request, response, views, limit, cursor)

    return router
