"""The areas and their communities, venues and hours (anyone)."""

from typing import Any

from fastapi import APIRouter, Request, Response

from services.scheduling.communities.handlers import ListCommunities, list_communities
from services.scheduling.deps import DbDep, DepsDep
from shared.auth import PUBLIC
from shared.contracts.common import Area
from shared.pages import DEFAULT, Cursor, Limit, paged

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/areas", dependencies=[PUBLIC])
async def areas(
    request: Request,
    response: Response,
    db: DbDep,
    deps: DepsDep,
    limit: Limit = DEFAULT,
    cursor: Cursor = None,
) -> list[dict[str, Any]]:
    known = await list_communities(ListCommunities(), db, deps)
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
    return paged(request, response, listed, limit, cursor)
