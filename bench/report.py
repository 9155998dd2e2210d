"""Renders var/bench/*.json as the README's benchmark table (between the bench markers)."""

from __future__ import annotations

import json
from typing import Any

from bench.common import OUT, ROOT

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    if result["benchmark"] == "intake":
        i, b = result["intake"], result["baseline"]
        k = i.get("without_key", {})
        return [
            (
                "intake throughput, each request with an Idempotency-Key (the field app's path)",
                f"{i['throughput_rps']} req/s",
                ">= 400 req/s",
            ),
            (
                "intake throughput without the key (for comparison)",
                f"{k.get('throughput_rps', '-')} req/s",
                "",
            ),
            (
                "intake latency p50 / p95 / p99",
                f"{i['latency_p50_ms']} / {i['latency_p95_ms']} / {i['latency_p99_ms']} ms",
                "p99 < 250 ms",
            ),
            (
                "201 to event readable p50 / p99",
                f"{i['event_delay_p50_ms']} / {i['event_delay_p99_ms']} ms",
                "p99 < 500 ms",
            ),
            (
                "bare FastAPI + same insert",
                f"{b['throughput_rps']} req/s (p99 {b['latency_p99_ms']} ms)",
                "",
            ),
            ("intake / baseline", f"{result['intake_over_baseline']}", ">= 0.6"),
        ]
    if result["benchmark"] == "routing":
        r, b, e = result["routing"], result["bare"], result["end_to_end"]
        return [
            (
                "routing 20,000 pre-loaded events",
                f"{r['events_per_s']} events/s ({r['seconds']} s)",
                ">= 1,000 events/s",
            ),
            ("bare aiokafka consume+produce", f"{b['events_per_s']} events/s", ""),
            ("routing / bare", f"{result['routing_over_bare']}", ">= 0.3"),
            (
                f"intake 201 to department topic at {e['rate_rps']} req/s, p50 / p99",
                f"{e['p50_ms']} / {e['p99_ms']} ms",
                "p99 < 1 s",
            ),
        ]
    if result["benchmark"] == "notifications":
        n, b = result["notifications"], result["bare"]
        return [
            (
                "10,000 logged events to SMS at a local gateway",
                f"{n['sms_per_s']} SMS/s ({n['seconds']} s)",
                ">= 300 SMS/s",
            ),
            ("bare loop posting the same texts", f"{b['sms_per_s']} SMS/s", ""),
            ("notifications / bare", f"{result['notifications_over_bare']}", ">= 0.5"),
        ]
    if result["benchmark"] == "scheduling":
        return [
            (
                f"plan a month, {result['communities']} communities, {result['teams']} teams",
                f"{result['month_ms_p50']} ms (max {result['month_ms_max']} ms)",
                "< 2 s",
            ),
            ("plan a whole year (12 months)", f"{result['year_ms_p50']} ms", ""),
            (
                "one month through the API (store, outbox)",
                f"{result['month_through_api_ms']} ms",
                "",
            ),
        ]
    if result["benchmark"] == "field_app":
        return [
            (
                "app shell over the wire (400 kbit/s, 400 ms)",
                f"{result['shell_bytes'] / 1000:.1f} KB",
                "< 200 KB",
            ),
            (
                "first load to the pairing screen",
                f"{result['first_load_s']} s (shell cached for offline at {result['offline_ready_s']} s)",
                "< 5 s",
            ),
            ("start with no network, from the cache", f"{result['offline_start_s']} s", "< 1 s"),
            (
                f"{result['queued']} queued requests sent after the network returns",
                f"{result['queued_sent_s']} s",
                "< 20 s",
            ),
        ]
    if result["benchmark"] == "system":
        st, ce = result["steady"], result["ceiling"]
        return [
            (
                f"intake, routing, notifications at {st['rate_rps']} req/s for "
                f"{st['seconds']} s: 201 to department topic p50 / p99",
                f"{st['to_department_p50_ms']} / {st['to_department_p99_ms']} ms",
                "",
            ),
            (
                "... 201 to the SMS at the gateway p50 / p99",
                f"{st['to_sms_p50_ms']} / {st['to_sms_p99_ms']} ms",
                "",
            ),
            (
                "throughput ceiling (32 field apps; logged, routed and SMS sent)",
                f"{ce['end_to_end_rps']} req/s end to end (intake alone {ce['intake_rps']} req/s)",
                "",
            ),
        ]
    return []


def table() -> str:
    lines = ["| benchmark | figure | measured | target | machine, date |", "|---|---|---|---|---|"]
    for path in sorted(OUT.glob("*.json")):
        result = json.loads(path.read_text())
        for figure, measured, target in _rows(result):
            lines.append(
                f"| {result['benchmark']} | {figure} | {measured} | {target} | "
                f"{result['machine']}, {result['date']} |"
            )
    return "\n".join(lines)


def update_readme() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    if START not in text or END not in text:
        return
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table()}\n{END}{tail}")
    print(f"bench: README table updated from {OUT}")
