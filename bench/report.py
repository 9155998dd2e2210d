"""Renders var/bench/*.json as docs/benchmarks.md's table (between the bench markers): each
figure with the load path it was measured on. A benchmark not run this time keeps its rows."""

from __future__ import annotations

import json
from typing import Any

from bench.common import OUT, ROOT
from bench.consumer_rows import (
    notification_rows,
    peak_memory_rows,
    routing_rows,
    stated_target,
)

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
HEADER = [
    "| benchmark | figure | load path | measured | target | machine, date |",
    "|---|---|---|---|---|---|",
]

# The paths the figures are measured on, from the client to where the figure stops.
FIELD_APP_POST = (
    "32 concurrent clients POST /v1/requests (Bearer token, a new Idempotency-Key each) to one "
    "intake process at its default log level (INFO); each request's row, history, key and "
    "outbox row committed before its 201 (several requests to a SQLite WAL transaction); "
    "relay to Kafka"
)
KEYLESS_POST = "as above without the Idempotency-Key"
BARE_INSERT = "the same clients and body to a bare FastAPI app: same validation, one SQLite insert"
WHOLE_PATH = (
    "POST to intake, Kafka, routing to the department topic, notifications to the SMS "
    "gateway; three processes, SQLite"
)
IN_PROCESS = "the planner in one process, no I/O"
THROUGH_API = "POST to scheduling's API: plan, store, outbox"
UPLOADS = "8 clients POST multipart photos to one intake: checked, stripped, sealed, stored"
BROWSER = "Debian's Chromium (Playwright), 400 kbit/s each way, 400 ms latency, one intake"
OPEN311_PAGE = (
    "GET /open311/v2/requests.json?page_size=1000&extensions=true to intake's app in process "
    "(httpx, ASGI): the page's query (suburb counts and public photos joined), its notes' "
    "query, de-identification, JSON; SQLite store of 50,000 requests over a year"
)
OPEN_DATA_FILE = (
    "the open-data use case and CSV writer GET /v1/open-data/requests.csv streams, 1,000 "
    "requests a chunk (keyset on created_at, reference), the text counted and dropped as a "
    "socket would take it; same store"
)


def _rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    kind = result["benchmark"]
    if kind == "intake":
        i, b = result["intake"], result["baseline"]
        k = i.get("without_key", {})
        return [
            ("intake throughput", FIELD_APP_POST, f"{i['throughput_rps']} req/s", ">= 400 req/s"),
            (
                "intake throughput without the key (for comparison)",
                KEYLESS_POST,
                f"{k.get('throughput_rps', '-')} req/s",
                "",
            ),
            (
                "intake latency p50 / p95 / p99",
                FIELD_APP_POST,
                f"{i['latency_p50_ms']} / {i['latency_p95_ms']} / {i['latency_p99_ms']} ms",
                "p99 < 250 ms",
            ),
            (
                "201 to event readable p50 / p99",
                f"{FIELD_APP_POST}; read on mo.requests.logged",
                f"{i['event_delay_p50_ms']} / {i['event_delay_p99_ms']} ms",
                "p99 < 500 ms",
            ),
            (
                "bare FastAPI + same insert",
                BARE_INSERT,
                f"{b['throughput_rps']} req/s (p99 {b['latency_p99_ms']} ms)",
                "",
            ),
            (
                "intake / bare",
                "the field app's path (with the key) over the bare insert, same clients and body",
                f"{result['intake_over_baseline']}",
                stated_target(result, "intake_over_baseline"),
            ),
            *peak_memory_rows(result, "intake", FIELD_APP_POST, "intake.peak_rss_mb"),
        ]
    if kind == "routing":
        return routing_rows(result)
    if kind == "notifications":
        return notification_rows(result)
    if kind == "scheduling":
        return [
            (
                f"plan a month, {result['communities']} communities, {result['teams']} teams",
                IN_PROCESS,
                f"{result['month_ms_p50']} ms (max {result['month_ms_max']} ms)",
                "< 2 s",
            ),
            ("plan a whole year (12 months)", IN_PROCESS, f"{result['year_ms_p50']} ms", ""),
            ("one month", THROUGH_API, f"{result['month_through_api_ms']} ms", ""),
        ]
    if kind == "field_app":
        return [
            (
                "app shell over the wire",
                BROWSER,
                f"{result['shell_bytes'] / 1000:.1f} KB",
                "< 200 KB",
            ),
            (
                "first load to the pairing screen",
                BROWSER,
                f"{result['first_load_s']} s (shell cached for offline at {result['offline_ready_s']} s)",
                "< 5 s",
            ),
            (
                "start with no network, from the cache",
                BROWSER,
                f"{result['offline_start_s']} s",
                "< 1 s",
            ),
            (
                f"{result['queued']} queued requests sent after the network returns",
                BROWSER,
                f"{result['queued_sent_s']} s",
                "< 20 s",
            ),
        ]
    if kind in ("system", "system_cluster"):
        return _system_rows(result)
    if kind == "attachments":
        return _attachment_rows(result)
    if kind == "public_reads":
        return _public_read_rows(result)
    return []


def _public_read_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    page = f"Open311 page of {result['page_requests']} with notes"
    year = f"open-data file of a year ({result['file_rows']} requests)"
    return [
        (
            f"{page}: median of 10 (max)",
            OPEN311_PAGE,
            f"{result['page_ms_median']} ms ({result['page_ms_max']} ms)",
            "< 100 ms",
        ),
        (f"{page}: statements", OPEN311_PAGE, f"{result['page_statements']}", "2"),
        (
            year,
            OPEN_DATA_FILE,
            f"{result['file_seconds']} s ({result['file_rows_per_s']} rows/s, "
            f"{result['file_bytes'] / 1e6:.1f} MB)",
            "",
        ),
        (
            f"{year}: peak memory growth (tracemalloc), beside {result['small_file_rows']} requests",
            OPEN_DATA_FILE,
            f"{result['peak_growth_mb']} MB vs {result['small_peak_growth_mb']} MB "
            f"(x{result['peak_ratio']}; held whole as before: "
            f"{result['whole_file_peak_growth_mb']} MB)",
            "flat: within x1.5",
        ),
    ]


def _attachment_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    size = f"{result['photos']} photos of {result['photo_bytes_mean'] / 1e6:.1f} MB"
    return [
        (f"{size}: throughput", UPLOADS, f"{result['photos_per_s']} photos/s", ""),
        (
            "photo upload latency p50 / p99",
            UPLOADS,
            f"{result['latency_p50_ms']} / {result['latency_p99_ms']} ms",
            "",
        ),
        ("intake's peak memory growth", UPLOADS, f"{result['peak_growth_mb']} MB", "< 60 MB"),
    ]


def _system_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    ce = result["ceiling"]
    broker = result.get("broker", "one broker")
    rows = []
    if "steady" in result:
        st = result["steady"]
        rows += [
            (
                f"at {st['rate_rps']} req/s for {st['seconds']} s: 201 to department topic p50 / p99",
                f"{WHOLE_PATH}; {broker}",
                f"{st['to_department_p50_ms']} / {st['to_department_p99_ms']} ms",
                stated_target(result, "steady.to_department_p99_ms", "ms"),
            ),
            (
                "... 201 to the SMS at the gateway p50 / p99",
                f"{WHOLE_PATH}; {broker}",
                f"{st['to_sms_p50_ms']} / {st['to_sms_p99_ms']} ms",
                "",
            ),
        ]
    rows.append(
        (
            f"end-to-end ceiling, {ce['requests']} requests from 32 field apps",
            f"{WHOLE_PATH}; {broker}; until every request is assigned and texted",
            f"{ce['end_to_end_rps']} req/s (intake alone {ce['intake_rps']} req/s)",
            stated_target(result, "ceiling.end_to_end_rps", "req/s"),
        )
    )
    return rows


def _kept_rows(text: str, measured: set[str]) -> list[str]:
    """The table's rows of benchmarks not measured this time (a table of the old shape, with
    no load path, is dropped: its figures say nothing of their path)."""
    lines = text.split(START, 1)[1].split(END, 1)[0].strip().splitlines()
    if not lines or lines[0] != HEADER[0]:
        return []
    return [line for line in lines[2:] if line.split("|")[1].strip() not in measured]


def table(previous: str = "") -> str:
    rows, measured = [], set()
    for path in sorted(OUT.glob("*.json")):
        result = json.loads(path.read_text())
        measured.add(result["benchmark"])
        for figure, load_path, value, bound in _rows(result):
            rows.append(
                f"| {result['benchmark']} | {figure} | {load_path} | {value} | {bound} | "
                f"{result['machine']}, {result['date']} |"
            )
    kept = _kept_rows(previous, measured) if previous else []
    return "\n".join([*HEADER, *sorted(kept + rows, key=lambda row: row.split("|")[1])])


def update_page() -> None:
    page = ROOT / "docs" / "benchmarks.md"
    text = page.read_text()
    if START not in text or END not in text:
        return
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    page.write_text(f"{head}{START}\n{table(text)}\n{END}{tail}")
    print(f"bench: docs/benchmarks.md table updated from {OUT}")
