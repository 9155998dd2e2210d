"""Refusals a use case raises when the world is not as the caller thinks, answered the same way
by every service's HTTP layer (shared/http.py): the message says what is missing or why."""

from __future__ import annotations

__all__ = ["Conflict", "Invalid", "NotFound", "Refusal", "TooMany"]


class Refusal(Exception):
    status = 400
    code = "refused"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(Refusal):
    """No such thing (a request, a rule, a visit): a 404."""

    status = 404
    code = "not_found"


class Invalid(Refusal):
    """A value that is well-formed but cannot be used (a date in the past, say): a 422
    naming the field."""

    status = 422
    code = "invalid_request"


class TooMany(Refusal):
    """More of something than one person may ask for in a while: a 429."""

    status = 429
    code = "too_many"


class Conflict(Refusal):
    """The change contradicts the current state (a status the machine forbids, a busy team,
    a contradicting rule): a 409."""

    status = 409
    code = "conflict"
