"""Which handler takes which event: a consumer's routes, by the contract model of an event's
data and the topics it may be read from (shared/consumer.py runs them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.registry import EventSpec, spec_for_model
from shared.events import Envelope

__all__ = ["AfterCommit", "Batch", "Handler", "Received", "Route", "on"]

M = TypeVar("M", bound=BaseModel)
M_co = TypeVar("M_co", bound=BaseModel, covariant=True)
AfterCommit = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Received(Generic[M_co]):
    """One consumed event: its envelope (id, subject, time) and its data, already validated
    against the contract model the registry names for its type."""

    event: Envelope
    data: M_co


Batch: TypeAlias = Sequence[Received[M]]
"""A run of consumed events of one type, oldest first: what a handler is given at a time."""

Handler = Callable[[AsyncConnection, Batch[M]], Awaitable[AfterCommit | None]]
"""Applies a run of new events of one type, in order, inside the consumer's transaction
(so it can write them with a statement per table, not per event); may return a callback to
run after the commit (metrics, wake-ups)."""


@dataclass(frozen=True, slots=True)
class Route:
    """Events of `spec.type` read from `topics` go to `handle`."""

    spec: EventSpec
    handle: Handler[Any]
    topics: tuple[str, ...]


def on(model: type[M], handle: Handler[M], topics: Sequence[str] | None = None) -> Route:
    """Route the events whose data is `model` (its type and topics from the registry), read
    from all its topics or only `topics` (one producer's answers, say)."""
    spec = spec_for_model(model)
    chosen = spec.topics if topics is None else tuple(topics)
    if unknown := set(chosen) - set(spec.topics):
        raise ValueError(f"{spec.type} never travels on {', '.join(sorted(unknown))}")
    return Route(spec, handle, chosen)
