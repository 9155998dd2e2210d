"""Open311 GeoReport v2 on intake, under `/open311/v2/`: other systems (a call centre,
a FixMyStreet instance, a city's dashboard) discover the service and read its list of services
and their definitions, read requests (open311_requests.py says what they show) and, holding a
partner's key, log them (open311_post.py), in JSON or XML, as the specification says. Errors
come in the specification's format (`[{code, description}]`, or `<errors>`), never FastAPI's:
a wrong format is 404, a foreign `jurisdiction_id` 404, an unknown service code 404 (400
where a request names it), a missing or wrong `api_key` 403. Reading shows nothing personal
and is open to anyone, within limits (`_ReadLimits`): a 429 with Retry-After."""

# No `from __future__ import annotations` here: FastAPI must resolve `partner`, a local,
# inside Annotated at definition time.

import datetime as dt
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from services.intake import devices, new_requests, open311_query, open311_requests, store
from services.intake import open311_catalogue as catalogue
from services.intake.api import IntakeContext
from services.intake.domain import IdempotencyConflict
from services.intake.open311_format import FORMATS, Open311Error, error, refusal, render
from services.intake.open311_post import (
    FORM_DOCUMENTED,
    FORM_TYPES,
    command_from,
    service_notice,
)
from shared.auth import PUBLIC, Caller, requires_form_key
from shared.credentials import Role
from shared.limits import MissLimiter, client_address
from shared.store import Database

__all__ = ["routes"]

PREFIX = "/open311/v2"


Make = Callable[[], Awaitable[tuple[Any, str]]]


def _refuse_unless_ours(fmt: str, jurisdiction: str | None, ours: str) -> str:
    """The format to answer in; an Open311Error (404) for a format or jurisdiction not ours."""
    if fmt not in FORMATS:
        raise Open311Error(404, f"no format {fmt[:10]!r}: use .json or .xml")
    if jurisdiction is not None and jurisdiction != ours:
        raise Open311Error(404, f"jurisdiction_id is not this one ({ours})", fmt)
    return fmt


async def _answer(fmt: str, jurisdiction: str | None, ours: str, make: Make) -> Response:
    """`make()`'s data and root element in `fmt`, or the specification's error. The format
    and the jurisdiction are checked before `make` reads anything."""
    shown = fmt if fmt in FORMATS else "json"
    try:
        _refuse_unless_ours(fmt, jurisdiction, ours)
        data, root = await make()
    except Open311Error as refused:
        return error(refused.status, refused.description, shown, refused.retry_after)
    return render(data, root, shown)


ROWS_PER_MINUTE = 20_000  # twenty full pages: a dashboard's refresh, not a copy every second


@dataclass(frozen=True, slots=True)
class _ReadLimits:
    """What one address may read: what it looks up, not how often it calls. Each id or token
    asked for and not found is a miss in the same count as `GET /v1/requests/{ref}`'s, so no
    door walks references faster than the other; ids that are found cost nothing, so an
    office (or a whole NAT) following its own requests is never held up. Rows read are
    counted too, so `page_size=1000&extensions=true` cannot be asked in a loop."""

    misses: MissLimiter
    rows: MissLimiter = field(default_factory=lambda: MissLimiter(ROWS_PER_MINUTE, 60.0))

    def refuse_if_waiting(self, client: str) -> None:
        wait = max(self.misses.wait_seconds(client), self.rows.wait_seconds(client))
        if wait:
            seconds = math.ceil(wait)
            what = "too many unknown ids or tokens, or too many requests read, from here"
            raise Open311Error(429, f"{what}: try again in {seconds} s", retry_after=seconds)

    def read(self, client: str, asked: int, found: Sequence[Any]) -> None:
        self.misses.missed(client, asked - len(found))
        self.rows.missed(client, len(found))


def _form_of_ours(jurisdiction: str) -> Callable[[Request, str], Awaitable[None]]:
    """Checks a POST's format, body and jurisdiction before its key is looked at."""

    async def check(request: Request, fmt: str) -> None:
        shown = _refuse_unless_ours(fmt, None, jurisdiction)
        sent = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if sent not in FORM_TYPES:
            raise Open311Error(400, f"send the form as {FORM_TYPES[0]}, not {sent!r}", shown)
        asked = (await request.form()).get("jurisdiction_id")
        _refuse_unless_ours(fmt, None if asked is None else str(asked), jurisdiction)

    return check


def routes(jurisdiction: str, ctx: IntakeContext) -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    db, clock = ctx.db, ctx.ports.clock
    partner = requires_form_key(Role.PARTNER, "api_key", refusal)
    limits = _ReadLimits(ctx.lookups)

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
                raise Open311Error(404, f"no service {service_code[:20]!r}: services lists ours")
            return found, "service_definition"

        return await _answer(fmt, jurisdiction_id, jurisdiction, make)

    @router.get("/requests.{fmt}", dependencies=[PUBLIC])
    async def request_list(request: Request, fmt: str) -> Response:
        """Requests by id (comma-separated), or by service code, period (at most 90 days;
        the last 90 by default) and status (open, closed); `page`, `page_size`."""
        asked = dict(request.query_params)
        client = client_address(request)

        async def make() -> tuple[Any, str]:
            limits.refuse_if_waiting(client)
            found = await _requests(db, clock, asked)
            ids = asked.get("service_request_id")
            looked_up = len({i.strip() for i in ids.split(",") if i.strip()}) if ids else 0
            limits.read(client, max(looked_up, len(found)), found)
            return found, "service_requests"

        return await _answer(fmt, asked.get("jurisdiction_id"), jurisdiction, make)

    @router.get("/requests/{service_request_id}.{fmt}", dependencies=[PUBLIC])
    async def request_one(request: Request, service_request_id: str, fmt: str) -> Response:
        """One request, as a list of one (as the specification says)."""
        asked = {**request.query_params, "service_request_id": service_request_id}
        client = client_address(request)

        async def make() -> tuple[Any, str]:
            limits.refuse_if_waiting(client)
            known = open311_query.is_reference(service_request_id)
            found = await _requests(db, clock, asked) if known else []
            limits.read(client, 1, found)
            if not found:
                raise Open311Error(404, f"no request {service_request_id!r}")
            return found, "service_requests"

        return await _answer(fmt, asked.get("jurisdiction_id"), jurisdiction, make)

    @router.post(
        "/requests.{fmt}",
        dependencies=[Depends(_form_of_ours(jurisdiction))],
        openapi_extra=FORM_DOCUMENTED,
    )
    async def log_request(
        request: Request, fmt: str, caller: Annotated[Caller, partner]
    ) -> Response:
        """A partner logs a resident's request, as a field agent would; the answer is its
        reference (`service_request_id`). An `Idempotency-Key` header makes a retry safe."""
        key = request.headers.get("idempotency-key")
        try:
            if key is not None and not 1 <= len(key) <= 255:
                raise Open311Error(400, "Idempotency-Key: 1 to 255 characters")
            command = command_from(await request.form())
            logged = await new_requests.log_request(
                ctx.writer, command, caller.name, key, ctx.ports, channel="open311"
            )
        except IdempotencyConflict:
            return error(400, "this Idempotency-Key was used for another request", fmt)
        except Open311Error as refused:
            return error(refused.status, refused.description, fmt)
        if not logged.replayed:
            ctx.logged_total.labels(command.category, command.location.area.value).inc()
        reference = logged.response.reference
        answer = {"service_request_id": reference, "service_notice": service_notice(reference)}
        return render([{**answer, "account_id": None}], "service_requests", fmt)

    @router.get("/tokens/{token}.{fmt}", dependencies=[PUBLIC])
    async def token(
        request: Request, token: str, fmt: str, jurisdiction_id: str | None = None
    ) -> Response:
        """Our POST answers with the reference at once, so a token is a reference: known,
        or handed out by a field app offline and not yet received (no request id yet)."""
        client = client_address(request)

        async def make() -> tuple[Any, str]:
            limits.refuse_if_waiting(client)
            known = open311_query.is_reference(token)
            if known and await _exists(db, token):
                limits.read(client, 1, [token])
                return [{"token": token, "service_request_id": token}], "service_requests"
            if known and await devices.still_on_a_device(db, token):
                limits.read(client, 1, [token])
                return [{"token": token, "service_request_id": None}], "service_requests"
            limits.read(client, 1, [])
            raise Open311Error(404, f"no token {token[:40]!r}")

        return await _answer(fmt, jurisdiction_id, jurisdiction, make)

    return router


async def _requests(
    db: Database, clock: Callable[[], dt.datetime], asked: dict[str, str]
) -> list[dict[str, Any]]:
    query = open311_query.parse(asked, clock())
    async with db.reading() as conn:
        return await open311_requests.find(conn, **query)


async def _exists(db: Database, reference: str) -> bool:
    async with db.reading() as conn:
        return await store.find_request(conn, reference) is not None
