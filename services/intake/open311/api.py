"""Open311 GeoReport v2 on intake, under `/open311/v2/`: other systems (a call centre,
a FixMyStreet instance, a city's dashboard) discover the service and read its list of services
and their definitions, read requests (domain.py, `view`, says what they show) and, holding a
partner's key, log them (adapters.py), in JSON or XML, as the specification says. Errors
come in the specification's format (`[{code, description}]`, or `<errors>`), never FastAPI's:
a wrong format is 404, a foreign `jurisdiction_id` 404, an unknown service code 404 (400
where a request names it), a missing or wrong `api_key` 403. Reading shows nothing personal
and is open to anyone, within limits (`ReadLimits`): a 429 with Retry-After."""

import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from services.intake.catalogue.api import CatalogueDep
from services.intake.deps import IntakeDeps, UseCasesDep, get_deps
from services.intake.open311 import domain
from services.intake.open311.adapters import (
    FORM_DOCUMENTED,
    FORM_TYPES,
    command_from,
    form_name,
    service_notice,
)
from services.intake.open311.handlers import FindRequests, find_requests, find_token
from services.intake.open311.schemas import FORMATS, Open311Error, error, refusal, render
from services.intake.requests import handlers
from services.intake.requests.domain import IdempotencyConflict
from services.intake.requests.handlers import LogRequest
from shared.auth import PUBLIC, Caller, requires_form_key
from shared.credentials import Role
from shared.limits import MissLimiter, client_address
from shared.refusals import Invalid
from shared.use_case import UseCases

__all__ = ["ROWS_PER_MINUTE", "ReadLimits", "router"]

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
class ReadLimits:
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


def read_limits(request: Request) -> ReadLimits:
    """The app's read limits (app.py: one per app, sharing the misses' tally with the
    follow-up's)."""
    limits: ReadLimits = request.app.state.open311_reads
    return limits


def jurisdiction_of(request: Request) -> str:
    return get_deps(request).jurisdiction


Limits = Annotated[ReadLimits, Depends(read_limits)]
Ours = Annotated[str, Depends(jurisdiction_of)]


async def _form_of_ours(request: Request, fmt: str, ours: Ours) -> None:
    """Checks a POST's format, body and jurisdiction before its key is looked at."""
    shown = _refuse_unless_ours(fmt, None, ours)
    sent = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if sent not in FORM_TYPES:
        raise Open311Error(400, f"send the form as {FORM_TYPES[0]}, not {sent!r}", shown)
    asked = (await request.form()).get("jurisdiction_id")
    _refuse_unless_ours(fmt, None if asked is None else str(asked), ours)


router = APIRouter(prefix=PREFIX)
partner = requires_form_key(Role.PARTNER, "api_key", refusal)


@router.get("/discovery.{fmt}", dependencies=[PUBLIC])
async def discovery(request: Request, fmt: str, ours: Ours) -> Response:
    """Where the endpoint is, and what it speaks."""
    base = str(request.base_url).rstrip("/")

    async def make() -> tuple[Any, str]:
        return domain.discovery(base), "discovery"

    return await _answer(fmt, None, ours, make)


@router.get("/services.{fmt}", dependencies=[PUBLIC])
async def service_list(
    fmt: str, ours: Ours, catalogue: CatalogueDep, jurisdiction_id: str | None = None
) -> Response:
    """The catalogue's services (GET /v1/services): each category's report and the
    applications, each with its department as `group`."""

    async def make() -> tuple[Any, str]:
        return domain.services(catalogue), "services"

    return await _answer(fmt, jurisdiction_id, ours, make)


@router.get("/services/{service_code}.{fmt}", dependencies=[PUBLIC])
async def service_definition(
    service_code: str,
    fmt: str,
    ours: Ours,
    catalogue: CatalogueDep,
    jurisdiction_id: str | None = None,
) -> Response:
    """The attributes a request for this service takes: an application's questions too."""

    async def make() -> tuple[Any, str]:
        found = domain.definition(catalogue, service_code)
        if found is None:
            raise Open311Error(404, f"no service {service_code[:20]!r}: services lists ours")
        return found, "service_definition"

    return await _answer(fmt, jurisdiction_id, ours, make)


@router.get("/requests.{fmt}", dependencies=[PUBLIC])
async def request_list(
    request: Request, fmt: str, ours: Ours, limits: Limits, use_cases: UseCasesDep
) -> Response:
    """Requests by id (comma-separated), or by service code, period (at most 90 days;
    the last 90 by default) and status (open, closed); `page`, `page_size`."""
    asked = dict(request.query_params)
    client = client_address(request)

    async def make() -> tuple[Any, str]:
        limits.refuse_if_waiting(client)
        found = await _requests(asked, use_cases, request)
        ids = asked.get("service_request_id")
        looked_up = len({i.strip() for i in ids.split(",") if i.strip()}) if ids else 0
        limits.read(client, max(looked_up, len(found)), found)
        return found, "service_requests"

    return await _answer(fmt, asked.get("jurisdiction_id"), ours, make)


@router.get("/requests/{service_request_id}.{fmt}", dependencies=[PUBLIC])
async def request_one(
    request: Request,
    service_request_id: str,
    fmt: str,
    ours: Ours,
    limits: Limits,
    use_cases: UseCasesDep,
) -> Response:
    """One request, as a list of one (as the specification says)."""
    asked = {**request.query_params, "service_request_id": service_request_id}
    client = client_address(request)

    async def make() -> tuple[Any, str]:
        limits.refuse_if_waiting(client)
        known = domain.is_reference(service_request_id)
        found = await _requests(asked, use_cases, request) if known else []
        limits.read(client, 1, found)
        if not found:
            raise Open311Error(404, f"no request {service_request_id!r}")
        return found, "service_requests"

    return await _answer(fmt, asked.get("jurisdiction_id"), ours, make)


@router.post(
    "/requests.{fmt}", dependencies=[Depends(_form_of_ours)], openapi_extra=FORM_DOCUMENTED
)
async def log_request(
    request: Request, fmt: str, caller: Annotated[Caller, partner], use_cases: UseCasesDep
) -> Response:
    """A partner logs a resident's request, as a field agent would; the answer is its
    reference (`service_request_id`). An `Idempotency-Key` header makes a retry safe."""
    key = request.headers.get("idempotency-key")
    try:
        if key is not None and not 1 <= len(key) <= 255:
            raise Open311Error(400, "Idempotency-Key: 1 to 255 characters")
        command = command_from(await request.form(), use_cases.deps.catalogue)
        asked = LogRequest(command, caller.name, key, channel="open311")
        logged = await use_cases.run(handlers.log_request, asked)
    except IdempotencyConflict:
        return error(400, "this Idempotency-Key was used for another request", fmt)
    except Open311Error as refused:
        return error(refused.status, refused.description, fmt)
    except Invalid as refused:  # an application's answer: named as the form's attribute
        return error(400, f"{form_name(refused.field)}: {refused}", fmt)
    reference = logged.response.reference
    answer = {"service_request_id": reference, "service_notice": service_notice(reference)}
    return render([{**answer, "account_id": None}], "service_requests", fmt)


@router.get("/tokens/{token}.{fmt}", dependencies=[PUBLIC])
async def token(
    request: Request,
    token: str,
    fmt: str,
    ours: Ours,
    limits: Limits,
    use_cases: UseCasesDep,
    jurisdiction_id: str | None = None,
) -> Response:
    """Our POST answers with the reference at once, so a token is a reference: known,
    or handed out by a field app offline and not yet received (no request id yet)."""
    client = client_address(request)

    async def make() -> tuple[Any, str]:
        limits.refuse_if_waiting(client)
        found = await use_cases.run(find_token, token) if domain.is_reference(token) else None
        limits.read(client, 1, [token] if found else [])
        if found is None:
            raise Open311Error(404, f"no token {token[:40]!r}")
        request_id = token if found.received else None
        return [{"token": token, "service_request_id": request_id}], "service_requests"

    return await _answer(fmt, jurisdiction_id, ours, make)


async def _requests(
    asked: dict[str, str], use_cases: UseCases[IntakeDeps], request: Request
) -> list[dict[str, Any]]:
    query = domain.parse(asked, use_cases.deps.clock())
    base = str(request.base_url).rstrip("/")
    return await use_cases.run(find_requests, FindRequests(query, base))
