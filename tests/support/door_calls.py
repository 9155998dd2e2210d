"""What a door example is: the call the right caller makes, and the service it is made on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from tests.support.fakes import FakePublisher

__all__ = ["Example", "Running"]


@dataclass
class Example:
    """A call the right caller makes successfully."""

    path: str
    body: dict[str, Any] | None = None
    token: str | None = None  # the right caller's, where a role's token is not enough
    form: bool = False  # a web page's form (application/x-www-form-urlencoded)
    files: dict[str, tuple[str, bytes, str]] | None = None  # an upload: multipart/form-data


@dataclass
class Running:
    app: FastAPI
    client: httpx.AsyncClient
    publisher: FakePublisher
    examples: dict[tuple[str, str], Example]
