"""The fields of each event known to hold nothing personal: identifiers the City made
(references, visit and delivery ids), codes and enumerations, counts and times. Everything
else (a resident's words, contact details, exact places, free-text notes and reasons, and any
field a contract gains later) is personal until it is named here: dead letters keep only
these (shared/deadletter.py). A dotted name reaches into an object, or into each object of a
list; a unit test keeps every name to a field its contract has."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from shared.contracts import notifications, privacy, requests, routing, visits

__all__ = ["ENVELOPE", "PUBLIC_FIELDS"]

ENVELOPE: Final = frozenset(
    {"specversion", "id", "type", "source", "subject", "time", "datacontenttype"}
)
"""The CloudEvents attributes: ids, names and a time (the subject is a reference number, a
visit id or a privacy request's id)."""

_CONTACT_CHOICES: Final = (
    "resident.language",
    "resident.updates_by",
    "resident.privacy_notice_given",
)
_VISIT: Final = ("visit_id", "area", "community", "venue", "date")  # the City's own plans
_REQUESTED: Final = frozenset({"request_id", "asked_at"})
_ANSWERED: Final = frozenset({"request_id", "service", "references", "answered_at"})
_DELIVERY: Final = ("delivery_id", "subject", "channel", "template", "language", "attempts")

PUBLIC_FIELDS: Final[dict[type[BaseModel], frozenset[str]]] = {
    requests.RequestLogged: frozenset(
        {"reference", "category", "location.area", "visit_id", "agent", "channel", "logged_at"}
        | set(_CONTACT_CHOICES)
    ),
    requests.FollowerJoined: frozenset({"reference", "agent", "joined_at", *_CONTACT_CHOICES}),
    requests.ReopenAsked: frozenset({"reference", "asked_by", "asked_at"}),
    requests.FixedConfirmed: frozenset({"reference", "confirmed_at"}),
    requests.AttachmentAdded: frozenset(
        {"reference", "attachment_id", "kind", "content_type", "bytes", "sha256", "added_at"}
    ),
    routing.RequestAssigned: frozenset(
        {
            "reference",
            "category",
            "location.area",
            "department",
            "priority",
            "due_at",
            "resident_contactable",
            "logged_at",
        }
    ),
    routing.RequestRouted: frozenset(
        {
            "reference",
            "category",
            "area",
            "outcome",
            "status",
            "department",
            "priority",
            "due_at",
            "decided_at",
        }
    ),
    routing.RequestUnroutable: frozenset({"reference", "category", "area", "status", "decided_at"}),
    routing.PhotoMadePublic: frozenset(
        {"reference", "attachment_id", "department", "made_public_at"}
    ),
    routing.StatusChanged: frozenset(
        {
            "reference",
            "status",
            "previous_status",
            "department",
            "note_public",
            "cause",
            "duplicate_of",
            "changed_at",
        }
    ),
    routing.RequestOverdue: frozenset(
        {"reference", "category", "department", "priority", "status", "due_at", "noticed_at"}
    ),
    routing.OverdueDigest: frozenset(
        {"department", "day", "sent_at"}
        | {f"requests.{f}" for f in ("reference", "category", "priority", "status", "due_at")}
    ),
    visits.VisitScheduled: frozenset({*_VISIT, "starts_at", "ends_at", "team"}),
    visits.VisitChanged: frozenset({*_VISIT, "starts_at", "ends_at", "team", "previous_date"}),
    visits.VisitCancelled: frozenset(_VISIT),
    notifications.NotificationDelivered: frozenset({*_DELIVERY, "sent_at"}),
    notifications.NotificationFailed: frozenset({*_DELIVERY, "failed_at"}),
    privacy.AccessRequested: _REQUESTED,
    privacy.ErasureRequested: _REQUESTED,
    privacy.CorrectionRequested: _REQUESTED,
    privacy.AccessAnswered: _ANSWERED,
    privacy.ErasureAnswered: _ANSWERED,
    privacy.CorrectionAnswered: _ANSWERED,
}
