"""Each benchmark's targets judged against what it measured, and the summary `python -m bench`
prints at the end. A result's `targets` map a figure's dotted path in the result
("routing.events_per_s", "routing_over_bare") to a bound (">= 0.3", "< 500", "0")."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

BOUND = re.compile(r"^(>=|<=|>|<|==)?\s*(-?\d+(?:\.\d+)?)$")
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Verdict:
    benchmark: str
    figure: str
    measured: float | None  # None: the result holds no such figure
    target: str
    met: bool


def figure(result: dict[str, Any], path: str) -> float | None:
    """The figure at `path` ("steady.to_department_p99_ms") in `result`, if it has one."""
    value: Any = result
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def meets(measured: float, target: str) -> bool:
    """Whether `measured` is within `target`, a bound such as ">= 0.3" or "< 500" (a bare
    number: exactly that). A figure that is not a number (NaN: nothing measured) meets none."""
    match = BOUND.match(target.strip())
    if match is None:
        raise ValueError(f"a target reads like '>= 0.3' or '< 500', not {target!r}")
    comparison, bound = match.groups()
    return COMPARISONS[comparison or "=="](measured, float(bound))


def verdicts(result: dict[str, Any]) -> list[Verdict]:
    """One verdict for each of the result's targets: met, or missed (a figure it lacks is
    missed too)."""
    judged = []
    for path, target in result.get("targets", {}).items():
        measured = figure(result, path)
        met = measured is not None and meets(measured, target)
        judged.append(Verdict(result["benchmark"], path, measured, target, met))
    return judged


def summary(results: Iterable[dict[str, Any]]) -> str:
    """A line for each target of `results` (this run's) saying whether it was met, and a
    count."""
    judged = [verdict for result in results for verdict in verdicts(result)]
    rows = [
        (
            v.benchmark,
            v.figure,
            "not measured" if v.measured is None else f"{v.measured:g}",
            v.target,
            "met" if v.met else "MISSED",
        )
        for v in judged
    ]
    widths = [max((len(row[column]) for row in rows), default=0) for column in range(5)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    met = sum(v.met for v in judged)
    return "\n".join(["targets of this run:", *lines, f"{met} of {len(judged)} targets met"])
