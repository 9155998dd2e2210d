"""Prometheus helpers: one registry per service, HTTP latency by route template, /metrics.

Labels carry route templates and codes only, never a path with a reference or anything a
resident said, so metrics cannot leak personal information or explode in cardinality.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

__all__ = ["instrument_http", "new_registry"]

# `_created` series double every metric's size and no dashboard here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def new_registry() -> CollectorRegistry:
    return CollectorRegistry(auto_describe=True)


def instrument_http(app: FastAPI, registry: CollectorRegistry, service: str) -> None:
    """Time every HTTP request by method, route template and status; serve /metrics."""
    latency = Histogram(
        f"mo_{service}_http_request_duration_seconds",
        "HTTP request latency by route template.",
        ["method", "route", "status"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )

    @app.middleware("http")
    async def _timed(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        latency.labels(request.method, _route_template(request), str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def _route_template(request: Request) -> str:
    # The router leaves the matched route in the scope; unmatched paths share one label.
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))
