"""HTTP conventions every service shares: JSON errors and the health endpoints.

Errors are `{"error": {"code", "message", "fields"}}` with a 4xx status; a bad body names each
wrong field. Nothing a client sends is echoed back or logged (it may be personal information),
and an unexpected failure is a logged 500 with a generic message, never a stack trace.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.reference import InvalidReference, parse
from shared.refusals import Refusal

__all__ = [
    "ApiError",
    "BodyLimit",
    "add_health_routes",
    "install_error_handlers",
    "parse_reference",
]

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[bool]]


class ApiError(Exception):
    """A refusal the client can act on."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        """The refusal as the API answers every error: `{"error": {code, message, fields}}`
        (a 401 says how to authenticate)."""
        body = {"error": {"code": self.code, "message": self.message, "fields": self.fields}}
        challenge = {"WWW-Authenticate": "Bearer"} if self.status == 401 else {}
        return JSONResponse(body, status_code=self.status, headers={**challenge, **self.headers})


def parse_reference(text: str) -> str:
    """The canonical reference in a path or query, or a 422 that says what to fix."""
    try:
        return parse(text)
    except InvalidReference as exc:
        raise ApiError(422, "invalid_reference", str(exc), {"reference": str(exc)}) from None


def _validation_fields(errors: list[Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        kind = err.get("type", "")
        if kind == "json_invalid":
            fields["body"] = "is not valid JSON"
            continue
        name = ".".join(loc) if loc else "body"
        if name.startswith(("header.", "query.", "path.")):
            name = name.split(".", 1)[1]
        message = str(err.get("msg", "is invalid"))
        if kind == "missing":
            message = "is required"
        elif name == "body" and kind in ("model_attributes_type", "dict_type"):
            message = "must be a JSON object, sent with Content-Type: application/json"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        fields.setdefault(name, message)
    return fields


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(Refusal)
    async def _refused(_: Request, exc: Refusal) -> JSONResponse:
        fields = {exc.field: str(exc)} if exc.field else None
        return ApiError(exc.status, exc.code, str(exc), fields).response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = _validation_fields(list(exc.errors()))
        names = ", ".join(sorted(fields))
        return ApiError(422, "invalid_request", f"fix these fields: {names}", fields).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {
            400: "bad_request",
            404: "not_found",
            405: "method_not_allowed",
            413: "body_too_large",
        }
        code = codes.get(exc.status_code, "http_error")
        return ApiError(exc.status_code, code, str(exc.detail)).response()

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return ApiError(500, "internal_error", "something went wrong on our side").response()


def add_health_routes(
    app: FastAPI, checks: Mapping[str, ReadinessCheck], public: params.Depends
) -> None:
    """/healthz: the process answers. /readyz: every dependency (store, broker) answers.
    Both open to anyone (`public`): they say nothing but ok or not."""

    @app.get("/healthz", include_in_schema=False, dependencies=[public])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False, dependencies=[public])
    async def readyz() -> JSONResponse:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                results[name] = "ok" if await check() else "unavailable"
            except Exception:
                results[name] = "unavailable"
        ready = all(v == "ok" for v in results.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": results},
            status_code=200 if ready else 503,
        )


class BodyLimit:
    """Counts a request's body as it arrives and answers 413 as soon as it passes
    `max_bytes`, chunked or not: before authentication or validation read anything, and
    after reading at most the limit and one chunk. A Content-Length that is not a number or
    is too large is refused before a byte is read."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        """`larger`: the few routes allowed more, as `"POST /v1/things/{id}/files"` to their
        limit (an upload's route)."""
        self.app = app
        self.max_bytes = max_bytes
        self._larger = [(_route_pattern(route), most) for route, most in (larger or {}).items()]

    def _limit(self, scope: Scope) -> int:
        called = f"{scope.get('method', '')} {scope.get('path', '')}"
        return next(
            (most for route, most in self._larger if route.fullmatch(called)), self.max_bytes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        message = f"a request body is at most {limit} bytes"
        await ApiError(413, "body_too_large", message).response()(scope, receive, send)


def _route_pattern(route: str) -> re.Pattern[str]:
    """`"POST /v1/requests/{reference}/files"` as a pattern of `"<method> <path>"`."""
    parts = re.split(r"(\{[^}]+\})", route)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


class _TooLarge(StarletteHTTPException):
    """Raised from the body's reader, so whoever reads the body (FastAPI's handler, a
    dependency) stops there and the error handlers answer 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"a request body is at most {max_bytes} bytes")
