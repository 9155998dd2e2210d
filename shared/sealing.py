"""Envelope encryption of stored objects (attachments' bytes at rest): each object is
sealed with AES-256-GCM under a fresh random data key, and that data key is itself sealed
(AES-256-GCM) under a master key that lives outside the store. What is stored:

    version (1 byte) | key id length (1) | key id | wrap nonce (12) | wrapped data key (48)
    | data nonce (12) | ciphertext and tag

The header names the master key, so keys rotate: several may be configured, the current
one seals, every one opens. The header is authenticated with the data, and so is a
`context` the caller gives (the object's key), so an object moved to another key, a
changed byte, or a header naming a key not configured is refused (`SealBroken`), never
returned as garbage.

Master keys are read from `id:base64key` lines (32-byte keys; `#` comments and blank lines
ignored); the last line is the current key, so a new key is added by appending a line, and
an old one is dropped only once no object sealed with it is kept.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["SealBroken", "SealingKeys", "UnknownSealingKey", "new_key_line"]

VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
WRAPPED_BYTES = KEY_BYTES + 16
KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class SealBroken(ValueError):
    """The sealed bytes cannot be opened: changed, truncated, moved, or not sealed here."""


class UnknownSealingKey(SealBroken):
    """The object names a master key that is not configured (dropped too early?)."""


def new_key_line(key_id: str) -> str:
    """A fresh master key as a keys file's line."""
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


class SealingKeys:
    """The master keys: `current` seals, all of them open."""

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError(f"the current key {current!r} is not among the keys")
        for key_id, key in keys.items():
            if not KEY_ID.fullmatch(key_id) or len(key) != KEY_BYTES:
                raise ValueError(f"key {key_id!r}: ids are [A-Za-z0-9._-]{{1,64}}, keys 32 bytes")
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current = current

    @classmethod
    def parse(cls, text: str) -> SealingKeys:
        """Keys from `id:base64key` lines, the last one current."""
        keys: dict[str, bytes] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key_id, _, encoded = line.partition(":")
            try:
                key = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                raise ValueError(f"line {number}: the key is not base64") from None
            if key_id in keys:
                raise ValueError(f"line {number}: the key id {key_id!r} is given twice")
            keys[key_id] = key
        if not keys:
            raise ValueError("no key given (lines of id:base64key, the last one current)")
        return cls(keys, current=list(keys)[-1])

    @property
    def ids(self) -> list[str]:
        return list(self._keys)

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        key_id = self.current.encode()
        prefix = bytes([VERSION, len(key_id)]) + key_id
        wrap_nonce, data_nonce = os.urandom(NONCE_BYTES), os.urandom(NONCE_BYTES)
        wrapped = self._keys[self.current].encrypt(wrap_nonce, data_key, prefix)
        header = prefix + wrap_nonce + wrapped + data_nonce
        return header + AESGCM(data_key).encrypt(data_nonce, plaintext, header + context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        if len(sealed) < 2 or sealed[0] != VERSION:
            raise SealBroken("not a sealed object of a known format version")
        end_id = 2 + sealed[1]
        header_end = end_id + NONCE_BYTES + WRAPPED_BYTES + NONCE_BYTES
        if len(sealed) < header_end + 16:
            raise SealBroken("the sealed object is truncated")
        key_id = sealed[2:end_id].decode(errors="replace")
        if (master := self._keys.get(key_id)) is None:
            raise UnknownSealingKey(f"sealed with the master key {key_id!r}, not configured")
        wrap_nonce = sealed[end_id : end_id + NONCE_BYTES]
        wrapped = sealed[end_id + NONCE_BYTES : end_id + NONCE_BYTES + WRAPPED_BYTES]
        try:
            data_key = master.decrypt(wrap_nonce, wrapped, sealed[:end_id])
            data_nonce, header = sealed[header_end - NONCE_BYTES : header_end], sealed[:header_end]
            return AESGCM(data_key).decrypt(data_nonce, sealed[header_end:], header + context)
        except InvalidTag:
            raise SealBroken("the sealed object was changed, or belongs elsewhere") from None
