"""Reading areas, communities, venues and teams from deploy/communities.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.scheduling.communities.domain import Community
from shared.contracts.common import Area, Line

__all__ = ["Seed", "SeedError", "load_seed"]


class SeedError(ValueError):
    pass


class _CommunitySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=100)
    venue: Line = Field(min_length=1, max_length=120)
    hours: str = "09:30-13:30"
    last_visited: dt.date | None = None

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        start, _, end = value.partition("-")
        if dt.time.fromisoformat(start) >= dt.time.fromisoformat(end):
            raise ValueError("hours must be HH:MM-HH:MM with the start first")
        return value


class Seed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    teams: list[Line] = Field(min_length=1)
    areas: dict[Area, list[_CommunitySpec]]

    def communities(self) -> list[Community]:
        return [
            Community(
                name=spec.name,
                area=area,
                venue=spec.venue,
                starts=dt.time.fromisoformat(spec.hours.split("-")[0]),
                ends=dt.time.fromisoformat(spec.hours.split("-")[1]),
                last_visited=spec.last_visited,
            )
            for area, specs in self.areas.items()
            for spec in specs
        ]


def load_seed(path: Path) -> Seed:
    try:
        document: Any = yaml.safe_load(path.read_text())
        return Seed.model_validate(document)
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise SeedError(f"{path}: {reasons}") from None
