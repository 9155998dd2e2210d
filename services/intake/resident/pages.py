"""The resident's own pages, for any phone: `/r/{reference}` follows a request, `/visits/`
says when the Mobile Office comes to a community and takes a request for visit news.
Server-rendered HTML with no script, the CSS inline (under a hash in the page's
Content-Security-Policy), at most 30 KB, in English, Afrikaans or isiXhosa (`?lang=`, else the
browser's Accept-Language). Nothing personal: a request is shown through intake's one
de-identification (public/domain.py). An unknown reference counts against the same limit as
the JSON follow-up's (`lookups`), so references cannot be walked page by page either."""
# No `from __future__ import annotations`: FastAPI resolves the parameters at definition.

import base64
import hashlib
import math
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from services.intake.deps import LookupsDep, UseCasesDep
from services.intake.resident import texts
from services.intake.resident.domain import chosen_language, typed_reference
from services.intake.resident.handlers import (
    FollowUpPage,
    ResidentsRequest,
    VisitsPage,
    follow_up_page,
    visits_page,
)
from services.intake.visits.store import Visit
from shared.auth import PUBLIC
from shared.clock import CAPE_TOWN
from shared.contracts.common import FINISHED, Area, Language, RequestStatus
from shared.limits import client_address
from shared.reference import InvalidReference, WrongDigit, format_for_reading, parse

__all__ = ["router"]

FOLDER: Final = Path(__file__).parent
CSS: Final = Markup((FOLDER / "styles.css").read_text().strip())  # noqa: S704 (our own file)
_CSS_HASH: Final = base64.b64encode(hashlib.sha256(str(CSS).encode()).digest()).decode()
PAGES: Final = Environment(loader=FileSystemLoader(FOLDER), autoescape=select_autoescape())

Lang = Annotated[str | None, Query(max_length=10)]
AcceptLanguage = Annotated[str | None, Header(max_length=500, include_in_schema=False)]

router = APIRouter(include_in_schema=False)


def policy(form_to: str = "") -> str:
    """The pages' CSP: nothing but their own inline CSS; forms post here or to `form_to`."""
    forms = f"'self' {form_to}".strip()
    return (
        f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src 'none'; "
        f"form-action {forms}; frame-ancestors 'none'; base-uri 'none'"
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _page(
    name: str,
    request: Request,
    lang: Language,
    title: str,
    status: int = 200,
    form_to: str = "",
    **values: Any,
) -> HTMLResponse:
    switch = {
        code.value: f"{request.url.path}?{urlencode({**request.query_params, 'lang': code.value})}"
        for code in Language
    }
    html = PAGES.get_template(name).render(
        lang=lang.value,
        w=texts.WORDS[lang],
        title=title,
        css=CSS,
        languages=[(code.value, name) for code, name in texts.LANGUAGE_NAMES.items()],
        switch=switch,
        visits_link=f"/visits/?lang={lang.value}",
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = policy(form_to)
    response.headers["Content-Language"] = lang.value
    response.headers["Vary"] = "Accept-Language"
    response.headers["Referrer-Policy"] = "no-referrer"  # the reference stays off other sites
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _hours(visit: Visit) -> str:
    if visit.starts_at is None or visit.ends_at is None:
        return ""
    return f"{visit.starts_at:%H:%M}-{visit.ends_at:%H:%M}"


def _visit_line(visit: Visit, lang: Language) -> str:
    line = texts.WORDS[lang]["visit_line"]
    return line.format(day=texts.day(visit.date, lang), hours=_hours(visit), venue=visit.venue)


def _local_day(w3c: str | None, lang: Language) -> str:
    if w3c is None:
        return ""
    return texts.day(datetime.fromisoformat(w3c).astimezone(CAPE_TOWN).date(), lang)


@router.get("/r/", dependencies=[PUBLIC], response_model=None)
async def find_page(
    request: Request,
    reference: Annotated[str, Query(max_length=40)] = "",
    lang: Lang = None,
    accept_language: AcceptLanguage = None,
) -> HTMLResponse | RedirectResponse:
    """A form for a reference (a leading "Ref" pasted from an SMS left out); with one, on to
    its page."""
    language = chosen_language(lang, accept_language)
    if typed := typed_reference(reference):
        asked = urlencode({"lang": language.value})
        return RedirectResponse(f"/r/{quote(typed, safe='')}?{asked}", status_code=303)
    w = texts.WORDS[language]
    return _page("refused.html", request, language, w["find"], said=w["find_intro"], typed="")


@router.api_route("/r/{reference}", methods=["GET", "HEAD"], dependencies=[PUBLIC])
async def follow_up(
    reference: str,
    request: Request,
    use_cases: UseCasesDep,
    lookups: LookupsDep,
    lang: Lang = None,
    accept_language: AcceptLanguage = None,
) -> Response:
    """A request's page; HEAD (a link preview's) answers the same without the page."""
    page = await _follow_up(reference, request, use_cases, lookups, lang, accept_language)
    if request.method != "HEAD":
        return page
    return Response(status_code=page.status_code, headers=dict(page.headers))


async def _follow_up(
    reference: str,
    request: Request,
    use_cases: UseCasesDep,
    lookups: LookupsDep,
    lang: Lang = None,
    accept_language: AcceptLanguage = None,
) -> HTMLResponse:
    language = chosen_language(lang, accept_language)
    w = texts.WORDS[language]
    client = client_address(request)
    if wait := lookups.wait_seconds(client):
        refused = _page("refused.html", request, language, w["wait_title"], 429, said=w["wait"])
        refused.headers["Retry-After"] = str(math.ceil(wait))
        return refused
    try:
        canonical = parse(reference)
    except InvalidReference as invalid:
        said = w["wrong_digit" if isinstance(invalid, WrongDigit) else "invalid"]
        typed = reference[:40]
        return _page(
            "refused.html", request, language, w["invalid_title"], 400, said=said, typed=typed
        )
    found = await use_cases.run(follow_up_page, FollowUpPage(canonical))
    if found is None:
        lookups.missed(client)
        said = w["unknown"].format(reference=format_for_reading(canonical))
        return _page(
            "refused.html", request, language, w["unknown_title"], 404, said=said, typed=""
        )
    return _page(
        "follow_up.html", request, language, _heading(canonical, w), **_shown(found, language)
    )


DECIDED: Final = frozenset(
    {RequestStatus.APPROVED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN}
)


def _heading(reference: str, w: Any) -> str:
    return str(w["request"].format(reference=format_for_reading(reference)))


def _shown(found: ResidentsRequest, lang: Language) -> dict[str, Any]:
    r, w = found.request, texts.WORDS[lang]
    statuses, causes = texts.STATUSES[lang], texts.CAUSES[lang]
    community = r.suburb
    visit = found.next_visit
    finished = r.status in FINISHED
    decided = r.status in DECIDED
    return {
        "r": r,
        "status_words": statuses.get(r.status.value, r.status.value),
        "show_due": not finished,  # once done, a date it was due by says nothing more
        "due": _local_day(r.due, lang),
        "application": found.application,
        "decision": statuses[r.status.value] if decided else w["undecided"],
        "appeal": w["appeal"] if r.status is RequestStatus.DECLINED else "",
        # A fault the department says is fixed: the resident may say it is not.
        "resolved_fault": r.status is RequestStatus.RESOLVED and not found.application,
        "steps": [
            {
                "day": _local_day(s.at, lang),
                "status": statuses.get(s.status, s.status),
                "cause": causes.get(s.cause, s.cause) if s.cause else None,
                "note": s.note,
            }
            for s in r.steps
        ],
        "not_fixed": w["not_fixed_sms"].format(reference=format_for_reading(r.reference)),
        "named": found.named,
        "visit_heading": w["next_visit"].format(community=community),
        "visit": _visit_line(visit, lang) if visit else "",
        "no_visit": w["no_visit"].format(community=community),
    }


@router.get("/visits", dependencies=[PUBLIC])
async def visits_root(request: Request) -> RedirectResponse:
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/visits/{query}")


@router.get("/visits/", dependencies=[PUBLIC])
async def visits(
    request: Request,
    use_cases: UseCasesDep,
    area: Annotated[str, Query(max_length=20)] = "",
    community: Annotated[str, Query(max_length=100)] = "",
    lang: Lang = None,
    accept_language: AcceptLanguage = None,
) -> HTMLResponse:
    """Area, then community, then its coming visits (or that none is announced yet), the
    calendar and the news form, for every community the Mobile Office serves. An unknown
    community or area is a 404 that says so, with the areas to choose from."""
    language = chosen_language(lang, accept_language)
    w = texts.WORDS[language]
    shown = await use_cases.run(visits_page, VisitsPage(area or None, community or None))
    links = use_cases.deps.links

    def here(**asked: str) -> str:
        return f"/visits/?{urlencode({**asked, 'lang': language.value})}"

    values: dict[str, Any] = {"area": "", "community": None}
    if shown.community:
        name = shown.community
        chosen_area = next((a for a, c in shown.communities if c == name), "")
        values |= {
            "community": name,
            "coming_heading": w["coming"].format(community=name),
            "none_coming": w["none_coming"].format(community=name),
            "visits": [
                {"line": _visit_line(v, language), "cancelled": v.status.value == "cancelled"}
                for v in shown.visits
            ],
            "calendar": f"{links.scheduling}/v1/visits.ics?{urlencode({'community': name})}",
            "subscribe": f"{links.notifications}/visits/subscribe",
            "back": here(area=chosen_area),
        }
    elif area in {a.value for a in Area} and not community:
        values |= {
            "area": area,
            "communities": [
                {"name": c, "link": here(community=c)} for a, c in shown.communities if a == area
            ],
            "back": here(),
        }
    else:
        values["areas"] = [{"name": w[f"area_{a.value}"], "link": here(area=a.value)} for a in Area]
        if community:
            values["unknown"] = w["unknown_community"].format(name=community)
        elif area:
            values["unknown"] = w["unknown_area"].format(name=area)
    status = 404 if values.get("unknown") else 200
    form_to = _origin(links.notifications) if shown.community else ""
    return _page("visits.html", request, language, w["visits_title"], status, form_to, **values)
