"""`GET /v1/services`: every service a resident can ask for, for the field app and partners
(Open311's service list shows the same); the catalogue's version in Catalogue-Version."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from services.intake.deps import IntakeDeps, get_deps
from shared.auth import PUBLIC
from shared.http import ApiError
from shared.pages import PagingDep
from shared.service_catalogue import Catalogue, Service

__all__ = ["CatalogueDep", "router"]

router = APIRouter(prefix="/v1")


def get_catalogue(deps: Annotated[IntakeDeps, Depends(get_deps)]) -> Catalogue:
    return deps.catalogue


CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]


@router.get("/services", response_model=list[Service], dependencies=[PUBLIC])
async def services(catalogue: CatalogueDep, paging: PagingDep) -> list[Service]:
    """Fault reports and applications, with their questions, papers, warnings, decision days
    and reasons to decline, in en, af and xh."""
    paging.response.headers["Catalogue-Version"] = catalogue.digest
    return paging.of(catalogue.services)


@router.get("/services/{code}", response_model=Service, dependencies=[PUBLIC])
async def service(
    code: Annotated[str, Path(max_length=60)], catalogue: CatalogueDep, response: Response
) -> Service:
    found = catalogue.find(code)
    if found is None:
        raise ApiError(404, "not_found", f"no service {code!r}: GET /v1/services lists them")
    response.headers["Catalogue-Version"] = catalogue.digest
    return found
