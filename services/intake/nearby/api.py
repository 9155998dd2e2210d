"""Before logging: open requests of the same category nearby, and joining a resident to one."""

from typing import Annotated

from fastapi import APIRouter, Query

from services.intake.deps import UseCasesDep
from services.intake.nearby.handlers import Join, NearbyWanted, find_nearby, join
from services.intake.nearby.schemas import Following, NearbyView
from shared.auth import FIELD_AGENTS, Caller
from shared.contracts.common import Line
from shared.http import parse_reference

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/requests/nearby", response_model=list[NearbyView])
async def requests_nearby(
    agent: Annotated[Caller, FIELD_AGENTS],
    use_cases: UseCasesDep,
    category: Annotated[Line, Query(max_length=40)],  # printable: PostgreSQL refuses NUL
    community: Annotated[Line | None, Query(max_length=100)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
) -> list[NearbyView]:
    """Open requests of the category in the community or within 250 m: before logging
    the same problem again, the agent may join the resident to one of them."""
    found = await use_cases.run(find_nearby, NearbyWanted(agent, category, community, lat, lon))
    return [NearbyView.model_validate(n, from_attributes=True) for n in found]


@router.post("/requests/{reference}/followers", status_code=202)
async def follow(
    reference: str, body: Following, agent: Annotated[Caller, FIELD_AGENTS], use_cases: UseCasesDep
) -> dict[str, str]:
    """Joins a resident to an open request instead of logging it again."""
    canonical = parse_reference(reference)
    await use_cases.run(join, Join(canonical, agent.name, body.resident))
    return {"reference": canonical, "status": "following"}
