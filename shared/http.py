"""HTTP conventions every service shares: JSON errors and the health endpoints.

Errors are `{"error": {"code", "message", "fields"}}` with a 4xx status; a bad body names each
wrong field. Nothing a client sends is echoed back or logged (it may be personal information),
and an unexpected failure is a logged 500 with a generic message, never a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.reference import InvalidReference, parse
from shared.refusals import Refusal

__all__ = [
    "ApiError",
    "BodyLimit",
    "add_health_routes",
    "error_response",
    "install_error_handlers",
    "parse_reference",
]

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[bool]]


class ApiError(Exception):
    """A refusal the client can act on."""

    def __init__(
        self, status: int, code: str, message: str, fields: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})


def parse_reference(text: str) -> str:
    """The canonical reference in a path or query, or a 422 that says what to fix."""
    try:
        return parse(text)
    except InvalidReference as exc:
        raise ApiError(422, "invalid_reference", str(exc), {"reference": str(exc)}) from None


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "fields": dict(fields or {})}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


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
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(exc.status, exc.code, exc.message, exc.fields, headers)

    @app.exception_handler(Refusal)
    async def _refused(_: Request, exc: Refusal) -> JSONResponse:
        fields = {exc.field: str(exc)} if exc.field else None
        return error_response(exc.status, exc.code, str(exc), fields)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = _validation_fields(list(exc.errors()))
        names = ", ".join(sorted(fields))
        return error_response(422, "invalid_request", f"fix these fields: {names}", fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}
        return error_response(
            exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "something went wrong on our side")


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
    """Refuses a body whose Content-Length is missing a number or too large, before reading it.
    (A chunked body without Content-Length is bounded by the server's own limits.)"""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length", b"0")
            if not length.isdigit() or int(length) > self.max_bytes:
                response = error_response(
                    413, "body_too_large", f"a request body is at most {self.max_bytes} bytes"
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
