"""The communities one may subscribe to, read from the same file scheduling seeds its store
with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["community_names"]


def community_names(seed: Path) -> frozenset[str]:
    """The communities the Mobile Office visits (case-folded)."""
    document: Any = yaml.safe_load(seed.read_text())
    return frozenset(
        str(community["name"]).casefold()
        for communities in (document.get("areas") or {}).values()
        for community in communities or ()
    )
