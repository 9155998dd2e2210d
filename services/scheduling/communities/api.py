"""The areas and their communities, venues and hours (anyone)."""

from typing import Any

from fastapi import APIRouter

from services.scheduling.communities.handlers import ListCommunities, list_communities
from services.scheduling.deps import UseCasesDep
from shared.auth import PUBLIC
from shared.contracts.common import Area
from shared.pages import PagingDep

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/areas", dependencies=[PUBLIC])
async def areas(use_cases: UseCasesDep, paging: PagingDep) -> list[dict[str, Any]]:
    known = await use_cases.run(list_communities, ListCommunities())
    listed = [
        {
            "area": area.value,
            "communities": [
                {"name": c.name, "venue": c.venue, "hours": f"{c.starts:%H:%M}-{c.ends:%H:%M}"}
                for c in known
                if c.area is area
            ],
        }
        for area in Area
    ]
    return paging.of(listed)
