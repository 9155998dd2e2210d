"""Residents' privacy requests, as rules: who answers each kind, and the event that asks."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from services.intake.privacy.schemas import PrivacyAsk
from shared.contracts.privacy import (
    AccessRequested,
    CorrectionRequested,
    ErasureRequested,
    PrivacyKind,
)

__all__ = ["EXPECTED", "asked_event"]

EXPECTED: Final = {
    PrivacyKind.ACCESS: ("notifications", "intake", "routing"),
    PrivacyKind.ERASURE: ("notifications", "intake", "routing"),
    PrivacyKind.CORRECTION: ("notifications",),
}


def asked_event(
    body: PrivacyAsk, request_id: str, now: datetime
) -> AccessRequested | ErasureRequested | CorrectionRequested:
    """The event that asks every service for its part (a correction carries the new value)."""
    phone, email = body.phone, str(body.email) if body.email else None
    if body.kind is PrivacyKind.ACCESS:
        return AccessRequested(request_id=request_id, phone=phone, email=email, asked_at=now)
    if body.kind is PrivacyKind.ERASURE:
        return ErasureRequested(request_id=request_id, phone=phone, email=email, asked_at=now)
    return CorrectionRequested(
        request_id=request_id,
        phone=phone,
        email=email,
        asked_at=now,
        new_phone=body.new_phone,
        new_email=body.new_email,
    )
