"""Requests over HTTP: a field agent logs one, anyone follows one up by its reference, and
the categories a request may have."""

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from services.intake.catalogue.api import CatalogueDep
from services.intake.deps import LookupsDep, UseCasesDep
from services.intake.devices.handlers import still_on_a_device
from services.intake.public.domain import block
from services.intake.requests import handlers
from services.intake.requests.handlers import FollowUp, LogRequest, get_request
from services.intake.requests.schemas import CategoryView, NewRequest, RequestCreated, RequestView
from shared.auth import PUBLIC, Caller, known_caller, requires
from shared.catalogue import CATEGORIES
from shared.credentials import Role
from shared.http import ApiError, parse_reference
from shared.limits import client_address
from shared.pages import PagingDep

__all__ = ["router"]

router = APIRouter(prefix="/v1")
field_agent = requires(Role.FIELD_AGENT)


@router.post("/requests", status_code=201, response_model=RequestCreated)
async def log_request(
    agent: Annotated[Caller, field_agent],
    body: NewRequest,
    response: Response,
    use_cases: UseCasesDep,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=255)] = None,
) -> RequestCreated:
    command = LogRequest(body, agent.name, idempotency_key, agent.device)
    logged = await use_cases.run(handlers.log_request, command)  # IdempotencyConflict: 422
    if logged.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return logged.response


@router.get("/requests/{reference}", response_model=RequestView, dependencies=[PUBLIC])
async def follow_up(
    reference: str,
    request: Request,
    use_cases: UseCasesDep,
    lookups: LookupsDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> RequestView:
    # A client whose guesses keep missing waits: references cannot be walked. Agents
    # and operators, who look up many for residents, are not counted, and see the exact
    # times; anyone else sees the open-data file's 6-hour blocks (it lists references).
    caller = await known_caller(request, authorization)
    client = None if caller is not None else client_address(request)
    if client is not None:
        lookups.refuse_if_waiting(
            client, "too_many_unknown_references", "too many unknown reference numbers here"
        )
    canonical = parse_reference(reference)
    base = str(request.base_url).rstrip("/")
    view = await use_cases.run(get_request, FollowUp(canonical, base))
    if view is None:
        if await use_cases.run(still_on_a_device, canonical):
            raise ApiError(
                404,
                "not_yet_received",
                f"request {canonical} was logged on a field agent's device and has not "
                "reached the City yet: it will once the device has signal",
            )
        if client is not None:
            lookups.missed(client)
        raise ApiError(404, "not_found", f"no request has reference {canonical}")
    return view if caller is not None else view.in_blocks(block)


@router.get("/categories", response_model=list[CategoryView], dependencies=[PUBLIC])
async def categories(paging: PagingDep, catalogue: CatalogueDep) -> list[CategoryView]:
    """The categories with their names in en, af and xh; the catalogue's version in the
    Catalogue-Version header (the same as GET /v1/services')."""
    views = [
        CategoryView(
            code=c.code,
            name={"en": c.name_en, "af": c.name_af, "xh": c.name_xh},
            department=c.department,
        )
        for c in CATEGORIES
    ]
    paging.response.headers["Catalogue-Version"] = catalogue.digest
    return paging.of(views)
