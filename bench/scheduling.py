"""Planning time: a month, and a whole year, for 400 communities and 10 teams; the planner
alone, and one month through scheduling's API (store and outbox included)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import yaml

from bench.common import percentile, scratch, write
from services.scheduling.communities.domain import Community
from services.scheduling.plans.domain import plan_month
from shared.contracts.common import Area
from tests.support.fakes import FakePublisher
from tests.support.scheduling import running_scheduling

COMMUNITIES = 400
TEAMS = [f"team-{i}" for i in range(10)]


def _communities() -> list[Community]:
    areas = list(Area)
    return [
        Community(f"community-{i:03d}", areas[i % 4], f"Hall {i}", open_requests=i % 17)
        for i in range(COMMUNITIES)
    ]


def _time(fn: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


async def _through_api(workdir: Path) -> float:
    seed = workdir / "communities.yaml"
    areas: dict[str, list[dict[str, str]]] = {a.value: [] for a in Area}
    for c in _communities():
        areas[c.area.value].append({"name": c.name, "venue": c.venue})
    seed.write_text(yaml.safe_dump({"teams": TEAMS, "areas": areas}))
    async with running_scheduling(
        f"sqlite+aiosqlite:///{workdir / 's.db'}", publisher=FakePublisher(), communities_seed=seed
    ) as scheduling:
        started = time.perf_counter()
        response = await scheduling.plan("2027-03")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 201, response.text
    return elapsed


async def run(bootstrap: str) -> dict[str, Any]:
    communities = _communities()
    month = _time(lambda: plan_month(2027, 3, communities, TEAMS), 20)
    year = _time(lambda: [plan_month(2027, m, communities, TEAMS) for m in range(1, 13)], 5)
    with scratch("scheduling") as workdir:
        api_ms = await _through_api(workdir)
    figures = {
        "communities": COMMUNITIES,
        "teams": len(TEAMS),
        "month_ms_p50": round(percentile(month, 50), 2),
        "month_ms_max": round(max(month), 2),
        "year_ms_p50": round(percentile(year, 50), 2),
        "month_through_api_ms": round(api_ms, 1),
        "targets": {"month_ms_max": "< 2000"},
    }
    path = write("scheduling", figures)
    print(f"scheduling: {figures}  ({path})")
    return figures


if __name__ == "__main__":
    asyncio.run(run(""))
