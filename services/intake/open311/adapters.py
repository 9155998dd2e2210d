"""Open311's `POST requests`, the outside world's form made ours: a partner system (a call
centre, a FixMyStreet instance) logs a resident's request. The form becomes the same
`NewRequest` a field agent sends, so it meets the same validation and takes the same path: a
reference, the outbox, routing, the resident's SMS. Every wrong field is one 400 in the
specification's format naming the form's field, never a 500; nothing sent is echoed back.

The service definition asks for the area and the community (the City routes by them). Fields
the City does not keep are accepted and dropped: `device_id`, `account_id` (the partner's
own user), `address_id`, `media_url` (a photo may show a person or a home), and attributes a
service does not define (FixMyStreet sends its own `title` and `report_url`). A partner is
given its key on the undertaking that residents hear the City's privacy notice before they
give a phone number or an e-mail address, so contact details come with the notice in force."""

from __future__ import annotations

import contextlib
import re
from typing import Any, Final

from pydantic import ValidationError
from starlette.datastructures import FormData

from services.intake.open311.schemas import Open311Error
from services.intake.requests.schemas import NewRequest
from shared.contracts.common import UpdatesBy
from shared.service_catalogue import Catalogue, Datatype, Service

__all__ = ["FORM_DOCUMENTED", "FORM_TYPES", "command_from", "service_notice"]

FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")
_KEPT: Final = frozenset(
    {"service_code", "lat", "long", "address_string", "description"}
    | {"email", "phone", "first_name", "last_name"}
)
_TEXT: Final = {"type": "string"}
FORM_DOCUMENTED: Final = {  # for the OpenAPI document: the route reads the form itself
    "requestBody": {
        "required": True,
        "content": {
            FORM_TYPES[0]: {
                "schema": {
                    "type": "object",
                    "required": ["api_key", "service_code"],
                    "properties": {
                        name: _TEXT
                        for name in (
                            "api_key",
                            "jurisdiction_id",
                            *sorted(_KEPT),
                            "attribute[area]",
                            "attribute[community]",
                            "attribute[language]",
                            "attribute[account_number]",
                            "device_id",
                            "account_id",
                            "media_url",
                        )
                    },
                }
            }
        },
    }
}
_ATTRIBUTE: Final = re.compile(r"^attribute\[([A-Za-z0-9_.-]{1,64})\](\[\])?$")

# Where NewRequest's fields come from in the form: its errors name the form's field.
_FORM_NAME: Final = {
    ("category",): "service_code",
    ("service",): "service_code",
    ("description",): "description",
    ("account_number",): "attribute[account_number]",
    ("location", "area"): "attribute[area]",
    ("location", "community"): "attribute[community]",
    ("location", "address"): "address_string",
    ("location", "lat"): "lat",
    ("location", "lon"): "long",
    ("resident", "name"): "first_name and last_name",
    ("resident", "phone"): "phone",
    ("resident", "email"): "email",
    ("resident", "language"): "attribute[language]",
    ("resident",): "phone or email",
}


def _fields(form: FormData) -> tuple[dict[str, str], dict[str, Any]]:
    """The form's kept fields and its attributes, each given once and as text; a
    multivaluelist's attribute (`attribute[code][]`) as the list of its values."""
    fields: dict[str, str] = {}
    attributes: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            raise Open311Error(400, f"{key[:64]}: files are not taken")
        found = _ATTRIBUTE.match(key)
        if found and found.group(2):
            attributes.setdefault(found.group(1), []).append(value)
            continue
        into, name = (attributes, found.group(1)) if found else (fields, key)
        if not found and key not in _KEPT:
            continue  # api_key, jurisdiction_id, or a field the City does not keep
        if name in into:
            raise Open311Error(400, f"{key} is given twice")
        into[name] = value
    return fields, attributes


def _answers(service: Service, attributes: dict[str, Any]) -> dict[str, Any]:
    """An application's questions answered in the form, from text to their datatypes
    (what cannot be read is passed on as sent, for the use case to refuse by name)."""
    answers: dict[str, Any] = {}
    for question in service.questions:
        text = attributes.get(question.code)
        if text is None or text == "":
            continue
        if question.datatype is Datatype.BOOLEAN and str(text).lower() in ("true", "false"):
            text = str(text).lower() == "true"
        elif question.datatype is Datatype.NUMBER:
            with contextlib.suppress(ValueError):
                text = float(str(text)[:40])
        answers[question.code] = text
    return answers


def form_name(field: str | None) -> str:
    """The form's name of a field a refusal names (an answer is an attribute)."""
    if field is not None and field.startswith("answers."):
        return f"attribute[{field.removeprefix('answers.')}]"
    return _FORM_NAME.get(tuple((field or "").split(".")), field or "the request")


def _point(fields: dict[str, str]) -> tuple[float | None, float | None]:
    lat, lon = fields.get("lat"), fields.get("long")
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat and long: give both, or neither and an address_string")
    if lat is None or lon is None:
        if not fields.get("address_string"):
            raise Open311Error(400, "a location is required: lat and long, or address_string")
        return None, None
    try:
        return float(lat[:40]), float(lon[:40])
    except ValueError:
        raise Open311Error(400, "lat and long are decimal degrees (WGS84)") from None


def _resident(fields: dict[str, str], attributes: dict[str, str]) -> dict[str, Any] | None:
    name = " ".join(fields[k] for k in ("first_name", "last_name") if fields.get(k)).strip()
    phone, email = fields.get("phone") or None, fields.get("email") or None
    if not (name or phone or email):
        return None
    resident: dict[str, Any] = {"name": name or None, "phone": phone, "email": email}
    resident["updates_by"] = UpdatesBy.SMS if phone else UpdatesBy.EMAIL if email else None
    resident["privacy_notice_given"] = bool(phone or email)  # the partner's undertaking
    if "language" in attributes:
        resident["language"] = attributes["language"]
    return {k: v for k, v in resident.items() if v is not None}


def command_from(form: FormData, catalogue: Catalogue) -> NewRequest:
    """The field agent's command this form asks for, or an Open311Error (400)."""
    fields, attributes = _fields(form)
    code = fields.get("service_code")
    if not code:
        raise Open311Error(400, "service_code is required: services.json lists ours")
    service = catalogue.find(code)
    if service is None:
        raise Open311Error(400, f"service_code {code[:20]!r} is not one of ours: see services")
    lat, lon = _point(fields)
    asked: dict[str, Any] = {
        "service": code,
        "answers": _answers(service, attributes),
        "description": fields.get("description") or service.name.en,
        "location": {
            "area": attributes.get("area"),
            "community": attributes.get("community"),
            "address": fields.get("address_string") or None,
            "lat": lat,
            "lon": lon,
        },
        "resident": _resident(fields, attributes),
        "account_number": attributes.get("account_number") or None,
    }
    try:
        return NewRequest.model_validate(asked)
    except ValidationError as invalid:
        raise Open311Error(400, _explained(invalid)) from None


def _explained(invalid: ValidationError) -> str:
    said: dict[str, str] = {}
    for err in invalid.errors():
        loc = tuple(str(p) for p in err["loc"])
        name = _FORM_NAME.get(loc) or _FORM_NAME.get(loc[:2]) or ".".join(loc)
        kind, message = err["type"], str(err["msg"])
        if kind == "missing" or (kind.endswith("_type") and err.get("input") is None):
            message = "is required"
        said.setdefault(name, message.removeprefix("Value error, "))
    return "; ".join(f"{name}: {message}" for name, message in said.items())


def service_notice(reference: str) -> str:
    return (
        f"Logged with reference number {reference}: the resident quotes it to follow the "
        "request up (at the Mobile Office, or GET requests/{id})."
    )
