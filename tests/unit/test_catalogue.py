"""The City's catalogue file: each mistake stops intake at start, naming what is wrong."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.intake.settings import IntakeSettings
from shared.catalogue_file import CatalogueError, load_catalogue
from shared.service_catalogue import Kind

FILE = IntakeSettings().catalogue_file


def _application(document: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in document["applications"] if a["code"] == code)
    return found


def _no_water_report(d: dict[str, Any]) -> None:
    d["reports"] = [r for r in d["reports"] if r["category"] != "water"]


def _unknown_category(d: dict[str, Any]) -> None:
    d["reports"].append({"category": "potholes", "decision_days": 3})


def _warning_on_a_question_not_asked(d: dict[str, Any]) -> None:
    _application(d, "indigent-support")["warnings"][0]["when"][0]["question"] = "shoe_size"


def _no_decline_reasons(d: dict[str, Any]) -> None:
    _application(d, "bin-stolen")["decline_reasons"] = []


def _undefined_decline_reason(d: dict[str, Any]) -> None:
    _application(d, "bin-stolen")["decline_reasons"].append("bad_weather")


def _listed_twice(d: dict[str, Any]) -> None:
    d["applications"].append(dict(_application(d, "bin-damaged")))


def _list_without_values(d: dict[str, Any]) -> None:
    _application(d, "bin-damaged")["questions"][0]["values"] = []


def _a_name_without_isixhosa(d: dict[str, Any]) -> None:
    del _application(d, "water-connection")["name"]["xh"]


@pytest.mark.parametrize(
    ("break_it", "said"),
    [
        (_no_water_report, "without a fault report: water"),
        (_unknown_category, "potholes"),
        (_warning_on_a_question_not_asked, "shoe_size"),
        (_no_decline_reasons, "decline_reasons"),
        (_undefined_decline_reason, "bad_weather"),
        (_listed_twice, "listed twice: bin-damaged"),
        (_list_without_values, "values go with lists"),
        (_a_name_without_isixhosa, "name.xh"),
    ],
)
def test_a_broken_catalogue_is_refused_saying_what_is_wrong(
    tmp_path: Path, break_it: Callable[[dict[str, Any]], None], said: str
) -> None:
    document = yaml.safe_load(FILE.read_text())
    break_it(document)
    broken = tmp_path / "catalogue.yaml"
    broken.write_text(yaml.safe_dump(document, allow_unicode=True))
    with pytest.raises(CatalogueError, match=said):
        load_catalogue(broken)


def test_the_citys_file_loads_and_its_version_follows_its_content(tmp_path: Path) -> None:
    catalogue = load_catalogue(FILE)
    document = yaml.safe_load(FILE.read_text())
    _application(document, "indigent-support")["warnings"][0]["when"][0]["above"] = 8000
    changed = tmp_path / "catalogue.yaml"
    changed.write_text(yaml.safe_dump(document, allow_unicode=True))
    assert load_catalogue(changed).digest != catalogue.digest


def test_a_fault_reports_days_are_its_categorys_published_standard() -> None:
    """The catalogue and routing's seed rules publish the same standard for a fault report:
    the rule for the category alone (no area, community or keyword), in days."""
    rules = yaml.safe_load((FILE.parent / "routing-rules.yaml").read_text())["rules"]
    plain = {
        r["category"]: r["target_hours"] / 24
        for r in rules
        if not (r.get("area") or r.get("community") or r.get("keywords") or r.get("refer"))
    }
    reports = [s for s in load_catalogue(FILE).services if s.kind is Kind.REPORT]
    assert {s.category: float(s.decision_days) for s in reports} == plain
