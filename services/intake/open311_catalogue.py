"""What intake says about itself in Open311 GeoReport v2 terms: the discovery document, the
list of services (our 11 categories, grouped by department) and each service's definition.
Every service asks for the same attributes a field agent's form asks for: the area and the
community (the City routes by them; a point alone does not say which), the language the
resident wants updates in, and for accounts the account number. Plain data: open311.py
renders it as JSON or XML."""

from __future__ import annotations

from typing import Any, Final

from shared.catalogue import CATEGORIES, DEPARTMENTS, Category
from shared.contracts.common import Area, Language

__all__ = ["CHANGESET", "DESCRIPTIONS", "definition", "discovery", "services"]

CHANGESET: Final = "2026-11-26T00:00:00Z"
SPECIFICATION: Final = "http://wiki.open311.org/GeoReport_v2"
_DEPARTMENT_NAMES: Final = {d.slug: d.name for d in DEPARTMENTS}
LANGUAGE_NAMES: Final = {Language.EN: "English", Language.AF: "Afrikaans", Language.XH: "isiXhosa"}

DESCRIPTIONS: Final = {
    "accounts": "Questions about a municipal account: a wrong bill, a payment not shown.",
    "water": "No water, low pressure, a burst pipe or a leaking meter.",
    "electricity": "No power, a street light out, a damaged box or a dangerous wire.",
    "sewage": "A blocked or overflowing sewer, a smell, a missing manhole cover.",
    "refuse-collection": "Refuse not collected on the collection day.",
    "bins": "A City wheelie bin stolen or damaged.",
    "pensioner-rebates": "Applying for, or asking about, a pensioner's rates rebate.",
    "parks": "Grass, trees, play equipment and toilets in a park.",
    "illegal-dumping": "Rubble, refuse or garden waste dumped on public land.",
    "valuations": "Questions about or objections to a property's valuation.",
    "roads-stormwater": "Potholes, damaged kerbs, blocked stormwater drains, flooding.",
}


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name_en,
        "description": DESCRIPTIONS[category.code],
        "metadata": True,  # every service asks for area and community: see definition()
        "type": "realtime",
        "keywords": ", ".join(
            dict.fromkeys([category.name_en, category.name_af, category.name_xh])
        ),
        "group": _DEPARTMENT_NAMES[category.department],
    }


def services() -> list[dict[str, Any]]:
    return [_service(c) for c in CATEGORIES]


def _choices(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "name": name} for key, name in values.items()]


def definition(code: str) -> dict[str, Any] | None:
    """The service definition of `code`, or None for a code that is not ours."""
    if not any(c.code == code for c in CATEGORIES):
        return None
    attributes: list[dict[str, Any]] = [
        {
            "variable": True,
            "code": "area",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": "The City's service-delivery area.",
            "order": 1,
            "description": "Area",
            "values": _choices({a.value: a.value.title() for a in Area}),
        },
        {
            "variable": True,
            "code": "community",
            "datatype": "string",
            "required": True,
            "datatype_description": "The community or suburb, up to 100 characters.",
            "order": 2,
            "description": "Community or suburb",
        },
        {
            "variable": True,
            "code": "language",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "The language of the updates the resident receives.",
            "order": 3,
            "description": "Language for updates",
            "values": _choices({lang.value: LANGUAGE_NAMES[lang] for lang in Language}),
        },
    ]
    if code == "accounts":
        attributes.append(
            {
                "variable": True,
                "code": "account_number",
                "datatype": "string",
                "required": False,
                "datatype_description": "6 to 12 digits, as printed on the account.",
                "order": 4,
                "description": "Account number",
            }
        )
    return {"service_code": code, "attributes": attributes}


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
