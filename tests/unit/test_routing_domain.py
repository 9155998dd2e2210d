"""Routing's pure rules: which rule decides, and which status changes are legal."""

from pathlib import Path

import pytest

from services.routing.rules.adapters import load_seed
from services.routing.rules.domain import Rule, RuleError, conflicts, decide
from services.routing.work.domain import transition_refusal
from shared.catalogue import CATEGORIES
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Priority

SEED = Path(__file__).resolve().parents[2] / "deploy" / "routing-rules.yaml"
S = RequestStatus


@pytest.fixture(scope="module")
def seed() -> list[Rule]:
    return [spec.to_rule(i) for i, spec in enumerate(load_seed(SEED), start=1)]


@pytest.mark.parametrize("category", CATEGORIES, ids=lambda c: c.code)
def test_every_seed_category_routes_to_its_department(seed: list[Rule], category) -> None:
    rule = decide(seed, category.code, Area.NORTH, "Atlantis", "please help")
    assert rule is not None and not rule.refers
    assert rule.department == category.department


@pytest.mark.parametrize(
    ("category", "description", "priority"),
    [
        ("water", "A burst main is flooding the road", Priority.URGENT),
        ("sewage", "Manhole overflowing into the houses", Priority.URGENT),
        ("electricity", "Exposed wire hanging over the path, sparking", Priority.URGENT),
        ("water", "Low pressure in the mornings", Priority.NORMAL),
    ],
)
def test_emergencies_are_urgent(
    seed: list[Rule], category: str, description: str, priority: Priority
) -> None:
    rule = decide(seed, category, Area.EAST, "Khayelitsha", description)
    assert rule is not None and rule.priority is priority


def test_electricity_in_an_eskom_community_is_referred_with_a_note(seed: list[Rule]) -> None:
    rule = decide(seed, "electricity", Area.EAST, "mfuleni", "No power since Tuesday")
    assert rule is not None and rule.refers
    assert rule.refer_note is not None and "Eskom" in rule.refer_note
    city = decide(seed, "electricity", Area.EAST, "Khayelitsha", "No power since Tuesday")
    assert city is not None and city.department == "electricity"


def test_specificity_community_beats_area_beats_keyword_beats_category() -> None:
    rules = [
        Rule("water", department="revenue", id=1),
        Rule("water", department="valuations", keywords=("leak",), id=2),
        Rule("water", department="solid-waste", area=Area.SOUTH, id=3),
        Rule("water", department="electricity", community="Ocean View", id=4),
    ]
    pick = lambda area, community, text: decide(rules, "water", area, community, text).id  # noqa: E731
    assert pick(Area.SOUTH, "Ocean View", "leak") == 4
    assert pick(Area.SOUTH, "Masiphumelele", "leak") == 3
    assert pick(Area.NORTH, "Atlantis", "a leak") == 2
    assert pick(Area.NORTH, "Atlantis", "no water") == 1


def test_among_equally_specific_matches_the_most_urgent_wins() -> None:
    rules = [
        Rule("sewage", department="water-and-sanitation", keywords=("smell",), id=1),
        Rule(
            "sewage",
            department="water-and-sanitation",
            keywords=("overflow",),
            priority=Priority.URGENT,
            id=2,
        ),
    ]
    assert decide(rules, "sewage", Area.EAST, "Delft", "smell and overflow").id == 2


def test_no_matching_rule_is_none_never_a_guess() -> None:
    rules = [Rule("water", department="water-and-sanitation")]
    assert decide(rules, "parks", Area.EAST, "Delft", "grass") is None


def test_equally_specific_rules_that_disagree_are_a_configuration_error(tmp_path: Path) -> None:
    rules = [
        Rule("parks", department="recreation-and-parks", area=Area.EAST),
        Rule("parks", department="solid-waste", area=Area.EAST),
    ]
    assert len(conflicts(rules)) == 1
    seed = tmp_path / "rules.yaml"
    seed.write_text(
        "rules:\n"
        "  - {category: parks, area: east, department: recreation-and-parks}\n"
        "  - {category: parks, area: east, department: solid-waste}\n"
    )
    with pytest.raises(RuleError, match="disagree"):
        load_seed(seed)


def test_identical_rules_are_not_a_conflict() -> None:
    rule = Rule("parks", department="recreation-and-parks")
    assert conflicts([rule, Rule("parks", department="recreation-and-parks")]) == []


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("{category: potholes, department: revenue}", "unknown category"),
        ("{category: parks, department: parks-dept}", "unknown department"),
        ("{category: parks}", "either a department or a refer"),
        ("{category: parks, department: revenue, colour: red}", "Extra inputs"),
    ],
)
def test_a_bad_seed_rule_is_named(tmp_path: Path, entry: str, says: str) -> None:
    seed = tmp_path / "rules.yaml"
    seed.write_text(f"rules:\n  - {entry}\n")
    with pytest.raises(RuleError, match=says):
        load_seed(seed)


# The lifecycle, written out independently of the implementation's table.
LEGAL = {
    (S.ROUTED, S.ACKNOWLEDGED),
    (S.ROUTED, S.IN_PROGRESS),
    (S.ROUTED, S.RESOLVED),
    (S.ROUTED, S.REFERRED),
    (S.ACKNOWLEDGED, S.IN_PROGRESS),
    (S.ACKNOWLEDGED, S.RESOLVED),
    (S.ACKNOWLEDGED, S.REFERRED),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.IN_PROGRESS, S.REFERRED),
    (S.ROUTED, S.CLOSED),  # with a cause: a duplicate, not the City's, no further action
    (S.ACKNOWLEDGED, S.CLOSED),
    (S.IN_PROGRESS, S.CLOSED),
    (S.RESOLVED, S.CLOSED),
    (S.RESOLVED, S.IN_PROGRESS),
}


# An application's: the same, less resolving, plus papers asked for and the decision.
DECIDING = (S.MORE_INFORMATION_NEEDED, S.APPROVED, S.DECLINED, S.WITHDRAWN)
APPLICATION_LEGAL = {(a, b) for a, b in LEGAL if S.RESOLVED not in (a, b)} | {
    *((s, d) for s in (S.ROUTED, S.ACKNOWLEDGED, S.IN_PROGRESS) for d in DECIDING),
    *((S.MORE_INFORMATION_NEEDED, d) for d in DECIDING),  # asked again, or decided
    (S.MORE_INFORMATION_NEEDED, S.IN_PROGRESS),  # the papers came
    (S.MORE_INFORMATION_NEEDED, S.CLOSED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("new", list(S))
@pytest.mark.parametrize("application", [False, True])
def test_every_transition_is_legal_or_refused_with_a_reason(
    current: S, new: S, application: bool
) -> None:
    refusal = transition_refusal(current, new, application)
    if (current, new) in (APPLICATION_LEGAL if application else LEGAL):
        assert refusal is None
    else:
        assert refusal is not None and len(refusal) > 10
