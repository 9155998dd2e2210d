"""How the work queue's pages look: the templates (services/routing/queue/), the strict
policy every page is sent with, and the small conversions from a request to what a page shows."""

import datetime as dt
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote_plus

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError

from services.routing.standard_store import OPEN
from services.routing.store import RoutedRequest
from shared.clock import CAPE_TOWN
from shared.refusals import Refusal

__all__ = ["FOLDER", "filled", "local", "map_link", "overdue", "page", "row", "why"]

FOLDER: Final = Path(__file__).resolve().parent / "queue"
PAGES: Final = Environment(loader=FileSystemLoader(FOLDER), autoescape=select_autoescape())
POLICY: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    response = HTMLResponse(PAGES.get_template(name).render(**values), status_code=status)
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-store"  # requests' details stay off shared disks
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def local(when: dt.datetime | None) -> str:
    return when.astimezone(CAPE_TOWN).strftime("%Y-%m-%d %H:%M") if when else "no standard"


def overdue(request: RoutedRequest, now: dt.datetime) -> bool:
    return bool(request.due_at and request.due_at < now and request.status.value in OPEN)


def map_link(request: RoutedRequest) -> str:
    lat, lon = request.location.get("lat"), request.location.get("lon")
    if lat is not None and lon is not None:
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
    where = f"{request.location.get('address') or ''} {request.community}, Cape Town"
    return f"https://www.openstreetmap.org/search?query={quote_plus(where.strip())}"


async def filled(request: Request) -> dict[str, Any]:
    """The form's filled fields (an empty field is an absent one), without the CSRF token."""
    return {k: v for k, v in (await request.form()).items() if k != "csrf" and v != ""}


def why(refused: ValidationError | Refusal) -> tuple[int, str]:
    if isinstance(refused, ValidationError):
        fields = (f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in refused.errors())
        return 422, "; ".join(fields)
    return refused.status, f"{refused.field}: {refused}" if refused.field else str(refused)


def row(request: RoutedRequest, now: dt.datetime) -> dict[str, Any]:
    return {
        "reference": request.reference,
        "due": local(request.due_at),
        "overdue": overdue(request, now),
        "status": request.status.value,
        "priority": request.priority.value if request.priority else "",
        "category": request.category,
        "community": request.community,
        "area": request.area.value,
        "department": request.department or "",
        "reopened": request.reopened_at is not None and request.status.value in OPEN,
    }
