"""How a request came, as request.logged tells routing: at a visit, by the field app outside
one, or from an Open311 partner (intake keeps its own `channel` column as it was)."""

from __future__ import annotations

from services.intake.requests.domain import request_channel


def test_the_channel_follows_how_intake_took_the_request() -> None:
    assert request_channel("mobile-office", "visit-2026-12-08-khayelitsha") == "visit"
    assert request_channel("mobile-office", None) == "field-app"
    assert request_channel("open311", None) == "open311"
    assert request_channel("open311", "visit-x") == "open311"
