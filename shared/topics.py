"""Topic names and event types: the names on the bus, in one place (which model and topic
each type has is shared/contracts/registry.py)."""

from typing import Final

__all__ = [
    "DEADLETTER",
    "DEFAULT_PARTITIONS",
    "NOTIFICATIONS",
    "PERSONAL_TOPICS",
    "PRIVACY_ANSWERING",
    "PRIVACY_REQUESTS",
    "REQUESTS_LOGGED",
    "REQUESTS_REOPEN",
    "REQUESTS_ROUTED",
    "REQUESTS_STATUS",
    "VISITS",
    "EventType",
    "department_topic",
    "privacy_answers",
    "source",
]

DEFAULT_PARTITIONS: Final = 6

REQUESTS_LOGGED: Final = "mo.requests.logged"
REQUESTS_ROUTED: Final = "mo.requests.routed"
REQUESTS_STATUS: Final = "mo.requests.status"
REQUESTS_REOPEN: Final = "mo.requests.reopen"  # residents saying "not fixed"
VISITS: Final = "mo.visits"
NOTIFICATIONS: Final = "mo.notifications"
DEADLETTER: Final = "mo.deadletter"
PRIVACY_REQUESTS: Final = "mo.privacy.requests"  # residents' access, erasure, correction asks
PRIVACY_ANSWERING: Final = ("notifications", "routing")
"""The services that answer a privacy request on the bus, each on its own topic (intake
collects the answers and keeps its own part in its store)."""


def privacy_answers(service: str) -> str:
    """The topic only `service` writes its privacy answers to, e.g.
    `mo.privacy.answers.notifications`: a reader knows who answered from the topic, which
    the brokers' ACLs vouch for, not from anything the answer says of itself."""
    return f"mo.privacy.answers.{service}"


PERSONAL_TOPICS: Final = frozenset(
    {REQUESTS_LOGGED, PRIVACY_REQUESTS, *(privacy_answers(s) for s in PRIVACY_ANSWERING)}
)
"""The topics with residents' contact details or identifiers, or the answers about them:
kept days, not a week."""


def department_topic(department: str) -> str:
    """The topic a department's team reads its assignments from, e.g. `mo.dept.electricity`."""
    return f"mo.dept.{department}"


def source(service: str) -> str:
    """The CloudEvents `source` of a service, e.g. `/mobileoffice/intake`."""
    return f"/mobileoffice/{service}"


class EventType:
    """CloudEvents `type` values; the `.v1` suffix changes only with an incompatible contract."""

    REQUEST_LOGGED: Final = "mobileoffice.request.logged.v1"
    REQUEST_ROUTED: Final = "mobileoffice.request.routed.v1"
    REQUEST_UNROUTABLE: Final = "mobileoffice.request.unroutable.v1"
    REQUEST_ASSIGNED: Final = "mobileoffice.request.assigned.v1"
    REQUEST_STATUS_CHANGED: Final = "mobileoffice.request.status_changed.v1"
    REQUEST_OVERDUE: Final = "mobileoffice.request.overdue.v1"
    REQUEST_REOPEN_ASKED: Final = "mobileoffice.request.reopen_asked.v1"
    REQUEST_FIXED_CONFIRMED: Final = "mobileoffice.request.fixed_confirmed.v1"
    FOLLOWER_JOINED: Final = "mobileoffice.request.follower_joined.v1"
    ATTACHMENT_ADDED: Final = "mobileoffice.request.attachment_added.v1"
    PHOTO_MADE_PUBLIC: Final = "mobileoffice.request.photo_made_public.v1"
    OVERDUE_DIGEST: Final = "mobileoffice.department.overdue_digest.v1"
    VISIT_SCHEDULED: Final = "mobileoffice.visit.scheduled.v1"
    VISIT_CHANGED: Final = "mobileoffice.visit.changed.v1"
    VISIT_CANCELLED: Final = "mobileoffice.visit.cancelled.v1"
    NOTIFICATION_DELIVERED: Final = "mobileoffice.notification.delivered.v1"
    NOTIFICATION_FAILED: Final = "mobileoffice.notification.failed.v1"
    ACCESS_REQUESTED: Final = "mobileoffice.privacy.access_requested.v1"
    ACCESS_ANSWERED: Final = "mobileoffice.privacy.access_answered.v1"
    ERASURE_REQUESTED: Final = "mobileoffice.privacy.erasure_requested.v1"
    ERASURE_ANSWERED: Final = "mobileoffice.privacy.erasure_answered.v1"
    CORRECTION_REQUESTED: Final = "mobileoffice.privacy.correction_requested.v1"
    CORRECTION_ANSWERED: Final = "mobileoffice.privacy.correction_answered.v1"
