"""The rules' seed file: each entry checked against the known categories and departments, so
a typo stops routing at start instead of misrouting residents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from services.routing.rules.domain import RuleError, validate_rules
from services.routing.rules.schemas import RuleSpec

__all__ = ["load_seed"]


def load_seed(path: Path) -> list[RuleSpec]:
    try:
        document: Any = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: {exc}") from exc
    entries = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise RuleError(f"{path}: expected a top-level `rules:` list")
    specs = []
    for number, entry in enumerate(entries, start=1):
        try:
            specs.append(RuleSpec.model_validate(entry))
        except ValidationError as exc:
            reasons = "; ".join(e["msg"] for e in exc.errors())
            raise RuleError(f"{path}: rule {number}: {reasons}") from None
    validate_rules([s.to_rule() for s in specs])
    return specs
