"""The benchmarks' verdicts: a figure against its target, and whether runs at several sizes
stay flat within 20%."""

import math

import pytest

from bench.common import scaling
from bench.targets import meets, summary, verdicts


@pytest.mark.parametrize(
    ("measured", "target", "met"),
    [
        (0.3, ">= 0.3", True),
        (0.29, ">= 0.3", False),
        (499.9, "< 500", True),
        (500.0, "< 500", False),
        (200.0, "<= 200", True),
        (200.1, "<= 200", False),
        (0, "0", True),
        (1, "0", False),
        (math.nan, ">= 0.3", False),
    ],
)
def test_a_figure_meets_its_target_only_within_the_bound(
    measured: float, target: str, met: bool
) -> None:
    assert meets(measured, target) is met


def test_a_target_that_is_not_a_bound_is_refused() -> None:
    with pytest.raises(ValueError):
        meets(1.0, "about 0.3")


def test_each_target_is_judged_on_the_figure_its_path_names() -> None:
    result = {
        "benchmark": "system",
        "steady": {"to_department_p99_ms": 648.8},
        "ceiling": {"end_to_end_rps": 351.0},
        "targets": {
            "ceiling.end_to_end_rps": ">= 350",
            "steady.to_department_p99_ms": "< 500",
            "ceiling.missing_rps": ">= 1",
        },
    }
    judged = {v.figure: (v.measured, v.met) for v in verdicts(result)}
    assert judged == {
        "ceiling.end_to_end_rps": (351.0, True),
        "steady.to_department_p99_ms": (648.8, False),
        "ceiling.missing_rps": (None, False),
    }


def test_the_summary_says_met_or_missed_for_each_target_and_counts_them() -> None:
    results = [
        {
            "benchmark": "routing",
            "routing_over_bare": 0.15,
            "targets": {"routing_over_bare": ">= 0.3"},
        },
        {
            "benchmark": "intake",
            "intake_over_baseline": 1.02,
            "targets": {"intake_over_baseline": ">= 1.0"},
        },
    ]
    lines = summary(results).splitlines()
    assert "routing_over_bare" in lines[1] and lines[1].endswith("MISSED")
    assert "intake_over_baseline" in lines[2] and lines[2].endswith("met")
    assert lines[-1] == "1 of 2 targets met"


@pytest.mark.parametrize(
    ("rates", "flat"),
    [([1000.0, 1100.0, 1200.0], True), ([1000.0, 1100.0, 1201.0], False), ([900.0, 900.0], True)],
)
def test_runs_are_flat_when_the_fastest_is_at_most_a_fifth_above_the_slowest(
    rates: list[float], flat: bool
) -> None:
    runs = [
        {"events": 1000 * (n + 1), "events_per_s": rate, "peak_rss_mb": 100.0 + n}
        for n, rate in enumerate(rates)
    ]
    scale = scaling(runs, "events_per_s")
    assert scale["flat_within_20pct"] is flat
    assert scale["peak_rss_mb_max"] == 100.0 + len(rates) - 1
