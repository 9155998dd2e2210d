"""Open311 GeoReport v2 in intake's terms, as plain data (api.py renders it as JSON or XML):
the discovery document, the services (the catalogue of GET /v1/services, grouped by
department) and each one's definition (the area and community the City routes by, the
language of updates, an account number where one is needed, an application's questions);
the query of `GET requests`, every parameter checked so a wrong one is the specification's
400 with what to fix (periods at most 90 days, the last 90 by default; pages are the common
`page` and `page_size` extension); and a request as GeoReport shows it to anyone (`view`):
nothing of the person, and no more than the open-data file shows of the same request
(public/domain.py de-identifies both): `description` is the category and the suburb,
never the resident's words; `address` is that suburb; `lat` and `long` the centre of the
H3 cell; every time its 6-hour block; status notes the departments' public notes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from services.intake.open311.schemas import Open311Error
from services.intake.public.domain import PublicRequest, photo_url
from shared.catalogue import CATEGORY_CODES, DEPARTMENTS
from shared.contracts.common import FINISHED, Area, Language
from shared.service_catalogue import Catalogue, Datatype, Question, Service

__all__ = [
    "CHANGESET",
    "RequestsQuery",
    "definition",
    "discovery",
    "is_reference",
    "parse",
    "services",
    "view",
]


@dataclass(frozen=True, slots=True)
class RequestsQuery:
    """Requests by reference, or else by code, period and status; one page."""

    references: Sequence[str] | None
    codes: Sequence[str] | None
    start: dt.datetime
    end: dt.datetime
    statuses: Sequence[str] | None
    extensions: bool
    page: int
    page_size: int


CHANGESET: Final = "2026-11-26T00:00:00Z"
SPECIFICATION: Final = "http://wiki.open311.org/GeoReport_v2"
_DEPARTMENT_NAMES: Final = {d.slug: d.name for d in DEPARTMENTS}
LANGUAGE_NAMES: Final = {Language.EN: "English", Language.AF: "Afrikaans", Language.XH: "isiXhosa"}


def _service(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name.en,
        "description": service.description
        or f"An application, decided within {service.decision_days} days.",
        "metadata": True,  # every service asks for area and community: see definition()
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([service.name.en, service.name.af, service.name.xh])),
        "group": _DEPARTMENT_NAMES[service.department],
    }


def services(catalogue: Catalogue) -> list[dict[str, Any]]:
    """Every service of the catalogue (GET /v1/services): the reports and the applications."""
    return [_service(s) for s in catalogue.services]


def _choices(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "name": name} for key, name in values.items()]


_WHERE_AND_WHO: Final[tuple[dict[str, Any], ...]] = (
    {
        "variable": True,
        "code": "area",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": "The City's service-delivery area.",
        "description": "Area",
        "values": _choices({a.value: a.value.title() for a in Area}),
    },
    {
        "variable": True,
        "code": "community",
        "datatype": "string",
        "required": True,
        "datatype_description": "The community or suburb, up to 100 characters.",
        "description": "Community or suburb",
    },
    {
        "variable": True,
        "code": "language",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "The language of the updates the resident receives.",
        "description": "Language for updates",
        "values": _choices({lang.value: LANGUAGE_NAMES[lang] for lang in Language}),
    },
)

_ACCOUNT_NUMBER: Final = {
    "variable": True,
    "code": "account_number",
    "datatype": "string",
    "datatype_description": "6 to 12 digits, as printed on the account.",
    "description": "Account number",
}


def definition(catalogue: Catalogue, code: str) -> dict[str, Any] | None:
    """The service definition of `code` (an application's questions are attributes too), or
    None for a code that is not ours."""
    service = catalogue.find(code)
    if service is None:
        return None
    attributes = [dict(a) for a in _WHERE_AND_WHO]
    if code == "accounts" or service.account_number_required:
        attributes.append({**_ACCOUNT_NUMBER, "required": service.account_number_required})
    attributes += [_attribute(q) for q in service.questions]
    for order, attribute in enumerate(attributes, start=1):
        attribute["order"] = order
    return {"service_code": code, "attributes": attributes}


_YES_NO: Final = [{"key": "true", "name": "Yes"}, {"key": "false", "name": "No"}]


def _attribute(question: Question) -> dict[str, Any]:
    """A question as GeoReport v2 has it, which knows no boolean or date: a yes/no list, and
    a string of the form YYYY-MM-DD."""
    explained = question.help.en if question.help else question.label.en
    attribute: dict[str, Any] = {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype.value,
        "required": question.required,
        "datatype_description": explained,
        "description": question.label.en,
    }
    if question.values:
        attribute["values"] = [{"key": v.key, "name": v.name.en} for v in question.values]
    if question.datatype is Datatype.BOOLEAN:
        attribute.update(datatype="singlevaluelist", values=_YES_NO)
    elif question.datatype is Datatype.DATE:
        attribute.update(datatype="string", datatype_description=f"{explained} (YYYY-MM-DD)")
    return attribute


def discovery(base_url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": "The City's Mobile Office: see docs/open311.md in its repository.",
        "key_service": "Ask the City for a partner key (a partner credential) to POST.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base_url}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


MOST_DAYS: Final = 90
MOST_IDS: Final = 100
PAGE_SIZE: Final = 100
MOST_PAGE_SIZE: Final = 1000
_REFERENCE: Final = re.compile(r"^\d{10}$")
EARLIEST: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST: Final = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)


def is_reference(value: str) -> bool:
    return bool(_REFERENCE.match(value))


def _listed(value: str | None, name: str) -> list[str] | None:
    if value is None or value == "":
        return None
    if len(value) > 2000:
        raise Open311Error(400, f"{name} is too long")
    return [item.strip() for item in value.split(",") if item.strip()]


def _when(value: str | None, name: str) -> dt.datetime | None:
    """A W3C date-time in UTC, from 2000 to 2999 (so a period's arithmetic never runs past
    year 1 or 9999), or an Open311Error (400) naming the parameter."""
    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value[:40])
        at = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except ValueError:
        raise Open311Error(
            400, f"{name} is not a W3C date-time, e.g. 2030-03-01T00:00:00Z"
        ) from None
    except OverflowError:  # e.g. 9999-12-31T23:59:59-14:00 is in year 10000 in UTC
        at = None
    if at is None or not EARLIEST <= at < LATEST:
        raise Open311Error(400, f"{name} must be a date-time from 2000 to 2999")
    return at


def _whole(value: str | None, name: str, default: int, most: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= most:
        raise Open311Error(400, f"{name} must be a whole number from 1 to {most}")
    return int(value)


def parse(asked: dict[str, str], now: dt.datetime) -> RequestsQuery:
    """The query `GET requests` asks, or an Open311Error (400)."""
    references = _listed(asked.get("service_request_id"), "service_request_id")
    if references is not None and (
        len(references) > MOST_IDS or not all(_REFERENCE.match(r) for r in references)
    ):
        raise Open311Error(400, f"service_request_id: up to {MOST_IDS} 10-digit references")
    codes = _listed(asked.get("service_code"), "service_code")
    if codes is not None and (unknown := sorted(set(codes) - CATEGORY_CODES)):
        raise Open311Error(400, f"service_code {', '.join(unknown)[:20]!r} is not one of ours")
    statuses = _listed(asked.get("status"), "status")
    if statuses is not None and not set(statuses) <= {"open", "closed"}:
        raise Open311Error(400, "status is open, closed, or both")
    start = _when(asked.get("start_date"), "start_date")
    end = _when(asked.get("end_date"), "end_date")
    span = dt.timedelta(days=MOST_DAYS)
    end = end or (start + span if start else now)
    start = start or end - span
    if start > end:
        raise Open311Error(400, "start_date is after end_date")
    if end - start > span:
        raise Open311Error(400, f"start_date and end_date are at most {MOST_DAYS} days apart")
    return RequestsQuery(
        references=references,
        codes=codes,
        start=start,
        end=end,
        statuses=statuses,
        extensions=asked.get("extensions", "false").lower() == "true",
        page=_whole(asked.get("page"), "page", 1, 100_000),
        page_size=_whole(asked.get("page_size"), "page_size", PAGE_SIZE, MOST_PAGE_SIZE),
    )


def view(shown: PublicRequest, extensions: bool, base_url: str) -> dict[str, Any]:
    """One request in GeoReport's fields (and, with `extensions`, ours); `media_url` is its
    first public photo's address (under `base_url`, the service's own), if it has one."""
    notes = shown.public_notes
    found: dict[str, Any] = {
        "service_request_id": shown.reference,
        "status": "closed" if shown.status in FINISHED else "open",
        "status_notes": notes[-1] if notes else None,
        "service_name": shown.name,
        "service_code": shown.category,
        "description": f"{shown.name} in {shown.suburb}",
        "agency_responsible": shown.department.name if shown.department else None,
        "service_notice": None,
        "requested_datetime": shown.requested,
        "updated_datetime": shown.updated,
        "expected_datetime": shown.due,
        "address": shown.suburb,
        "lat": shown.place.lat if shown.place else None,
        "long": shown.place.lon if shown.place else None,
        "media_url": photo_url(base_url, shown.reference, shown.photos[0])
        if shown.photos
        else None,
    }
    if extensions:
        found["extended_attributes"] = {
            "detailed_status": shown.status.value,
            "cause": shown.steps[-1].cause if shown.steps else None,
            "notes": [{"status": s.status, "at": s.at, "note": s.note} for s in shown.steps],
        }
    return found
