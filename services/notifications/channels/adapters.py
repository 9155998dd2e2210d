"""The ways a message leaves: an SMS gateway over HTTP, e-mail over SMTP, or (in development
only, as in `make run`) files under MO_NOTIFICATIONS_OUTBOX_DIR to read."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

import aiohttp
import aiosmtplib

from services.notifications.channels.domain import (
    Channel,
    Outgoing,
    SendError,
    retry_after_seconds,
)
from services.notifications.settings import NotificationsSettings
from shared.use_case import Clock

__all__ = [
    "SMTP_TIMEOUT_SECONDS",
    "FileOutbox",
    "Sender",
    "SmsGateway",
    "SmtpMailer",
    "senders_for",
]


SMTP_TIMEOUT_SECONDS = 15.0


class Sender(Protocol):
    async def send(self, message: Outgoing) -> None: ...

    async def close(self) -> None: ...


class SmsGateway:
    """POSTs `{to, text, reference}` with an Idempotency-Key header: a gateway that honours it
    sends a retried message once even if we crashed after it accepted the first try.

    aiohttp rather than httpx here: at a few hundred SMS a second its client costs about half
    the CPU per request, on a machine the broker and the other services share."""

    def __init__(self, url: str, clock: Clock, timeout: float = 10.0) -> None:
        self._url = url
        self._clock = clock  # the service's: what a Retry-After date is counted from
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def send(self, message: Outgoing) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=64)
            self._session = aiohttp.ClientSession(timeout=self._timeout, connector=connector)
        body = {"to": message.address, "text": message.text, "reference": message.subject}
        try:
            async with self._session.post(
                self._url, json=body, headers={"Idempotency-Key": message.delivery_id}
            ) as response:
                status = response.status
                wait = response.headers.get("Retry-After")
                await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SendError(f"gateway unreachable: {type(exc).__name__}") from None
        if status >= 500 or status == 429:
            later = retry_after_seconds(wait, self._clock())
            raise SendError(f"gateway answered {status}", retry_after=later)
        if status >= 400:
            # The gateway refuses this message as such (a bad number): retrying cannot help.
            raise SendError(f"gateway refused: {status}", retryable=False)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class SmtpMailer:
    def __init__(
        self, host: str, port: int, sender: str, timeout: float = SMTP_TIMEOUT_SECONDS
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._timeout = timeout

    async def send(self, message: Outgoing) -> None:
        email = EmailMessage(policy=_LONG_LINES)
        email["From"] = self._sender
        email["To"] = message.address
        email["Subject"] = message.email_subject
        email["Message-ID"] = f"<{message.delivery_id}@mobileoffice>"  # same id on a retry
        _unsubscribe_headers(email, message)
        email.set_content(message.text)
        try:
            # Flattened here: aiosmtplib would fold (and so encode) a long List-Unsubscribe.
            await aiosmtplib.send(
                email.as_bytes(),
                sender=parseaddr(self._sender)[1],
                recipients=[message.address],
                hostname=self._host,
                port=self._port,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused:
            raise SendError("mail server refused the recipient", retryable=False) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise SendError(f"mail server: {type(exc).__name__}") from None

    async def close(self) -> None:
        return None


# A header that cannot be folded (a long link) stays plain rather than encoded-word, which
# mail clients would not read as a List-Unsubscribe link.
_LONG_LINES = SMTP.clone(max_line_length=998)


def _unsubscribe_headers(email: EmailMessage, message: Outgoing) -> None:
    """RFC 2369 and RFC 8058: the mail client's own unsubscribe button, one click."""
    if message.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


class FileOutbox:
    """Development only (`make run`, with MO_NOTIFICATIONS_OUTBOX_DIR): one .eml per e-mail,
    one JSON line per SMS, so a developer can read exactly what residents would get. The
    folder is the service user's alone (0700, files 0600), and the retention job purges what
    is older than the contact details' retention (`purge`)."""

    def __init__(self, folder: Path, clock: Clock) -> None:
        self._folder = folder
        self._clock = clock  # the service's: what the purge compares with
        self._lock = asyncio.Lock()

    async def send(self, message: Outgoing) -> None:
        self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._folder.chmod(0o700)  # a folder made before it was private
        if message.channel is Channel.SMS:
            line = json.dumps(
                {
                    "id": message.delivery_id,
                    "to": message.address,
                    "text": message.text,
                    "reference": message.subject,
                    "written_at": self._clock().isoformat(),  # for the purge
                }
            )
            async with self._lock:
                _write_private(self._folder / "sms.jsonl", (line + "\n").encode(), append=True)
            return
        email = EmailMessage(policy=_LONG_LINES)
        email["To"] = message.address
        email["Subject"] = message.email_subject
        _unsubscribe_headers(email, message)
        email.set_content(message.text)
        path = self._folder / f"{message.delivery_id}.eml"
        _write_private(path, bytes(email))
        written = self._clock().timestamp()
        os.utime(path, (written, written))  # for the purge

    async def purge(self, cutoff: dt.datetime) -> int:
        """Removes the e-mails and SMS lines written before `cutoff`; answers how many."""
        if not self._folder.is_dir():
            return 0
        removed = 0
        for email in self._folder.glob("*.eml"):
            if dt.datetime.fromtimestamp(email.stat().st_mtime, dt.UTC) < cutoff:
                email.unlink()
                removed += 1
        texts = self._folder / "sms.jsonl"
        async with self._lock:
            if texts.is_file():
                lines = texts.read_bytes().splitlines(keepends=True)
                kept = [line for line in lines if _written_since(line, cutoff)]
                if len(kept) < len(lines):
                    _write_private(texts.with_suffix(".purging"), b"".join(kept))
                    texts.with_suffix(".purging").replace(texts)
                    removed += len(lines) - len(kept)
        return removed

    async def close(self) -> None:
        return None


def _write_private(path: Path, data: bytes, *, append: bool = False) -> None:
    """Writes `path` readable by the service's user only, whatever the umask or its mode
    when an older version made it."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, data)
    finally:
        os.close(descriptor)


def _written_since(line: bytes, cutoff: dt.datetime) -> bool:
    """Whether an SMS line was written at or after `cutoff` (a line without a readable time,
    written before lines carried one, is old)."""
    try:
        written = dt.datetime.fromisoformat(json.loads(line)["written_at"])
    except (ValueError, KeyError, TypeError):
        return False
    return written >= cutoff


def senders_for(
    settings: NotificationsSettings, clock: Clock, files: FileOutbox | None
) -> dict[Channel, Sender]:
    """`files` stands in for a channel with no gateway or mail server (development)."""
    sms = (
        SmsGateway(settings.sms_url, clock, settings.sms_timeout_seconds)
        if settings.sms_url
        else files
    )
    email = (
        SmtpMailer(settings.smtp_host, settings.smtp_port, settings.smtp_from)
        if settings.smtp_host
        else files
    )
    if sms is None or email is None:  # the settings refuse this already
        raise ValueError("no gateway, mail server or outbox folder to send with")
    return {Channel.SMS: sms, Channel.EMAIL: email}
