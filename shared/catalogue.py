"""The categories residents raise and the City departments behind them.

Intake shows these in /v1/categories; routing's rules refer to the same codes and slugs.
The department named here is the usual one; routing's rules have the final word.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final

__all__ = [
    "CATALOGUE_VERSION",
    "CATEGORIES",
    "CATEGORY_CODES",
    "DEPARTMENTS",
    "DEPARTMENT_SLUGS",
    "Category",
    "Department",
]


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name_en: str
    name_af: str
    name_xh: str
    department: str


@dataclass(frozen=True, slots=True)
class Department:
    slug: str
    name: str
    directorate: str  # the City directorate it belongs to, as the City's open data names it


DEPARTMENTS: Final[tuple[Department, ...]] = (
    Department("water-and-sanitation", "Water and Sanitation", "Water and Sanitation"),
    Department("electricity", "Electricity Generation and Distribution", "Energy"),
    Department("solid-waste", "Solid Waste Management", "Urban Waste Management"),
    Department("revenue", "Revenue", "Finance"),
    Department("valuations", "Valuations", "Finance"),
    Department("recreation-and-parks", "Recreation and Parks", "Community Services and Health"),
    Department("roads-and-stormwater", "Roads Infrastructure Management", "Urban Mobility"),
)

CATEGORIES: Final[tuple[Category, ...]] = (
    Category("accounts", "Accounts", "Rekeninge", "Iiakhawunti", "revenue"),
    Category("water", "Water", "Water", "Amanzi", "water-and-sanitation"),
    Category("electricity", "Electricity", "Elektrisiteit", "Umbane", "electricity"),
    Category("sewage", "Sewage", "Riool", "Ilindle", "water-and-sanitation"),
    Category(
        "refuse-collection",
        "Refuse collection",
        "Vullisverwydering",
        "Ukuqokelelwa kwenkunkuma",
        "solid-waste",
    ),
    Category(
        "bins",
        "Stolen and damaged bins",
        "Gesteelde en beskadigde vullisdromme",
        "Imigqomo ebiweyo neyonakeleyo",
        "solid-waste",
    ),
    Category(
        "pensioner-rebates",
        "Pensioner rebates",
        "Pensioenarisse-korting",
        "Izaphulelo zabantu abadla umhlala-phantsi",
        "revenue",
    ),
    Category(
        "parks", "Parks maintenance", "Parkonderhoud", "Ulondolozo lweepaki", "recreation-and-parks"
    ),
    Category(
        "illegal-dumping",
        "Illegal dumping",
        "Onwettige storting",
        "Ukulahlwa kwenkunkuma ngokungekho mthethweni",
        "solid-waste",
    ),
    Category("valuations", "Valuations", "Waardasies", "Uqingqo-xabiso", "valuations"),
    Category(
        "roads-stormwater",
        "Roads and stormwater",
        "Paaie en stormwater",
        "Iindlela namanzi esiphango",
        "roads-and-stormwater",
    ),
)

CATEGORY_CODES: Final[frozenset[str]] = frozenset(c.code for c in CATEGORIES)
DEPARTMENT_SLUGS: Final[frozenset[str]] = frozenset(d.slug for d in DEPARTMENTS)

# Changes whenever a category or a name changes: the field app keeps the list it last saw,
# shows this beside it, and knows to fetch a newer one.
CATALOGUE_VERSION: Final[str] = hashlib.sha256(repr(CATEGORIES).encode()).hexdigest()[:12]
