"""Open311 GeoReport v2 on intake, under `/open311/v2/`: other systems (a call centre,
a FixMyStreet instance, a city's dashboard) discover the service and read its list of services
and their definitions, and read requests (open311_requests.py says what they show), in JSON or
XML, as the specification says. Errors come in the
specification's format (`[{code, description}]`, or `<errors>`), never FastAPI's: a wrong
format is 404, a foreign `jurisdiction_id` 404, an unknown service code 404 (400 where a
request names it). Nothing here is personal: the routes are open to anyone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.intake import open311_catalogue as catalogue
from services.intake import open311_query, open311_requests
from services.intake.open311_format import FORMATS, Open311Error, error, render
from shared.auth import PUBLIC
from shared.store import Database

__all__ = ["routes"]

PREFIX = "/open311/v2"


Make = Callable[[], Awaitable[tuple[Any, str]]]


async def _answer(fmt: str, jurisdiction: str | None, ours: str, make: Make) -> Response:
    """`make()`'s data and root element in `fmt`, or the specification's error. The format
    and the jurisdiction are checked before `make` reads anything."""
    shown = fmt if fmt in FORMATS else "json"
    try:
        if fmt not in FORMATS:
            raise Open311Error(404, f"no format {fmt!r}: use .json or .xml")
        if jurisdiction is not None and jurisdiction != ours:
            raise Open311Error(404, f"jurisdiction_id {jurisdiction!r} is not this one ({ours})")
        data, root = await make()
    except Open311Error as refused:
        return error(refused.status, refused.description, shown)
    return render(data, root, shown)


def routes(jurisdiction: str, db: Database, clock: Callable[[], dt.datetime]) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    @router.get("/discovery.{fmt}", dependencies=[PUBLIC])
    async def discovery(request: Request, fmt: str) -> Response:
        """Where the endpoint is, and what it speaks."""
        base = str(request.base_url).rstrip("/")

        async def make() -> tuple[Any, str]:
            return catalogue.discovery(base), "discovery"

        return await _answer(fmt, None, jurisdiction, make)

    @router.get("/services.{fmt}", dependencies=[PUBLIC])
    async def service_list(fmt: str, jurisdiction_id: str | None = None) -> Response:
        """The 11 categories, each with its department as `group`."""

        async def make() -> tuple[Any, str]:
            return catalogue.services(), "services"

        return await _answer(fmt, jurisdiction_id, jurisdiction, make)

    @router.get("/services/{service_code}.{fmt}", dependencies=[PUBLIC])
    async def service_definition(
        service_code: str, fmt: str, jurisdiction_id: str | None = None
    ) -> Response:
        """The attributes a request for this service takes."""

        async def make() -> tuple[Any, str]:
            found = catalogue.definition(service_code)
            if found is None:
                raise Open311Error(404, f"no service {service_code!r}: services lists ours")
            return found, "service_definition"

        return await _answer(fmt, jurisdiction_id, jurisdiction, make)

    @router.get("/requests.{fmt}", dependencies=[PUBLIC])
    async def request_list(request: Request, fmt: str) -> Response:
        """Requests by id (comma-separated), or by service code, period (at most 90 days;
        the last 90 by default) and status (open, closed); `page`, `page_size`."""
        asked = dict(request.query_params)

        async def make() -> tuple[Any, str]:
            return await _requests(db, clock, asked), "service_requests"

        return await _answer(fmt, asked.get("jurisdiction_id"), jurisdiction, make)

    @router.get("/requests/{service_request_id}.{fmt}", dependencies=[PUBLIC])
    async def request_one(request: Request, service_request_id: str, fmt: str) -> Response:
        """One request, as a list of one (as the specification says)."""
        asked = {**request.query_params, "service_request_id": service_request_id}

        async def make() -> tuple[Any, str]:
            known = open311_query.is_reference(service_request_id)
            found = await _requests(db, clock, asked) if known else []
            if not found:
                raise Open311Error(404, f"no request {service_request_id!r}")
            return found, "service_requests"

        return await _answer(fmt, asked.get("jurisdiction_id"), jurisdiction, make)

    return router


async def _requests(
    db: Database, clock: Callable[[], dt.datetime], asked: dict[str, str]
) -> list[dict[str, Any]]:
    query = open311_query.parse(asked, clock())
    async with db.reading() as conn:
        return await open311_requests.find(conn, **query)
