"""Reading the communities the Mobile Office serves from the City's list,
deploy/communities.yaml (scheduling's seed, which notifications also reads)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["served_communities"]


def served_communities(seed: Path) -> tuple[tuple[str, str], ...]:
    """(area, community) of every community the file lists, in its order."""
    document: Any = yaml.safe_load(seed.read_text())
    return tuple(
        (str(area), str(community["name"]))
        for area, communities in (document.get("areas") or {}).items()
        for community in communities or ()
    )
