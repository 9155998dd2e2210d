"""The rows of the consumers' benchmarks (routing and notifications: each size, how flat
they stay, peak memory) and how a row shows the target its result states."""

from __future__ import annotations

from typing import Any

LOGGED_TO_ROUTED = (
    "events already on mo.requests.logged; one routing process (SQLite): consume, inbox, "
    "rules, outbox, relay to the department topic"
)
BARE_KAFKA = "the same events through a bare aiokafka consume-and-produce loop, no store"
EACH_SIZE = "a fresh process, store and consumer group for each size"
HTTP_TO_DEPARTMENT = "POST to intake, relay, Kafka, routing, relay, read on the department topic"
LOGGED_TO_SMS = (
    "events already on mo.requests.logged; one notifications process (SQLite): consume, "
    "inbox, delivery rows, dispatcher (50 at a time), outcomes recorded; a local gateway"
)
BARE_SMS = "a bare aiohttp loop posting the same texts to the same gateway, 50 at a time"


def stated_target(result: dict[str, Any], figure: str, unit: str = "") -> str:
    """The target the result states for `figure` (bench/targets.py), with its unit."""
    target = result.get("targets", {}).get(figure)
    return f"{target} {unit}".strip() if target else ""


def routing_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    r, b, e = result["routing"], result["bare"], result["end_to_end"]
    return [
        *scaling_rows(
            result, "routing", "pre-loaded events", "events_per_s", "events/s", LOGGED_TO_ROUTED
        ),
        (
            f"bare consume+produce, {b['events']:,} events",
            BARE_KAFKA,
            f"{b['events_per_s']} events/s",
            "",
        ),
        (
            "routing / bare",
            f"routing's {r['events']:,} events over the bare loop's, the same events",
            f"{result['routing_over_bare']}",
            stated_target(result, "routing_over_bare"),
        ),
        (
            f"201 to department topic at {e['rate_rps']} req/s, p50 / p99",
            HTTP_TO_DEPARTMENT,
            f"{e['p50_ms']} / {e['p99_ms']} ms",
            stated_target(result, "end_to_end.p99_ms", "ms"),
        ),
    ]


def notification_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    n, b = result["notifications"], result["bare"]
    return [
        *scaling_rows(
            result, "notifications", "logged events to SMS", "sms_per_s", "SMS/s", LOGGED_TO_SMS
        ),
        (
            f"bare loop posting the same {b['sms']:,} texts",
            BARE_SMS,
            f"{b['sms_per_s']} SMS/s",
            "",
        ),
        (
            "notifications / bare",
            f"notifications' {n['events']:,} events over the bare loop's texts, one gateway",
            f"{result['notifications_over_bare']}",
            stated_target(result, "notifications_over_bare"),
        ),
    ]


def scaling_rows(
    result: dict[str, Any], service: str, work: str, figure: str, unit: str, load_path: str
) -> list[tuple[str, str, str, str]]:
    """A row for each size's `figure` (events_per_s), one for how flat they are across sizes,
    one for the service's peak memory at each size. A result from before the scaling runs
    has its one size's row."""
    measured = result[service]
    runs = result.get("scaling", {}).get("runs", [measured])
    per_size = f"{load_path}; {EACH_SIZE}"
    rows = [
        (
            f"{service}, {run['events']:,} {work}",
            per_size,
            f"{run[figure]} {unit} ({run['seconds']} s)",
            stated_target(result, f"{service}.{figure}", unit)
            if run["events"] == measured["events"]
            else "",
        )
        for run in runs
    ]
    if "scaling" in result:
        scale = result["scaling"]
        flat = "yes" if scale["flat_within_20pct"] else "no"
        rows.append(
            (
                f"{unit} across sizes, max / min",
                per_size,
                f"{scale['max_over_min']} (flat within 20%: {flat})",
                stated_target(result, "scaling.max_over_min"),
            )
        )
    return [*rows, *peak_memory_rows(result, service, per_size, "scaling.peak_rss_mb_max")]


def peak_memory_rows(
    result: dict[str, Any], service: str, load_path: str, target: str
) -> list[tuple[str, str, str, str]]:
    """The service's peak RSS (the kernel's VmHWM, read before it stops) at each size its
    result has, judged by the result's `target`; none from a result measured before."""
    runs = [
        r for r in result.get("scaling", {}).get("runs", [result[service]]) if "peak_rss_mb" in r
    ]
    if not runs:
        return []
    at_sizes = " / ".join(f"{run['events']:,}" for run in runs) if len(runs) > 1 else ""
    return [
        (
            "peak RSS" + (f" at {at_sizes} events" if at_sizes else ""),
            load_path,
            " / ".join(str(run["peak_rss_mb"]) for run in runs) + " MB",
            stated_target(result, target, "MB"),
        )
    ]
