"""Every service's log lines, formatted once: time, level, logger, message; and never the
values of a failed statement. SQLAlchemy keeps its parameters out (`hide_parameters`), but
PostgreSQL's own error detail quotes the offending row or key (`Key (phone)=(+27...)`,
`Failing row contains (...)`), and that can be a resident's phone number or address."""

from __future__ import annotations

import logging
import re
from typing import Final

__all__ = ["FORMAT", "PrivateFormatter", "configure"]

FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_QUOTED_VALUES: Final = (
    (re.compile(r"(Key \([^)]*\)=)\(.*?\)( already exists| is not present)"), r"\1(<removed>)\2"),
    (
        re.compile(r"Failing row contains \(.*?\)\.?$", re.MULTILINE),
        "Failing row contains (<removed>).",
    ),
    (re.compile(r"\[parameters: .*?\]", re.DOTALL), "[parameters: <removed>]"),
)


class PrivateFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for pattern, replacement in _QUOTED_VALUES:
            text = pattern.sub(replacement, text)
        return text


def configure(level: str) -> None:
    """The root logger writes to stderr through the private formatter; uvicorn's loggers
    (run with `log_config=None`) pass through it too."""
    handler = logging.StreamHandler()
    handler.setFormatter(PrivateFormatter(FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
