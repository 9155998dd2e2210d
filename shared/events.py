"""The CloudEvents 1.0 envelope in structured mode: every message on the bus is one of these.

The message value is the JSON of `CloudEvent`; the header `content-type` says so; the key
is the event's subject (a reference number or a visit id) so one request's events stay in
order on one partition.
"""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime
from typing import Any, Final, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from shared.contracts.registry import spec_for_model, spec_for_type

__all__ = [
    "CONTENT_TYPE",
    "CloudEvent",
    "InvalidEvent",
    "new_event",
    "parse_event",
    "topic_of",
]

CONTENT_TYPE: Final = "application/cloudevents+json"

DataT = TypeVar("DataT", bound=BaseModel)


class InvalidEvent(ValueError):
    """A message that is not a valid CloudEvent, or whose data breaks its contract."""


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event; `data` is the contract model of its `type`, as JSON."""

    model_config = ConfigDict(frozen=True, extra="allow")

    specversion: Literal["1.0"] = Field("1.0", description="CloudEvents spec version.")
    id: uuid.UUID = Field(description="Unique per event; every consumer's deduplication key.")
    type: str = Field(min_length=1, description="Event type, e.g. mobileoffice.request.logged.v1.")
    source: str = Field(min_length=1, description="Producing service, e.g. /mobileoffice/intake.")
    subject: str = Field(min_length=1, description="The reference number or visit id.")
    time: AwareDatetime = Field(description="When it happened (RFC 3339 with offset).")
    datacontenttype: Literal["application/json"] = Field(
        "application/json", description="Media type of `data`."
    )
    data: dict[str, Any] = Field(description="The event's payload; its shape depends on `type`.")

    def data_as(self, model: builtins.type[DataT]) -> DataT:
        """The payload validated against its contract model; `InvalidEvent` if it breaks it."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise InvalidEvent(f"{self.type} data: {_summary(exc)}") from exc

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @property
    def key(self) -> bytes:
        return self.subject.encode()


def new_event(data: BaseModel, source: str, subject: str, time: datetime) -> CloudEvent:
    """A new event around `data`, which its own model has already validated; its type is the
    one shared/contracts/registry.py gives that model."""
    if time.tzinfo is None:
        raise ValueError("an event's time needs a UTC offset")
    # model_construct: every field is built here from validated values, and a consumer-side
    # hot path (routing makes two events per request) should not validate them twice.
    return CloudEvent.model_construct(
        specversion="1.0",
        id=_event_id(),
        type=spec_for_model(type(data)).type,
        source=source,
        subject=subject,
        time=time,
        datacontenttype="application/json",
        data=data.model_dump(mode="json"),
    )


def topic_of(event: CloudEvent) -> str:
    """The topic `event` is published on, from its type (and, for a department's work, its data)."""
    spec = spec_for_type(event.type)
    if spec is None:
        raise InvalidEvent(f"unknown event type {event.type!r}")
    return spec.topic_for(event.data)


def _event_id() -> uuid.UUID:
    # From the OS's CSPRNG: an id another party cannot predict (one made by `random`'s
    # Mersenne Twister can be, from 624 outputs seen on the bus) and cannot collide with.
    return uuid.uuid4()


def parse_event(raw: bytes | str, expected_types: frozenset[str] | None = None) -> CloudEvent:
    """Parse and validate one message value; `InvalidEvent` says what is wrong."""
    try:
        event = CloudEvent.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidEvent(f"not a CloudEvent: {_summary(exc)}") from exc
    if expected_types is not None and event.type not in expected_types:
        raise InvalidEvent(f"unexpected event type {event.type!r}")
    return event


def _summary(exc: ValidationError) -> str:
    # Field paths and messages only: the input itself may hold personal information.
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'value'}: {err['msg']}" for err in exc.errors()
    )
