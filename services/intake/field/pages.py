"""The field app's files (this folder), served by intake so the app and the API
share one origin: a strict Content-Security-Policy (no inline script or style), and the shell
revalidated on every load so a new version reaches devices (the service worker caches it)."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Final, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.intake.field.domain import as_javascript as rules_module
from services.intake.privacy.texts import as_javascript as notice_module
from shared.auth import PUBLIC
from shared.http import ApiError

__all__ = ["FILES", "FOLDER", "POLICY", "router", "served", "trim"]

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
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# What a tablet downloads: the sources keep their comments; comment lines and indentation go.
TRIMMED: Final = {".js", ".css", ".html"}
WHOLE_LINE_COMMENT: Final = {
    ".js": re.compile(r"//"),
    ".css": re.compile(r"/\*(?:(?!\*/).)*\*/$"),  # one comment, no code after it
    ".html": re.compile(r"<!--(?:(?!-->).)*-->$"),
}


def trim(text: str, suffix: str) -> str:
    """`text` without whole-line comments, leading indentation and blank lines. A line that
    carries on a JavaScript template literal (an odd count of backticks before it) is kept as
    it is, so a multi-line template never changes; `//` after code (a URL, a regex) stays."""
    comment = WHOLE_LINE_COMMENT[suffix]
    kept: list[str] = []
    in_template = False
    for line in text.splitlines():
        if in_template:
            kept.append(line)
        else:
            bare = line.strip()
            if not bare or comment.match(bare):
                continue
            kept.append(bare)
        if suffix == ".js":
            in_template ^= len(re.findall(r"(?<!\\)`", line)) % 2 == 1
    return "\n".join(kept) + "\n"


@cache
def served(name: str) -> bytes:
    """The bytes intake serves for the app's file `name`, made or trimmed once and kept."""
    if name in MADE:
        return MADE[name]().encode()
    path = FOLDER / (name or "index.html")
    if path.suffix in TRIMMED:
        return trim(path.read_text(encoding="utf-8"), path.suffix).encode()
    return path.read_bytes()


router = APIRouter()


@router.get("/field", include_in_schema=False, dependencies=[PUBLIC])
async def field_root() -> RedirectResponse:
    return RedirectResponse("/field/")


@router.get("/field/", include_in_schema=False, dependencies=[PUBLIC])
async def field_app(request: Request) -> Response:
    """The app shell; it works offline once loaded."""
    return _file("index.html", request)


@router.get("/field/{name}", include_in_schema=False, dependencies=[PUBLIC])
async def field_file(name: str, request: Request) -> Response:
    if name not in FILES:
        raise ApiError(404, "not_found", f"the field app has no file {name}")
    return _file(name, request)


def _file(name: str, request: Request) -> Response:
    """The served bytes with an ETag: revalidating an unchanged file costs a 304, no body."""
    body = served(name)
    tag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
    if request.headers.get("If-None-Match") == tag:
        response = Response(status_code=304)
    else:
        response = Response(body, media_type=TYPES[Path(name).suffix])
    response.headers["ETag"] = tag
    return _headers(response, name)


def _headers(response: R, name: str) -> R:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-cache"  # revalidate: the worker holds the copy
    response.headers["X-Content-Type-Options"] = "nosniff"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/field/"
    return response
