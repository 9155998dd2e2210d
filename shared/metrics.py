"""Prometheus helpers: one registry per service, HTTP latency by route template, /metrics.

Labels carry route templates and codes only, never a path with a reference or anything a
resident said, so metrics cannot leak personal information or explode in cardinality.
"""

from __future__ import annotations

import time

from fastapi import FastAPI, Response, params
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["instrument_http", "new_registry"]

# `_created` series double every metric's size and no dashboard here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def new_registry() -> CollectorRegistry:
    return CollectorRegistry(auto_describe=True)


def instrument_http(
    app: FastAPI, registry: CollectorRegistry, service: str, public: params.Depends
) -> None:
    """Time every HTTP request by method, route template and status; serve /metrics (open to
    anyone, `public`: labels are route templates and codes, nothing personal)."""
    latency = Histogram(
        f"mo_{service}_http_request_duration_seconds",
        "HTTP request latency by route template.",
        ["method", "route", "status"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )
    app.add_middleware(_TimingMiddleware, latency=latency)

    @app.get("/metrics", include_in_schema=False, dependencies=[public])
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class _TimingMiddleware:
    """Plain ASGI (not BaseHTTPMiddleware, which costs a task and a stream per request)."""

    def __init__(self, app: ASGIApp, latency: Histogram) -> None:
        self.app = app
        self.latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_timed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_timed)
        finally:
            # The router leaves the matched route in the scope; unmatched paths share a label.
            route = str(getattr(scope.get("route"), "path", "unmatched"))
            self.latency.labels(scope["method"], route, str(status)).observe(
                time.perf_counter() - started
            )
