"""The City's catalogue file (deploy/catalogue.yaml) read into a `Catalogue`: questions,
papers and reasons named once and referred to by code, each entry checked, so a typo stops
a service at start instead of refusing residents' applications in the field. Intake offers
the catalogue; routing decides applications by it; notifications names papers and reasons
from it: each reads the same file (`MO_<SERVICE>_CATALOGUE_FILE`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from shared.catalogue import CATEGORIES
from shared.service_catalogue import Catalogue, Datatype, Kind, Service
from shared.settings import ServiceSettings

__all__ = ["CATALOGUE_FILE", "CatalogueError", "CatalogueSettings", "load_catalogue"]

CATALOGUE_FILE = Path(__file__).resolve().parents[1] / "deploy" / "catalogue.yaml"
"""The City's file, as the repository keeps it: every service's default."""


class CatalogueSettings(ServiceSettings):
    """Where a service reads the catalogue of services (under its own prefix)."""

    catalogue_file: Path = Field(
        CATALOGUE_FILE,
        description="The services residents can ask for (intake's GET /v1/services): the "
        "City's file of reports and applications, read at start.",
    )

    def catalogue(self) -> Catalogue:
        return load_catalogue(self.catalogue_file)


class CatalogueError(ValueError):
    """The file cannot be used: the message names the entry and what is wrong."""


def load_catalogue(path: Path) -> Catalogue:
    try:
        document: Any = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: {exc}") from exc
    if not isinstance(document, dict):
        raise CatalogueError(f"{path}: expected a mapping with version, reports, applications")
    try:
        services = [*_reports(document), *_applications(document)]
        catalogue = Catalogue(
            version=str(document["version"]),
            services=tuple(services),
            appeal_days=document.get("appeal_days", 30),
            renewal_notice_days=document.get("renewal_notice_days", 30),
        )
    except (KeyError, TypeError, ValidationError) as exc:
        raise CatalogueError(f"{path}: {_say(exc)}") from None
    _check(catalogue)
    return catalogue


def _reports(document: dict[str, Any]) -> list[Service]:
    """A category's generic fault report: its code is the category's own."""
    categories = {c.code: c for c in CATEGORIES}
    reports = []
    for entry in document["reports"]:
        category = categories.get(entry["category"])
        if category is None:
            raise CatalogueError(f"report: no category {entry['category']!r}")
        names = {"en": category.name_en, "af": category.name_af, "xh": category.name_xh}
        service = {"code": category.code, "kind": Kind.REPORT, "name": names}
        reports.append(
            Service.model_validate({**service, "department": category.department, **entry})
        )
    return reports


def _applications(document: dict[str, Any]) -> list[Service]:
    departments = {c.code: c.department for c in CATEGORIES}
    questions, papers = document.get("questions", {}), document.get("documents", {})
    reasons = document.get("decline_reasons", {})
    applications = []
    for entry in document["applications"]:
        where = f"application {entry.get('code')!r}"
        account_number = entry.pop("account_number", None)
        fields = {
            **entry,
            "kind": Kind.APPLICATION,
            "department": entry.get("department", departments.get(entry["category"])),
            "account_number_required": account_number == "required",
            "questions": [_named(questions, q, where) for q in entry.get("questions", [])],
            "documents": [_document(papers, d, where) for d in entry.get("documents", [])],
            "decline_reasons": [
                {"code": code, "name": _lookup(reasons, code, f"{where}: decline reason")}
                for code in entry.get("decline_reasons", [])
            ],
        }
        try:
            applications.append(Service.model_validate(fields))
        except ValidationError as exc:
            raise CatalogueError(f"{where}: {_say(exc)}") from None
    return applications


def _named(shared: dict[str, Any], entry: dict[str, Any], where: str) -> dict[str, Any]:
    """An entry that names a shared question or paper by code, with its own fields on top."""
    if entry["code"] in shared:
        return {**shared[entry["code"]], **entry}
    if "label" not in entry and "name" not in entry:
        raise CatalogueError(f"{where}: {entry['code']!r} is neither defined here nor shared")
    return entry


def _document(papers: dict[str, Any], entry: dict[str, Any], where: str) -> dict[str, Any]:
    alternatives = [
        {"code": code, "name": _lookup(papers, code, f"{where}: paper")["name"]}
        for code in entry.get("alternatives", [])
    ]
    return {**_named(papers, entry, where), "alternatives": alternatives}


def _lookup(table: dict[str, Any], code: str, what: str) -> Any:
    if code not in table:
        raise CatalogueError(f"{what} {code!r} is not defined")
    return table[code]


def _check(catalogue: Catalogue) -> None:
    """What one entry cannot say alone: codes once, every category reported, rules that
    refer to the service's own questions."""
    codes = [s.code for s in catalogue.services]
    if twice := sorted({c for c in codes if codes.count(c) > 1}):
        raise CatalogueError(f"services listed twice: {', '.join(twice)}")
    reported = {s.category for s in catalogue.services if s.kind is Kind.REPORT}
    if missing := sorted({c.code for c in CATEGORIES} - reported):
        raise CatalogueError(f"categories without a fault report: {', '.join(missing)}")
    for service in catalogue.services:
        for question in service.questions:
            listed = question.datatype in (Datatype.SINGLE, Datatype.MULTI)
            if listed != bool(question.values):
                raise CatalogueError(f"{service.code}: {question.code}: values go with lists")
            if question.pattern is not None:
                re.compile(question.pattern)
        for warning in service.warnings:
            for condition in warning.when:
                if service.question(condition.question) is None:
                    message = f"{service.code}: warning {warning.code} asks {condition.question}"
                    raise CatalogueError(f"{message}, which is not one of its questions")
        if service.kind is Kind.APPLICATION and not service.decline_reasons:
            raise CatalogueError(f"{service.code}: an application needs decline_reasons")


def _say(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3]
        )
    if isinstance(exc, KeyError):
        return f"{exc.args[0]} is missing"
    return str(exc)
