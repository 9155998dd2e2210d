"""Open311 GeoReport v2's two formats: every answer is built once as plain data, then written
as JSON or as XML (with the standard library's ElementTree, which escapes what it writes;
nothing here parses XML). Lists are named as the specification names them: `<services>` of
`<service>`, `<service_requests>` of `<request>`, `<errors>` of `<error>`, and so on."""

from __future__ import annotations

import re
from typing import Any, Final
from xml.etree import ElementTree as ET

from fastapi import Request
from fastapi.responses import Response
from pydantic_core import to_json

__all__ = ["FORMATS", "Open311Error", "answer_refusal", "as_xml", "error", "refusal", "render"]

FORMATS: Final = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Everything XML 1.0 cannot hold (its Char production's complement): never written, whatever
# a store holds from before the contracts refused it, so every partner's parser reads us.
_NOT_XML: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ITEM: Final = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
    "notes": "step",  # a request's history: each step has a `note` of its own
}


class Open311Error(Exception):
    """An answer in the specification's error format: `[{code, description}]`."""

    def __init__(
        self, status: int, description: str, fmt: str = "json", retry_after: int | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.fmt = fmt if fmt in FORMATS else "json"
        self.retry_after = retry_after  # seconds, for a 429


def refusal(request: Request, description: str) -> Open311Error:
    """A 403 in the format the path asks for (a door's refusal: shared/auth.py)."""
    return Open311Error(403, description, str(request.path_params.get("fmt", "json")))


async def answer_refusal(_: Request, refused: Open311Error) -> Response:
    """The app's handler for Open311Errors raised before a route runs (in its doors)."""
    return error(refused.status, refused.description, refused.fmt, refused.retry_after)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else _NOT_XML.sub("\ufffd", str(value))


def _element(parent: ET.Element, name: str, value: Any) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _element(node, key, inner)
    elif isinstance(value, list):
        for item in value:
            _element(node, _ITEM.get(name, "item"), item)
    else:
        node.text = _text(value)


def as_xml(root: str, data: Any) -> bytes:
    """`data` under `<root>`: a list becomes repeated items, a dict its fields."""
    tree = ET.Element(root)
    if isinstance(data, list):
        for item in data:
            _element(tree, _ITEM[root], item)
    else:
        for key, value in data.items():
            _element(tree, key, value)
    written: bytes = ET.tostring(tree, encoding="utf-8", xml_declaration=True)
    return written


def render(
    data: Any, root: str, fmt: str, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """`data` as the format asked for (`fmt` is `json` or `xml`). JSON is written by
    pydantic-core's encoder, compact and in UTF-8: the standard library's takes five times as
    long over a page of 1,000 requests (some 700 kB)."""
    body = as_xml(root, data) if fmt == "xml" else to_json(data)
    return Response(body, status_code=status, media_type=FORMATS[fmt], headers=headers)


def error(status: int, description: str, fmt: str, retry_after: int | None = None) -> Response:
    headers = None if retry_after is None else {"Retry-After": str(retry_after)}
    return render([{"code": status, "description": description}], "errors", fmt, status, headers)
