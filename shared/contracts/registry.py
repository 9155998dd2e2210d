"""Every event on the bus, in one table: its CloudEvents type, the contract model of its
`data`, and the topic it travels on. Producers take the type and topic from the model they
publish; consumers say which models they handle and get them parsed, so no service keeps
its own map of type strings or branches on them by hand."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from pydantic import BaseModel

from shared import topics
from shared.catalogue import DEPARTMENTS
from shared.contracts import notifications, privacy, requests, routing, visits
from shared.topics import EventType, department_topic, privacy_answers

__all__ = ["EVENTS", "EventData", "EventSpec", "spec_for_model", "spec_for_type"]

EventData: TypeAlias = Mapping[str, Any] | BaseModel
"""An event's data: as JSON (a mapping) or already parsed into its contract model."""


@dataclass(frozen=True, slots=True)
class EventSpec:
    type: str
    model: builtins.type[BaseModel]
    topics: tuple[str, ...]
    """Every topic it can travel on (for topic creation and documentation)."""
    route: Callable[[EventData], str] | None = None
    """The topic of one event from its data, where there is more than one topic."""
    producer_topic: Callable[[str], str] | None = None
    """Where each producer has a topic of its own: that topic, from the producer's name."""

    def topic_for(self, data: EventData) -> str:
        return self.route(data) if self.route is not None else self.topics[0]

    def topics_of(self, producer: str) -> tuple[str, ...]:
        """The topics `producer` may publish it on."""
        if self.producer_topic is None:
            return self.topics
        return (self.producer_topic(producer),)

    @property
    def short_name(self) -> str:
        """`request.logged` for `mobileoffice.request.logged.v1`."""
        return self.type.removeprefix("mobileoffice.").rsplit(".", 1)[0]


def _field(data: EventData, name: str) -> str:
    return str(data[name] if isinstance(data, Mapping) else getattr(data, name))


def _department(data: EventData) -> str:
    return department_topic(_field(data, "department"))


_ANSWERS: Final = tuple(privacy_answers(service) for service in topics.PRIVACY_ANSWERING)


def _answering_service(data: EventData) -> str:
    """An answer travels on its service's own topic: a consumer that finds it elsewhere (a
    service answering in another's name) refuses it (shared/consumer.py)."""
    return privacy_answers(_field(data, "service"))


def _answer(event_type: str, model: type[BaseModel]) -> EventSpec:
    return EventSpec(
        event_type, model, _ANSWERS, route=_answering_service, producer_topic=privacy_answers
    )


EVENTS: Final[tuple[EventSpec, ...]] = (
    EventSpec(EventType.REQUEST_LOGGED, requests.RequestLogged, (topics.REQUESTS_LOGGED,)),
    EventSpec(EventType.REQUEST_ROUTED, routing.RequestRouted, (topics.REQUESTS_ROUTED,)),
    EventSpec(EventType.REQUEST_UNROUTABLE, routing.RequestUnroutable, (topics.REQUESTS_ROUTED,)),
    EventSpec(
        EventType.REQUEST_ASSIGNED,
        routing.RequestAssigned,
        tuple(department_topic(d.slug) for d in DEPARTMENTS),
        route=_department,
    ),
    EventSpec(EventType.REQUEST_STATUS_CHANGED, routing.StatusChanged, (topics.REQUESTS_STATUS,)),
    EventSpec(EventType.PHOTO_MADE_PUBLIC, routing.PhotoMadePublic, (topics.REQUESTS_STATUS,)),
    EventSpec(EventType.REQUEST_OVERDUE, routing.RequestOverdue, (topics.REQUESTS_STATUS,)),
    EventSpec(EventType.REQUEST_REOPEN_ASKED, requests.ReopenAsked, (topics.REQUESTS_REOPEN,)),
    EventSpec(
        EventType.REQUEST_FIXED_CONFIRMED, requests.FixedConfirmed, (topics.REQUESTS_REOPEN,)
    ),
    EventSpec(EventType.FOLLOWER_JOINED, requests.FollowerJoined, (topics.REQUESTS_LOGGED,)),
    EventSpec(EventType.ATTACHMENT_ADDED, requests.AttachmentAdded, (topics.REQUESTS_LOGGED,)),
    EventSpec(EventType.OVERDUE_DIGEST, routing.OverdueDigest, (topics.REQUESTS_STATUS,)),
    EventSpec(EventType.VISIT_SCHEDULED, visits.VisitScheduled, (topics.VISITS,)),
    EventSpec(EventType.VISIT_CHANGED, visits.VisitChanged, (topics.VISITS,)),
    EventSpec(EventType.VISIT_CANCELLED, visits.VisitCancelled, (topics.VISITS,)),
    EventSpec(
        EventType.NOTIFICATION_DELIVERED,
        notifications.NotificationDelivered,
        (topics.NOTIFICATIONS,),
    ),
    EventSpec(
        EventType.NOTIFICATION_FAILED, notifications.NotificationFailed, (topics.NOTIFICATIONS,)
    ),
    EventSpec(EventType.ACCESS_REQUESTED, privacy.AccessRequested, (topics.PRIVACY_REQUESTS,)),
    _answer(EventType.ACCESS_ANSWERED, privacy.AccessAnswered),
    EventSpec(EventType.ERASURE_REQUESTED, privacy.ErasureRequested, (topics.PRIVACY_REQUESTS,)),
    _answer(EventType.ERASURE_ANSWERED, privacy.ErasureAnswered),
    EventSpec(
        EventType.CORRECTION_REQUESTED, privacy.CorrectionRequested, (topics.PRIVACY_REQUESTS,)
    ),
    _answer(EventType.CORRECTION_ANSWERED, privacy.CorrectionAnswered),
)

_BY_TYPE: Final = {spec.type: spec for spec in EVENTS}
_BY_MODEL: Final = {spec.model: spec for spec in EVENTS}


def spec_for_type(event_type: str) -> EventSpec | None:
    return _BY_TYPE.get(event_type)


def spec_for_model(model: type[BaseModel]) -> EventSpec:
    """The spec of a contract model; a KeyError names a model that is not an event."""
    try:
        return _BY_MODEL[model]
    except KeyError:
        raise KeyError(f"{model.__name__} is not in the event registry") from None
