"""The CloudEvents 1.0 envelope in structured mode: every message on the bus is one of these.

The message value is the JSON of `CloudEvent`; the header `content-type` says so; the key
is the event's subject (a reference number or a visit id) so one request's events stay in
order on one partition.
"""

from __future__ import annotations

import builtins
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any, Final, Generic, Literal, TypeVar, Union, cast

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
)

from shared.contracts.registry import spec_for_model, spec_for_type

__all__ = [
    "CONTENT_TYPE",
    "CloudEvent",
    "Envelope",
    "EventReader",
    "InvalidEvent",
    "TypedEvent",
    "event_bytes",
    "new_event",
    "parse_event",
    "topic_of",
]

CONTENT_TYPE: Final = "application/cloudevents+json"

DataT = TypeVar("DataT", bound=BaseModel)


class InvalidEvent(ValueError):
    """A message that is not a valid CloudEvent, or whose data breaks its contract."""


class Envelope(BaseModel):
    """A CloudEvents 1.0 event's attributes: everything but its `data`."""

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

    @property
    def key(self) -> bytes:
        return self.subject.encode()


class CloudEvent(Envelope):
    """A CloudEvents 1.0 event; `data` is the contract model of its `type`, as JSON."""

    data: dict[str, Any] = Field(description="The event's payload; its shape depends on `type`.")

    def data_as(self, model: builtins.type[DataT]) -> DataT:
        """The payload validated against its contract model; `InvalidEvent` if it breaks it."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise InvalidEvent(f"{self.type} data: {_summary(exc)}") from exc

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()


class TypedEvent(Envelope, Generic[DataT]):
    """An event whose `data` is already its contract model: what a consumer reads in one
    pass from a record's bytes, and what a producer writes in one pass to them."""

    data: DataT


class EventReader:
    """Parses a record's bytes straight into the envelope and the contract model its `type`
    names, in one pass with no dictionary in between (pydantic picks the model by `type`).

    `read` answers None for anything this fast path does not take (a type not in `models`,
    or a record that breaks a contract): the caller then parses it the careful way
    (`parse_event`, `CloudEvent.data_as`), which says exactly what is wrong or that the type
    is someone else's."""

    def __init__(self, models: Mapping[str, builtins.type[BaseModel]]) -> None:
        variants = [_variant(event_type, model) for event_type, model in models.items()]
        self._adapter: TypeAdapter[TypedEvent[Any]] | None = None
        if len(variants) == 1:
            self._adapter = TypeAdapter(variants[0])
        elif variants:
            union: Any = Union[tuple(variants)]  # noqa: UP007 (a union built at run time)
            self._adapter = TypeAdapter(Annotated[union, Field(discriminator="type")])

    def read(self, raw: bytes) -> TypedEvent[Any] | None:
        if self._adapter is None:
            return None
        try:
            return self._adapter.validate_json(raw)
        except ValidationError:
            return None


def _variant(event_type: str, model: builtins.type[BaseModel]) -> builtins.type[TypedEvent[Any]]:
    """The event of one type, its `type` fixed, so the reader picks its model by it."""
    fixed_type: Any = Literal[event_type]
    variant: Any = create_model(
        f"{model.__name__}Event",
        __base__=TypedEvent[model],  # type: ignore[valid-type]
        type=(fixed_type, ...),
    )
    return cast("builtins.type[TypedEvent[Any]]", variant)


def event_bytes(data: BaseModel, source: str, subject: str, time: datetime) -> bytes:
    """The JSON of a new event around `data` (validated by its own model already), written in
    one pass: what `new_event(...).to_bytes()` gives, without the dictionary between (a
    consumer's batch writes thousands; pydantic's `model_construct` alone cost a third)."""
    if time.tzinfo is None:
        raise ValueError("an event's time needs a UTC offset")
    model = type(data)
    return b"".join(
        (
            b'{"specversion":"1.0","id":"',
            str(_event_id()).encode(),
            b'","type":',
            _json_of(spec_for_model(model).type),
            b',"source":',
            _json_of(source),
            b',"subject":',
            json.dumps(subject).encode(),
            b',"time":',
            _json_of(time),
            b',"datacontenttype":"application/json","data":',
            data.__pydantic_serializer__.to_json(data),
            b"}",
        )
    )


_JSON_OF: Final = TypeAdapter[Any](Any)


@lru_cache(maxsize=64)  # a batch's types, its service and its one time
def _json_of(value: str | datetime) -> bytes:
    """One value as JSON, as pydantic writes it in a whole event (a time in UTC ends in Z)."""
    return _JSON_OF.dump_json(value)


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
