"""Attachments' HTTP bodies: the upload, read from the multipart stream as it arrives (one
`file`, a `kind`, an optional `document`), and the views of what was kept."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from services.intake.attachments.domain import MAX_BYTES, Kind
from services.intake.attachments.store import StoredAttachment
from shared.audit import REASON_MAX, AuditReason
from shared.http import ApiError

__all__ = [
    "UPLOAD_BODY",
    "AttachmentListed",
    "AttachmentView",
    "OptionalReason",
    "file_response",
    "read_upload",
]

_FIELD_MAX: Final = 60  # kind and document are short codes
_PARTS_MAX: Final = 8


class AttachmentView(BaseModel):
    # Made from the stored row by name: AttachmentView.model_validate(a StoredAttachment).
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: Kind
    content_type: str = Field(
        description="As judged from its bytes (a HEIC photo is kept as JPEG)."
    )
    bytes: int = Field(description="Its size as kept, after metadata was stripped.")
    sha256: str = Field(description="The SHA-256 of the bytes kept, in hex.")
    width: int | None = Field(description="In pixels, for a picture.")
    height: int | None = None


class AttachmentListed(AttachmentView):
    document: str | None = Field(description="The checklist item a document answers.")
    added_by: str
    added_at: datetime
    public: bool = Field(
        False,
        description="A photo its department made public: anyone reads it at "
        "/v1/requests/{reference}/photos/{id}. A document never is.",
    )


def file_response(found: StoredAttachment, data: bytes, cache_control: str) -> Response:
    """An attachment's bytes, of the type judged from them (nosniff: the browser guesses
    none), named by its id: a photo is shown in the page, a document saved."""
    disposition = "inline" if found.kind == Kind.PHOTO else "attachment"
    extension = found.content_type.rsplit("/", 1)[-1]
    return Response(
        data,
        media_type=found.content_type,
        headers={
            "Cache-Control": cache_control,
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'{disposition}; filename="{found.id}.{extension}"',
        },
    )


OptionalReason = Annotated[
    AuditReason | None,
    Query(
        min_length=5,
        max_length=REASON_MAX,
        description="Required to read a document: why you need to see it; kept in the audit "
        "with your name (no phone, ID or account numbers, no e-mail addresses).",
    ),
]

UPLOAD_BODY: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"type": "string", "enum": [k.value for k in Kind]},
                        "document": {"type": "string", "maxLength": _FIELD_MAX},
                    },
                }
            }
        },
    }
}


@dataclass
class Upload:
    """What the multipart body held: the file's bytes, its kind and checklist item."""

    fields: dict[str, str] = field(default_factory=dict)
    data: io.BytesIO | None = None
    parts: int = 0
    ended: bool = False

    @property
    def kind(self) -> Kind:
        return Kind(self.fields["kind"])


def _invalid(message: str, name: str = "body") -> ApiError:
    return ApiError(422, "invalid_upload", message, {name: message})


class _Reader:
    """python-multipart's callbacks, keeping the one file part in one buffer."""

    def __init__(self) -> None:
        self.upload = Upload()
        self._name: str | None = None
        self._is_file = False
        self._text = bytearray()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._disposition = b""

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self._begin,
            "on_part_data": self._data,
            "on_part_end": self._end,
            "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_end": self._finished,
        }

    def _begin(self) -> None:
        self.upload.parts += 1
        if self.upload.parts > _PARTS_MAX:
            raise _invalid("send one file, its kind and its document only")
        self._name, self._is_file, self._disposition = None, False, b""
        self._text.clear()

    def _header_end(self) -> None:
        if bytes(self._header_field).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        kind, options = parse_options_header(self._disposition)
        name = options.get(b"name")
        if kind != b"form-data" or name is None:
            raise _invalid("each part needs Content-Disposition: form-data; name=...")
        self._name = name.decode("latin-1")
        if self._name == "file":
            if self.upload.data is not None:
                raise _invalid("send one file a request", "file")
            self._is_file, self.upload.data = True, io.BytesIO()
        elif self._name not in ("kind", "document") or self._name in self.upload.fields:
            raise _invalid(f"unexpected part {self._name!r}: send file, kind and document")

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            assert self.upload.data is not None
            if self.upload.data.tell() + (end - start) > MAX_BYTES:
                message = f"an attachment is at most {MAX_BYTES} bytes"
                raise ApiError(413, "attachment_too_large", message, {"file": message})
            self.upload.data.write(data[start:end])
        else:
            self._text.extend(data[start:end])
            if len(self._text) > _FIELD_MAX:
                raise _invalid(f"at most {_FIELD_MAX} characters", self._name or "body")

    def _end(self) -> None:
        if not self._is_file and self._name is not None:
            try:
                self.upload.fields[self._name] = self._text.decode().strip()
            except UnicodeDecodeError:
                raise _invalid("is not UTF-8 text", self._name) from None

    def _finished(self) -> None:
        self.upload.ended = True


async def read_upload(request: Request) -> Upload:
    """The upload, read as it arrives (the app's body limit answers 413 past the route's);
    a 422 for a body that is not one whole multipart form of a file and its kind."""
    declared, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if declared != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise ApiError(
            415, "not_multipart", "send multipart/form-data with a boundary: a file and its kind"
        )
    reader = _Reader()
    parser = MultipartParser(boundary, reader.callbacks(), max_header_size=1024)
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise _invalid("the multipart body does not parse") from None
    return _checked(reader.upload)


def _checked(upload: Upload) -> Upload:
    if not upload.ended:
        raise _invalid("the multipart body ends before its closing boundary")
    if upload.data is None or upload.data.tell() == 0:
        raise _invalid("send the photo or document as the part named file", "file")
    if upload.fields.get("kind") not in {k.value for k in Kind}:
        raise _invalid("kind is photo or document", "kind")
    if upload.kind is Kind.PHOTO and upload.fields.get("document"):
        raise _invalid("a photo answers no checklist item: leave document out", "document")
    return upload
