"""The City's figures, for everyone: `/standards/` shows how each department kept the
published service standards for a month's requests and the 12 months before, by department,
kind of request, area and channel, with a heat map of where they came from: each chart an SVG
drawn here with its table beside it, and the same figures as CSV (`/standards/{month}.csv`).
No script, no sign-in, aggregates only: a group of fewer than 5 requests is merged into
"Other" (domain.merged), a heat cell of fewer is not drawn. In English, Afrikaans or isiXhosa
(`?lang=`, else Accept-Language). An operator signed in to the work queue (the staff
sign-in of shared/staff/, routing's sessions) also sees the agents' workload per visit and
the overdue list across departments; nobody else does."""
# No `from __future__ import annotations`: FastAPI resolves the parameters at definition.

import base64
import csv
import hashlib
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Cookie, Header, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from services.routing.deps import UseCasesDep
from services.routing.queue.adapters import SITE
from services.routing.standards import texts
from services.routing.standards.domain import (
    OTHER,
    Figure,
    MonthFigures,
    last_whole_month,
    months_before,
)
from services.routing.standards.handlers import FiguresPage, FiguresRead, figures_page
from shared import svg_charts as charts
from shared.auth import PUBLIC
from shared.catalogue import CATEGORIES, DEPARTMENTS
from shared.clock import CAPE_TOWN
from shared.contracts.common import Language
from shared.credentials import Role
from shared.languages import chosen_language
from shared.staff.sessions import FindSession, find_session

__all__ = ["CSV_COLUMNS", "router"]

FOLDER: Final = Path(__file__).parent
CSS: Final = Markup((FOLDER / "styles.css").read_text().strip())  # noqa: S704 (our own file)
_CSS_HASH: Final = base64.b64encode(hashlib.sha256(str(CSS).encode()).digest()).decode()
PAGES: Final = Environment(loader=FileSystemLoader(FOLDER), autoescape=select_autoescape())
POLICY: Final = (
    f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
MONTH: Final = re.compile(r"^20\d\d-(0[1-9]|1[0-2])$")

Lang = Annotated[str | None, Query(max_length=10)]
AcceptLanguage = Annotated[str | None, Header(max_length=500, include_in_schema=False)]
Session = Annotated[str | None, Cookie(alias="mo_session", include_in_schema=False)]

router = APIRouter(include_in_schema=False)

CSV_COLUMNS: Final = (
    "table",
    "group",
    "received",
    "resolved_within",
    "share_within",
    "median_days",
    "p90_days",
    "open_past_due",
    "resolved",
    "reopened",
    "confirmed_fixed",
)
"""The CSV's columns: a row per group of each table (`departments`, `categories`, `areas`,
`channels`, `months`), then a row per heat cell (`cells`: the cell and its requests)."""


@router.get("/standards", dependencies=[PUBLIC])
async def standards_root() -> RedirectResponse:
    return RedirectResponse("/standards/")


@router.get("/standards/", dependencies=[PUBLIC])
async def standards_page(
    request: Request,
    use_cases: UseCasesDep,
    month: Annotated[str | None, Query(max_length=20)] = None,
    lang: Lang = None,
    accept_language: AcceptLanguage = None,
    mo_session: Session = None,
) -> HTMLResponse:
    """The figures of `month` (`YYYY-MM`; the last whole month unless said)."""
    language = chosen_language(lang, accept_language)
    asked = month or last_whole_month(use_cases.deps.clock())
    if not MONTH.match(asked):
        return _refused(request, language, asked)
    session = await use_cases.run(find_session, FindSession(SITE.book, mo_session))
    operator = session is not None and session.role is Role.OPERATOR
    read = await use_cases.run(figures_page, FiguresPage(asked, operator))
    return _page(request, language, read, use_cases)


@router.get("/standards/{month}.csv", dependencies=[PUBLIC])
async def standards_csv(month: str, use_cases: UseCasesDep) -> Response:
    """The page's figures as CSV: the same rows, codes for names."""
    if not MONTH.match(month):
        return Response(
            f"No such month: {month[:20]}. Ask for a month as YYYY-MM, e.g. 2026-11.\n",
            status_code=400,
            media_type="text/plain; charset=utf-8",
        )
    read = await use_cases.run(figures_page, FiguresPage(month))
    response = Response(as_csv(read.figures), media_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="standards-{month}.csv"'
    return response


def as_csv(figures: MonthFigures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for table, rows in _tables(figures).items():
        for f in rows:
            writer.writerow(
                [
                    *(table, f.group, f.received, f.resolved_within, _csv(f.share_within)),
                    *(_csv(f.median_days), _csv(f.p90_days), f.open_past_due, f.resolved),
                    *(f.reopened, f.confirmed_fixed),
                ]
            )
    for cell, count in figures.cells:
        writer.writerow(["cells", cell, count] + [""] * (len(CSV_COLUMNS) - 3))
    return out.getvalue()


def _csv(value: float | None) -> str:
    return "" if value is None else str(value)


def _tables(figures: MonthFigures) -> dict[str, list[Figure]]:
    return {
        "departments": figures.departments,
        "categories": figures.categories,
        "areas": figures.areas,
        "channels": figures.channels,
        "months": figures.months,
    }


def _refused(request: Request, language: Language, asked: str) -> HTMLResponse:
    w = texts.WORDS[language]
    said = f"{asked[:20]}: YYYY-MM (2026-11)"
    values = {"said": said, "figures": None, "month_words": said}
    return _render(request, language, w["title"].format(month="?"), 400, values)


def _page(
    request: Request, language: Language, read: FiguresRead, use_cases: UseCasesDep
) -> HTMLResponse:
    f, w = read.figures, texts.WORDS[language]
    words = texts.month_name(f.month, language)
    names = _names(language, use_cases)
    sections = [_section(table, rows, names, language) for table, rows in _tables(f).items()]
    heat = charts.heat_map(w["map_chart"].format(month=words), f.cells, w["cell_said"])
    earlier = months_before(f.month, 1)[0]
    later = _next(f.month)
    values = {
        "figures": f,
        "month_words": words,
        "sections": sections,
        "heat": Markup(heat),  # noqa: S704 (drawn here, every text escaped)
        "earlier": (_link(request, earlier, language), texts.month_name(earlier, language)),
        "later": (_link(request, later, language), texts.month_name(later, language)),
        "csv": f"/standards/{f.month}.csv",
        "empty": not f.departments,
        "workload": read.workload,
        "overdue": [
            {"o": o, "due": o.due_at.astimezone(CAPE_TOWN).strftime("%Y-%m-%d %H:%M")}
            for o in read.overdue or []
        ],
        "operator": read.workload is not None,
    }
    return _render(request, language, w["title"].format(month=words), 200, values)


def _share(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def _section(
    table: str, rows: list[Figure], names: Mapping[str, Mapping[str, str]], language: Language
) -> dict[str, Any]:
    """One table of figures, its chart (none for the kinds of request: the table is long)."""
    w = texts.WORDS[language]

    def label(code: str) -> str:
        if table == "months":
            return texts.month_name(code, language)
        return w["other"] if code == OTHER else names[table].get(code, code)

    chart = ""
    if table == "departments":
        shares = [(label(r.group), r.share_within or 0.0, _share(r.share_within)) for r in rows]
        chart = charts.bars(w["departments_chart"], shares, most=1.0)
    elif table != "categories":
        counts = [(label(r.group), float(r.received), str(r.received)) for r in rows]
        chart = charts.bars(w[f"{table}_chart"], counts)
    return {
        "id": table,
        "heading": w[table],
        "column": w[_COLUMN[table]],
        "chart": Markup(chart),  # noqa: S704 (drawn here, every text escaped)
        "rows": [{"label": label(r.group), "f": r, "share": _share(r.share_within)} for r in rows],
    }


_COLUMN: Final = {
    "departments": "department",
    "categories": "category",
    "areas": "area",
    "channels": "channel",
    "months": "month",
}


def _names(language: Language, use_cases: UseCasesDep) -> Mapping[str, Mapping[str, str]]:
    categories = {c.code: getattr(c, f"name_{language.value}") for c in CATEGORIES}
    services = {s.code: s.name.in_language(language) for s in use_cases.deps.catalogue.services}
    return {
        "departments": {d.slug: d.name for d in DEPARTMENTS},
        "categories": {**categories, **services},
        "areas": texts.AREAS[language],
        "channels": texts.CHANNELS[language],
    }


def _next(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _link(request: Request, month: str, language: Language) -> str:
    return f"{request.url.path}?{urlencode({'month': month, 'lang': language.value})}"


def _render(
    request: Request, language: Language, title: str, status: int, values: dict[str, Any]
) -> HTMLResponse:
    switch = {
        code.value: f"{request.url.path}?{urlencode({**request.query_params, 'lang': code.value})}"
        for code in Language
    }
    html = PAGES.get_template("standards.html").render(
        lang=language.value,
        w=texts.WORDS[language],
        title=title,
        css=CSS,
        languages=[(code.value, name) for code, name in texts.LANGUAGE_NAMES.items()],
        switch=switch,
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Content-Language"] = language.value
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-store"  # an operator's page holds the overdue list
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
