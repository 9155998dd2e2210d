"""The figures' heat map keeps a request's place only as its H3 level-7 cell (about 5 km²):
enough to see where requests come from, too coarse to find a home."""

from __future__ import annotations

from typing import Final

import h3

__all__ = ["HEAT_LEVEL", "heat_cell", "outline"]

HEAT_LEVEL: Final = 7


def heat_cell(lat: float | None, lon: float | None) -> str | None:
    """The level-7 cell of a point, or None for a request with no point."""
    if lat is None or lon is None:
        return None
    return str(h3.latlng_to_cell(lat, lon, HEAT_LEVEL))


def outline(cell: str) -> list[tuple[float, float]]:
    """The cell's corners as (lat, lon)."""
    return [(float(lat), float(lon)) for lat, lon in h3.cell_to_boundary(cell)]
