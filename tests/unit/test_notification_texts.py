"""Every SMS fits one GSM-7 segment in every language, even with the longest names."""

import datetime as dt

import pytest

from services.notifications.messages.domain import SEGMENT, gsm_length, is_gsm7, render, to_gsm7
from services.notifications.messages.texts import SMS, Template, department_name, visit_day
from shared.catalogue import DEPARTMENTS
from shared.catalogue_file import CATALOGUE_FILE, load_catalogue
from shared.contracts.common import Language
from shared.reference import format_for_reading, new_reference

CATALOGUE = load_catalogue(CATALOGUE_FILE)
LONGEST_DEPARTMENT = max((department_name(d.slug) for d in DEPARTMENTS), key=len)
LONGEST_DAY = {
    lang: max((visit_day(dt.date(2026, 9, d), lang) for d in range(21, 28)), key=len)
    for lang in Language
}
WORST = {
    "reference": format_for_reading("8" * 9 + "0"),
    "department": LONGEST_DEPARTMENT,
    "community": "Ekuphumleni Informal Settlement Extension Seven " + "x" * 52,  # 100 chars
    "venue": "Thusong Service Centre Multipurpose Community Hall " + "y" * 49,
    "note": "Electricity here is supplied by Eskom, not the City. " + "Call Eskom. " * 20,
    "hours": "09:30-13:30",
    "other": format_for_reading("7" * 9 + "0"),
    "service": max(
        (s.name.in_language(lang) for s in CATALOGUE.services for lang in Language), key=len
    ),
}


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("template", list(Template))
def test_every_sms_fits_one_gsm7_segment_at_its_worst(
    template: Template, language: Language
) -> None:
    params = {**WORST, "date": LONGEST_DAY[language], "until": LONGEST_DAY[language]}
    sms = render(template, language, params).sms
    assert gsm_length(sms) <= SEGMENT, sms
    assert is_gsm7(sms), sms
    for number in ("reference", "other"):
        if "{" + number + "}" in _pattern(template, language):
            assert WORST[number] in sms  # a reference is never shortened


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("template", list(Template))
def test_short_names_are_not_shortened(template: Template, language: Language) -> None:
    params = {
        "reference": format_for_reading(new_reference()),
        "department": "Solid Waste",
        "community": "Delft",
        "venue": "Delft Library",
        "note": "Please call Eskom on 08600 37566.",
        "date": visit_day(dt.date(2026, 12, 8), language),
        "hours": "09:30-13:30",
        "other": format_for_reading(new_reference()),
        "service": "Indigent support",
        "until": visit_day(dt.date(2027, 12, 8), language),
    }
    sms = render(template, language, params).sms
    assert ".." not in sms
    for name in ("reference", "department", "community", "venue", "note", "other", "service"):
        if "{" + name + "}" in _pattern(template, language):
            assert params[name] in sms


def _pattern(template: Template, language: Language) -> str:
    return SMS[language][template]


def test_afrikaans_and_other_accents_become_gsm7() -> None:
    assert to_gsm7("Kraaifontein-Noord se rêëlings") == "Kraaifontein-Noord se reelings"
    assert is_gsm7(to_gsm7("\u201cSiyakhula\u201d \u2013 \u00f4"))


def test_emails_carry_subject_body_and_the_whole_names() -> None:
    message = render(
        Template.ROUTED,
        Language.AF,
        {"reference": "812 345 6789", "department": "Water & Sanitation"},
    )
    assert message.email_subject == "U Mobiele Kantoor-versoek 812 345 6789"
    assert "na Water & Sanitation gestuur" in message.body
    assert "Stad Kaapstad" in message.body


def test_visit_days_in_each_language() -> None:
    day = dt.date(2026, 12, 8)
    assert visit_day(day, Language.EN) == "Tue 8 Dec"
    assert visit_day(day, Language.AF) == "Di 8 Des"
    assert visit_day(day, Language.XH) == "Lwesibini 8 Dis"
