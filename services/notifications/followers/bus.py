"""Followers on the bus: residents an agent joined to a request (`request.follower_joined`)."""

from __future__ import annotations

from services.notifications.deps import NotificationsDeps
from services.notifications.followers.handlers import on_joined
from shared.consumer import Route, on
from shared.contracts.requests import FollowerJoined
from shared.use_case import bind

__all__ = ["consumes"]


def consumes(deps: NotificationsDeps) -> tuple[Route, ...]:
    return (on(FollowerJoined, bind(on_joined, deps)),)
