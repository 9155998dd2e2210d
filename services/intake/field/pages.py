"""The field app's files (this folder), served by intake so the app and the API
share one origin: a strict Content-Security-Policy (no inline script or style), and the shell
revalidated on every load so a new version reaches devices (the service worker caches it)."""

from __future__ import annotations

from pathlib import Path
from typing import Final, TypeVar

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse, Response

from services.intake.field.domain import as_javascript as rules_module
from services.intake.privacy.texts import as_javascript as notice_module
from shared.auth import PUBLIC
from shared.http import ApiError

__all__ = ["FILES", "FOLDER", "POLICY", "router"]

R = TypeVar("R", bound=Response)

FOLDER: Final = Path(__file__).resolve().parent
TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
}
NOTICE: Final = "notice.js"  # made from privacy/texts.py, the one text
RULES: Final = "rules.js"  # made by domain.py from the rules intake checks
MADE: Final = {NOTICE: notice_module, RULES: rules_module}
FILES: Final = frozenset(p.name for p in FOLDER.iterdir() if p.suffix in TYPES) | set(MADE)
POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


router = APIRouter()


@router.get("/field", include_in_schema=False, dependencies=[PUBLIC])
async def field_root() -> RedirectResponse:
    return RedirectResponse("/field/")


@router.get("/field/", include_in_schema=False, dependencies=[PUBLIC])
async def field_app() -> FileResponse:
    """The app shell; it works offline once loaded."""
    return _file("index.html")


@router.get("/field/{name}", include_in_schema=False, dependencies=[PUBLIC])
async def field_file(name: str) -> Response:
    if name in MADE:
        return _headers(Response(MADE[name](), media_type=TYPES[".js"]), name)
    if name not in FILES:
        raise ApiError(404, "not_found", f"the field app has no file {name}")
    return _file(name)


def _file(name: str) -> FileResponse:
    path = FOLDER / name
    return _headers(FileResponse(path, media_type=TYPES[path.suffix]), name)


def _headers(response: R, name: str) -> R:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-cache"  # revalidate: the worker holds the copy
    response.headers["X-Content-Type-Options"] = "nosniff"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/field/"
    return response
