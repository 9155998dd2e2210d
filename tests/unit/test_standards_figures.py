"""The public figures' rules, pure: groups of fewer than 5 requests are merged into "other"
and never shown alone, months are counted back across the year, and the page's words are
there in all three languages."""

from __future__ import annotations

import datetime as dt

from services.routing.standards import texts
from services.routing.standards.domain import (
    OTHER,
    Due,
    figure,
    last_whole_month,
    merged,
    months_before,
)
from shared.contracts.common import Language, RequestStatus

LOGGED = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)


def due(n: int, hours: float | None = None) -> list[Due]:
    resolved = LOGGED + dt.timedelta(hours=hours) if hours is not None else None
    status = RequestStatus.RESOLVED if resolved else RequestStatus.ROUTED
    return [
        Due("d", "c", status, LOGGED, LOGGED + dt.timedelta(hours=24), resolved) for _ in range(n)
    ]


def sizes(groups: dict[str, list[Due]]) -> list[tuple[str, int]]:
    return [(name, len(items)) for name, items in merged(groups)]


def test_small_groups_are_counted_together_as_other() -> None:
    assert sizes({"a": due(7), "b": due(3), "c": due(2)}) == [("a", 7), (OTHER, 5)]


def test_an_other_still_too_small_takes_in_the_smallest_named_group() -> None:
    groups = {"a": due(9), "b": due(6), "c": due(3)}
    assert sizes(groups) == [("a", 9), (OTHER, 9)]


def test_when_all_of_them_are_too_few_nothing_is_shown() -> None:
    assert sizes({"a": due(2), "b": due(2)}) == []
    assert sizes({"a": due(5)}) == [("a", 5)]


def test_a_group_named_other_is_never_shown_apart_from_the_merged_one() -> None:
    assert sizes({OTHER: due(5), "b": due(2), "a": due(6)}) == [("a", 6), (OTHER, 7)]


def test_days_to_resolve_are_the_hours_in_days() -> None:
    found = figure("g", due(3, 36) + due(1, 12), LOGGED + dt.timedelta(days=40))
    assert (found.median_hours, found.median_days, found.p90_days) == (36.0, 1.5, 1.5)
    assert found.resolved_within == 1 and found.share_within == 0.25


def test_months_are_counted_back_across_the_year() -> None:
    assert months_before("2026-02", 3) == ["2025-11", "2025-12", "2026-01"]
    assert len(months_before("2026-11", 12)) == 12
    assert last_whole_month(dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)) == "2025-12"
    # 23:00 on 31 December UTC is already 1 January in Cape Town: December is whole.
    assert last_whole_month(dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC)) == "2026-12"


def test_every_word_is_there_in_all_three_languages() -> None:
    for table in (texts.WORDS, texts.AREAS, texts.CHANNELS):
        keys = {language: set(table[language]) for language in Language}
        assert keys[Language.AF] == keys[Language.EN] == keys[Language.XH]
    for language in Language:
        assert len(texts.MONTHS[language].split()) == 12
