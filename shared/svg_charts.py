"""Charts for public pages, drawn on the server as SVG (no script, no map tiles): bars
for a table's groups, and the month's requests over H3 level-7 cells as hexagons. Every chart
has its table beside it on the page, which says the same in words and numbers. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Final

from shared.heat_cells import outline

__all__ = ["bars", "heat_map"]

WIDTH: Final = 480
BAR: Final = 28  # a bar's height, with its gap
LABEL: Final = 170  # the labels' column
INK: Final = "#1a1a1a"
BLUE: Final = "#00338d"
SHADES: Final = ("#dbe4f5", "#a9bde6", "#6f8fd0", "#3560b4", "#00338d")


def bars(title: str, rows: Sequence[tuple[str, float, str]], most: float | None = None) -> str:
    """A horizontal bar per row: (label, value, the value as read), the longest `most`
    (the largest value unless given: 1 for shares)."""
    top = most if most is not None else max((v for _, v, _ in rows), default=0) or 1
    height = BAR * len(rows) + 8
    span = WIDTH - LABEL - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for place, (label, value, said) in enumerate(rows):
        y = 4 + place * BAR
        length = max(1.0, span * value / top) if value else 0.0
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 18}" text-anchor="end" fill="{INK}" '
            f'font-size="14">{escape(_short(label))}</text>'
            f'<rect class="bar" x="{LABEL}" y="{y + 3}" width="{length:.1f}" height="{BAR - 8}" '
            f'fill="{BLUE}"><title>{escape(label)}: {escape(said)}</title></rect>'
            f'<text x="{LABEL + length + 6:.1f}" y="{y + 18}" fill="{INK}" '
            f'font-size="14">{escape(said)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str) -> str:
    return label if len(label) <= 22 else label[:21] + "…"


def heat_map(title: str, cells: Sequence[tuple[str, int]], said: str) -> str:
    """The cells as hexagons on an equirectangular projection, darker for more requests;
    `said` is each cell's words, with `{count}` in it."""
    if not cells:
        return ""
    corners = {cell: outline(cell) for cell, _ in cells}
    lats = [lat for points in corners.values() for lat, _ in points]
    lons = [lon for points in corners.values() for _, lon in points]
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))
    wide = (max(lons) - min(lons)) * squeeze or 1e-9
    tall = (max(lats) - min(lats)) or 1e-9
    scale = min((WIDTH - 20) / wide, 400 / tall)
    height = tall * scale + 20
    most = max(count for _, count in cells)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for cell, count in cells:
        points = " ".join(
            f"{10 + (lon - min(lons)) * squeeze * scale:.1f},{10 + (max(lats) - lat) * scale:.1f}"
            for lat, lon in corners[cell]
        )
        shade = SHADES[min(len(SHADES) - 1, (count * len(SHADES) - 1) // most)]
        words = escape(said.format(count=count))
        parts.append(
            f'<polygon class="cell" points="{points}" fill="{shade}" stroke="{INK}" '
            f'stroke-width="1"><title>{escape(cell)}: {words}</title></polygon>'
        )
    parts.append("</svg>")
    return "".join(parts)
