"""JSON Schemas written from the Open311 GeoReport v2 specification (wiki.open311.org), and
the reading of the XML answers back into data, so a test can say the two formats agree."""

from __future__ import annotations

from typing import Any

import xmltodict

__all__ = ["SCHEMAS", "from_xml", "xml_shaped"]

_STRING = {"type": "string"}
_BOOL = {"type": "boolean"}
_ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": _STRING},
    },
}
_SERVICE = {
    "type": "object",
    "required": [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ],
    "additionalProperties": False,
    "properties": {
        "service_code": _STRING,
        "service_name": _STRING,
        "description": _STRING,
        "metadata": _BOOL,
        "type": {"enum": ["realtime", "batch", "blackbox"]},
        "keywords": _STRING,
        "group": _STRING,
    },
}
_ATTRIBUTE = {
    "type": "object",
    "required": [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
    ],
    "properties": {
        "variable": _BOOL,
        "code": _STRING,
        "datatype": {
            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
        },
        "required": _BOOL,
        "datatype_description": _STRING,
        "order": {"type": "integer", "minimum": 1},
        "description": _STRING,
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "name"],
                "properties": {"key": _STRING, "name": _STRING},
            },
        },
    },
}
_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {"service_code": _STRING, "attributes": {"type": "array", "items": _ATTRIBUTE}},
}
_DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": _STRING,
        "contact": _STRING,
        "key_service": _STRING,
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": _STRING,
                    "url": _STRING,
                    "changeset": _STRING,
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": _STRING},
                },
            },
        },
    },
}

_OPTIONAL_STRING = {"type": ["string", "null"]}
_REQUEST = {
    "type": "object",
    "required": [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "lat",
        "long",
        "media_url",
    ],
    "properties": {
        "service_request_id": {"type": "string", "pattern": "^[0-9]{10}$"},
        "status": {"enum": ["open", "closed"]},
        "status_notes": _OPTIONAL_STRING,
        "service_name": _STRING,
        "service_code": _STRING,
        "description": _STRING,
        "agency_responsible": _OPTIONAL_STRING,
        "service_notice": _OPTIONAL_STRING,
        "requested_datetime": {"type": "string", "format": "date-time"},
        "updated_datetime": {"type": "string", "format": "date-time"},
        "expected_datetime": _OPTIONAL_STRING,
        "address": _STRING,
        "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "long": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
        "media_url": _OPTIONAL_STRING,
    },
}

_REFERENCE = {"type": "string", "pattern": "^[0-9]{10}$"}
_CREATED = {  # POST requests: the id at once (no token needed), a notice, no account
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "required": ["service_request_id", "service_notice"],
        "additionalProperties": False,
        "properties": {
            "service_request_id": _REFERENCE,
            "service_notice": _STRING,
            "account_id": _OPTIONAL_STRING,
        },
    },
}
_TOKENS = {  # GET tokens/{token}: the request id, or none yet
    "type": "array",
    "items": {
        "type": "object",
        "required": ["token", "service_request_id"],
        "additionalProperties": False,
        "properties": {
            "token": _STRING,
            "service_request_id": {**_REFERENCE, "type": ["string", "null"]},
        },
    },
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "service_requests": {"type": "array", "items": _REQUEST},
    "created": _CREATED,
    "tokens": _TOKENS,
    "errors": _ERRORS,
    "services": {"type": "array", "items": _SERVICE},
    "service_definition": _DEFINITION,
    "discovery": _DISCOVERY,
}

_LISTS = ("service", "attribute", "value", "endpoint", "format", "request", "error", "step")
_ITEM = {f"{name}s": name for name in _LISTS} | {"service_requests": "request", "notes": "step"}


def from_xml(body: bytes, root: str) -> Any:
    """The XML answer's content under `root`, lists always lists."""
    return xmltodict.parse(body, force_list=_LISTS)[root]


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def xml_shaped(data: Any, name: str) -> Any:
    """The JSON answer as the XML one reads back: text everywhere, a list `things` as
    `{"thing": [...]}`."""
    if isinstance(data, list):
        items = [xml_shaped(item, _ITEM[name]) for item in data]
        return {_ITEM[name]: items} if items else None
    if isinstance(data, dict):
        return {key: xml_shaped(value, key) for key, value in data.items()}
    return _text(data)
