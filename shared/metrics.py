"""Prometheus helpers: one registry per service, HTTP latency by route template, /metrics.

Labels carry route templates and codes only, never a path with a reference or anything a
resident said, so metrics cannot leak personal information or explode in cardinality: a
method outside the standard few and a route the app does not declare are both `other`,
whatever a client (or a lenient HTTP parser) sends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final

from fastapi import FastAPI, Response, params
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Declare", "instrument_http", "new_registry", "route_templates"]

# `_created` series double every metric's size and no dashboard here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
OTHER: Final = "other"


def new_registry() -> CollectorRegistry:
    return CollectorRegistry(auto_describe=True)


class Declare:
    """Declares a service's own metrics in its registry, as every service does alike: a name,
    what it counts and its labels."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def counter(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
        return Counter(name, documentation, labels, registry=self.registry)

    def gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
        return Gauge(name, documentation, labels, registry=self.registry)

    def histogram(
        self,
        name: str,
        documentation: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] = Histogram.DEFAULT_BUCKETS,
    ) -> Histogram:
        return Histogram(name, documentation, labels, buckets=buckets, registry=self.registry)


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
    app.add_middleware(_TimingMiddleware, latency=latency, declared=lambda: route_templates(app))

    @app.get("/metrics", include_in_schema=False, dependencies=[public])
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def route_templates(app: FastAPI) -> frozenset[str]:
    """Every path template `app` declares, its included routers' too."""
    return frozenset(_templates(app.routes, ""))


def _templates(routes: Iterable[Any], prefix: str) -> Iterator[str]:
    for route in routes:
        # FastAPI keeps an included router as one entry, with the prefix it was included at.
        if (included := getattr(route, "original_router", None)) is not None:
            inner = prefix + str(getattr(route.include_context, "prefix", ""))
            yield from _templates(included.routes, inner)
        elif isinstance(path := getattr(route, "path", None), str):
            yield prefix + path


class _TimingMiddleware:
    """Plain ASGI (not BaseHTTPMiddleware, which costs a task and a stream per request)."""

    def __init__(
        self, app: ASGIApp, latency: Histogram, declared: Callable[[], frozenset[str]]
    ) -> None:
        self.app = app
        self.latency = latency
        self._declared = declared
        # Read at the first request, when every router has been included.
        self._templates: frozenset[str] | None = None

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
            self.latency.labels(*self._labels(scope), str(status)).observe(
                time.perf_counter() - started
            )

    def _labels(self, scope: Scope) -> tuple[str, str]:
        """(method, route template): each from a fixed set, `other` for anything else."""
        if self._templates is None:
            self._templates = self._declared()
        method = scope["method"] if scope["method"] in METHODS else OTHER
        # The router leaves the matched route in the scope; nothing matched leaves none.
        route = getattr(scope.get("route"), "path", None)
        return method, route if route in self._templates else OTHER
