"""Encryption of data at rest: AES-256-GCM, bound to table, column and row.

Every ciphertext carries the id of the key that sealed it, so keys can be rotated. The
associated data names the table, column and row, so a ciphertext copied to another row or
column does not decrypt. Keys come from the environment (``TRYGG_KEYS``) or a key file,
never from the database.

Blob layout: version (1 byte) | key id (8 ASCII bytes) | nonce (12 bytes) | ciphertext+tag
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.files import PRIVATE_FILE, private_dir, tighten

VERSION = b"\x01"
KEY_ID_LEN = 8
NONCE_LEN = 12
HEADER = 1 + KEY_ID_LEN + NONCE_LEN


class CryptoError(Exception):
    """Base class for encryption errors."""


class KeyMissing(CryptoError):
    """No key is configured, or a ciphertext names a key we do not have."""


class DecryptionFailed(CryptoError):
    """The ciphertext was tampered with, or belongs to another row or column."""


def _aad(table: str, column: str, row: object) -> bytes:
    return f"trygg/v1/{table}/{column}/{row}".encode()


class Keyring:
    """The data keys: one current key that seals, all keys that may open."""

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise KeyMissing("the current key is not in the keyring")
        for key_id, key in keys.items():
            if len(key_id) != KEY_ID_LEN or not key_id.isalnum():
                raise KeyMissing("key ids are 8 letters or digits")
            if len(key) != 32:
                raise KeyMissing("keys are 32 bytes (AES-256)")
        self._aead = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._raw = dict(keys)
        self.current = current

    def index_keys(self) -> list[bytes]:
        """Keys for keyed hashes (blind indexes), current first, derived per purpose."""
        order = [self.current, *(k for k in self._raw if k != self.current)]
        return [hashlib.sha256(b"trygg/index/" + self._raw[key_id]).digest() for key_id in order]

    # --- loading -----------------------------------------------------------------------

    @staticmethod
    def new_key_line() -> str:
        """Return a fresh 'KEYID:base64key' entry."""
        key_id = secrets.token_hex(KEY_ID_LEN // 2)
        return f"{key_id}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        """Parse 'id:base64[,id:base64...]'; the first entry is the current key."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for entry in spec.replace("\n", ",").split(","):
            entry = entry.strip()
            if not entry or entry.startswith("#"):
                continue
            key_id, _, encoded = entry.partition(":")
            try:
                keys[key_id] = base64.b64decode(encoded, validate=True)
            except ValueError as exc:
                raise KeyMissing("a key is not valid base64") from exc
            order.append(key_id)
        if not order:
            raise KeyMissing("no keys configured")
        return cls(keys, order[0])

    @classmethod
    def load(cls, env_value: str | None, key_file: Path, *, create: bool) -> Keyring:
        """Load keys from the environment value, else the owner-only key file (created if
        allowed, tightened if looser than 0600)."""
        if env_value:
            return cls.parse(env_value)
        if not key_file.exists():
            if not create:
                raise KeyMissing(f"no TRYGG_KEYS and no key file at {key_file}")
            if not key_file.parent.is_dir():
                private_dir(key_file.parent, "the key file's directory")
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
            with os.fdopen(fd, "w") as handle:
                handle.write(cls.new_key_line() + "\n")
        else:
            tighten(key_file, PRIVATE_FILE, "the key file")
        return cls.parse(key_file.read_text())

    # --- sealing -----------------------------------------------------------------------

    def seal(self, plaintext: bytes, *, table: str, column: str, row: object) -> bytes:
        """Encrypt under the current key, bound to (table, column, row)."""
        nonce = os.urandom(NONCE_LEN)
        body = self._aead[self.current].encrypt(nonce, plaintext, _aad(table, column, row))
        return VERSION + self.current.encode() + nonce + body

    def open(self, blob: bytes, *, table: str, column: str, row: object) -> bytes:
        """Decrypt a blob sealed for (table, column, row)."""
        if len(blob) < HEADER + 16 or blob[:1] != VERSION:
            raise DecryptionFailed("not a Trygg ciphertext")
        key_id = blob[1 : 1 + KEY_ID_LEN].decode("ascii", "replace")
        aead = self._aead.get(key_id)
        if aead is None:
            raise KeyMissing("the key that sealed this value is not configured")
        nonce = blob[1 + KEY_ID_LEN : HEADER]
        try:
            return aead.decrypt(nonce, blob[HEADER:], _aad(table, column, row))
        except InvalidTag as exc:
            raise DecryptionFailed("ciphertext does not belong here or was altered") from exc

    @staticmethod
    def key_id_of(blob: bytes) -> str:
        return blob[1 : 1 + KEY_ID_LEN].decode("ascii", "replace")

    def seal_json(self, value: Any, *, table: str, column: str, row: object) -> bytes:
        # orjson: a twentieth of json.dumps's time for a prompt or a draft's answers, which
        # every event seals; non-string keys become strings, as json.dumps makes them
        data = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
        return self.seal(data, table=table, column=column, row=row)

    def open_json(self, blob: bytes, *, table: str, column: str, row: object) -> Any:
        return orjson.loads(self.open(blob, table=table, column=column, row=row))
