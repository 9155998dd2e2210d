"""Open311 GeoReport v2's two formats: every answer is built once as plain data, then written
as JSON or as XML (with the standard library's ElementTree, which escapes what it writes;
nothing here parses XML). Lists are named as the specification names them: `<services>` of
`<service>`, `<service_requests>` of `<request>`, `<errors>` of `<error>`, and so on."""

from __future__ import annotations

import json
from typing import Any, Final
from xml.etree import ElementTree as ET

from fastapi.responses import Response

__all__ = ["FORMATS", "Open311Error", "as_xml", "error", "render"]

FORMATS: Final = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
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

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


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


def render(data: Any, root: str, fmt: str, status: int = 200) -> Response:
    """`data` as the format asked for (`fmt` is `json` or `xml`)."""
    body = as_xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    return Response(body, status_code=status, media_type=FORMATS[fmt])


def error(status: int, description: str, fmt: str) -> Response:
    return render([{"code": status, "description": description}], "errors", fmt, status)
