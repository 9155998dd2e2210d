"""The areas and their communities, as spelt in the file scheduling seeds its store with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["communities_by_area"]


def communities_by_area(seed: Path) -> dict[str, tuple[str, ...]]:
    """Each service-delivery area's communities, in the file's order."""
    document: Any = yaml.safe_load(seed.read_text())
    return {
        str(area): tuple(str(c["name"]) for c in communities or ())
        for area, communities in (document.get("areas") or {}).items()
    }
