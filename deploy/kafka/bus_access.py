"""Who may touch which topic: the one table the broker's ACLs are made from (deny by default).

Each service connects as its own principal, reads and writes only the topics below and uses
only consumer groups named after itself (`routing`, `routing-...`). `admin` is the brokers'
super user: it makes topics and applies this table (deploy/bus_setup.py), and the tests and
ops tooling use it. `observer` reads for dashboards and kcat, never `mo.requests.logged`, the
topic with residents' names and phone numbers, the privacy topics, the departments' work
(descriptions, exact places) or reopen asks (residents' words). A topic ending in `*`
is a prefix.

To add a principal: a row in PRINCIPALS and its grants here, then deploy/bus_setup.py (the
docs/operations.md, "Who may touch the bus", says how its password is made on a running cluster)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from shared.topics import (
    DEADLETTER,
    NOTIFICATIONS,
    PRIVACY_REQUESTS,
    REQUESTS_LOGGED,
    REQUESTS_REOPEN,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    VISITS,
    department_topic,
    privacy_answers,
)

__all__ = [
    "ACCESS",
    "ADMIN",
    "OBSERVER",
    "PRINCIPALS",
    "SERVICES",
    "Access",
    "Grant",
    "grants",
    "markdown_table",
]

ADMIN: Final = "admin"
OBSERVER: Final = "observer"
SERVICES: Final = ("intake", "routing", "notifications", "scheduling")
PRINCIPALS: Final = (ADMIN, OBSERVER, *SERVICES)
DEPARTMENTS: Final = department_topic("*")
NOTIFICATIONS_ANSWERS: Final = privacy_answers("notifications")
ROUTING_ANSWERS: Final = privacy_answers("routing")


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, slots=True)
class Grant:
    principal: str
    access: Access
    topic: str

    @property
    def prefixed(self) -> bool:
        return self.topic.endswith("*")

    @property
    def name(self) -> str:
        """The topic name, or the prefix without its `*`."""
        return self.topic.removesuffix("*")


def _grants(principal: str, access: Access, *topics: str) -> tuple[Grant, ...]:
    return tuple(Grant(principal, access, topic) for topic in topics)


R, W = Access.READ, Access.WRITE

ACCESS: Final[tuple[Grant, ...]] = (
    # Only intake writes the residents' requests; only routing and notifications read them.
    # Only intake asks privacy requests (they carry the identifier) and only notifications
    # reads them; each answering service writes only its own answers topic.
    *_grants("intake", W, REQUESTS_LOGGED, REQUESTS_REOPEN, PRIVACY_REQUESTS, DEADLETTER),
    *_grants(
        "intake",
        R,
        REQUESTS_ROUTED,
        REQUESTS_STATUS,
        VISITS,
        ROUTING_ANSWERS,
        NOTIFICATIONS_ANSWERS,
    ),
    # Only routing assigns, routes and changes a status.
    *_grants(
        "routing", W, DEPARTMENTS, REQUESTS_ROUTED, REQUESTS_STATUS, ROUTING_ANSWERS, DEADLETTER
    ),
    *_grants("routing", R, REQUESTS_LOGGED, REQUESTS_REOPEN, NOTIFICATIONS_ANSWERS),
    *_grants("notifications", W, NOTIFICATIONS, REQUESTS_REOPEN, NOTIFICATIONS_ANSWERS, DEADLETTER),
    *_grants(
        "notifications",
        R,
        REQUESTS_LOGGED,
        REQUESTS_ROUTED,
        REQUESTS_STATUS,
        VISITS,
        PRIVACY_REQUESTS,
    ),
    # Only scheduling announces visits.
    *_grants("scheduling", W, VISITS, DEADLETTER),
    *_grants("scheduling", R, REQUESTS_ROUTED, REQUESTS_STATUS),
    # Only what holds nothing of a resident, named one by one: a new topic is closed to
    # dashboards until someone decides it may be read. Not the departments' work (residents'
    # descriptions and exact places) nor reopen asks (the resident's own words).
    *_grants(OBSERVER, R, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS, NOTIFICATIONS, DEADLETTER),
)


def grants(principal: str) -> list[Grant]:
    return [grant for grant in ACCESS if grant.principal == principal]


def markdown_table() -> str:
    """The table as docs/interface.md shows it (a unit test keeps the page to it)."""
    rows = ["| principal | reads | writes | consumer groups |", "| --- | --- | --- | --- |"]
    rows.append(
        f"| `{ADMIN}` | every topic (super user) | every topic; makes topics, sets ACLs | any |"
    )
    for principal in PRINCIPALS[1:]:
        found = grants(principal)

        def topics(access: Access, found: list[Grant] = found) -> str:
            return ", ".join(f"`{g.topic}`" for g in found if g.access is access) or "nothing"

        rows.append(
            f"| `{principal}` | {topics(Access.READ)} | {topics(Access.WRITE)} | `{principal}*` |"
        )
    return "\n".join(rows)
