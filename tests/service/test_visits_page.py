"""Intake's visits page (/visits/): area, then community, then its coming visits and the
news form, for every community the Mobile Office serves (the City's list), under 30 KB, no
script, in the language asked. The follow-up page's tests (test_resident_pages.py) hold the
helpers."""

from __future__ import annotations

from tests.service.test_resident_pages import announce, check_page, intake, visit
from tests.support.intake import Intake

__all__ = ["intake"]  # the fixture, shared with the follow-up page's tests


async def test_visits_go_from_area_to_community_to_its_coming_visits(intake: Intake) -> None:
    await announce(intake, visit("Khayelitsha", 10))
    await announce(intake, visit("Khayelitsha", 1))  # past: not shown
    await announce(intake, visit("Mfuleni", 11))
    areas = await intake.client.get("/visits/", headers={"Accept-Language": "af"})
    assert areas.status_code == 200 and "Oos" in check_page(areas)
    assert 'href="/visits/?area=east&amp;lang=af"' in areas.text
    east = await intake.client.get("/visits/?area=east&lang=af")
    text = check_page(east)
    assert "Khayelitsha" in text and "Mfuleni" in text
    shown = await intake.client.get("/visits/?community=khayelitsha&lang=en")
    text = check_page(shown)
    assert "Thursday 10 December 2026, 09:30-13:30, at Khayelitsha Library" in text
    assert "December 2026, 09:30-13:30, at Khayelitsha Library" in text
    assert "Tuesday 1 December" not in text
    assert "/v1/visits.ics?community=Khayelitsha" in text
    assert 'action="https://notify.example.net/visits/subscribe"' in text
    assert 'name="community" value="Khayelitsha"' in text
    policy = shown.headers["content-security-policy"]
    assert "form-action 'self' https://notify.example.net;" in policy
    unknown = await intake.client.get("/visits/?community=Atlantis Beach")
    assert unknown.status_code == 404 and "Choose your area" in check_page(unknown)
    assert "does not know a community called “Atlantis Beach”" in unknown.text


async def test_every_community_served_is_listed_announced_or_not(intake: Intake) -> None:
    await announce(intake, visit("Khayelitsha", 10))
    north = check_page(await intake.client.get("/visits/?area=north&lang=en"))
    for community in ("Atlantis", "Mamre", "Wallacedene", "Bloekombos", "Dunoon"):
        assert f">{community}</a>" in north, community
    assert "Khayelitsha" not in north
    east = check_page(await intake.client.get("/visits/?area=east&lang=en"))
    for community in ("Khayelitsha", "Mfuleni", "Macassar", "Lwandle"):
        assert f">{community}</a>" in east, community
    mamre = await intake.client.get("/visits/?community=mamre&lang=xh")
    assert mamre.status_code == 200
    text = check_page(mamre)
    assert "Akukabhengezwa tyelelo e-Mamre." in text
    assert 'name="community" value="Mamre"' in text and 'name="phone"' in text
    assert 'href="/visits/?area=north&amp;lang=xh"' in text
    west = await intake.client.get("/visits/?area=west&lang=en")
    assert west.status_code == 404
    assert "There is no area called “west”" in check_page(west) and ">North</a>" in west.text
    both = await intake.client.get("/visits/?area=east&community=Nowhere&lang=af")
    assert both.status_code == 404 and "“Nowhere”" in check_page(both)


async def test_the_news_form_says_how_to_write_a_phone_number(intake: Intake) -> None:
    text = check_page(await intake.client.get("/visits/?community=Delft&lang=en"))
    assert "e.g. 082 555 0199" in text
    assert "Give your phone number or your e-mail address (if both, we use the phone)" in text
