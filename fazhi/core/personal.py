"""Personal numbers at rest (PIPL 第五十一条): ID numbers and phone numbers are stored encrypted, found by a keyed
hash, and shown masked unless an allowed user asks to see them (audited).

Storage
    ``EncryptedField`` keeps the value encrypted with AES-SIV (RFC 5297, the ``cryptography`` package): a
    deterministic authenticated cipher, so re-saving an unchanged row writes the same bytes (the audit log's record
    digests stay valid) and equal numbers give equal ciphertext — which leaks no more than the keyed hash column
    already does. Stored as ``p1:`` + base64; the empty string stays empty (so ``phone=""`` filters still work).
    In Python the attribute is the plain number, so services, forms and documents read it as before.

Search
    ``BlindIndexField(source="id_number")`` holds HMAC-SHA256 of the normalised number (spaces and dashes removed,
    upper case), filled on every save. Exact match and duplicate detection go through ``personal.match`` /
    ``personal.match_any``; a plain ``filter(id_number=...)`` on an encrypted column is refused (it could never
    match), so a forgotten call site fails in the tests instead of silently finding nothing.

Keys
    ``FAZHI_DATA_KEY`` (environment or settings; base64 or text, at least 32 bytes) — never in the database. Without
    it a development key is generated once into var/data.key (mode 0600). The encryption key and the hash key are
    derived from it with HKDF-SHA256 under different labels. Losing the key loses the numbers: back it up with the
    secret key, apart from the database backups.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact, IsNull

PREFIX = "p1:"
UNREADABLE = "［无法解密］"

# ---- keys ------------------------------------------------------------------------------------------------------


def _master_key() -> bytes:
    raw = getattr(settings, "FAZHI_DATA_KEY", None) or os.environ.get("FAZHI_DATA_KEY")
    if raw:
        try:
            key = base64.b64decode(raw, validate=True)
        except ValueError:
            key = raw.encode("utf-8")
        if len(key) < 32:
            raise RuntimeError("FAZHI_DATA_KEY 太短：至少 32 字节（建议 base64 编码的 64 字节随机数）。")
        return key
    path = Path(getattr(settings, "FAZHI_DATA_KEY_FILE", None) or Path(settings.VAR_DIR) / "data.key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never world-readable
        with os.fdopen(fd, "w") as out:
            out.write(base64.b64encode(secrets.token_bytes(64)).decode("ascii"))
        try:
            os.link(tmp, path)  # atomic: a concurrent process never reads a half-written key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return base64.b64decode(path.read_text().strip())


def _derive(master: bytes, label: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=b"fazhi-personal/" + label).derive(master)


@lru_cache(maxsize=1)
def _keys() -> tuple[AESSIV, bytes]:
    master = _master_key()
    return AESSIV(_derive(master, b"aes-siv", 64)), _derive(master, b"hmac-sha256", 32)


def reset_keys() -> None:
    """Forget the cached keys (tests that change FAZHI_DATA_KEY)."""
    _keys.cache_clear()


# ---- values ----------------------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-－‐‑–—]+")


def normalise(value) -> str:
    """The form a number is hashed in: full-width digits as ASCII, spaces and dashes removed, upper case."""
    from .masking import _WIDE

    return _SEPARATORS.sub("", str(value or "").translate(_WIDE)).upper()


def encrypt(value) -> str:
    text = "" if value is None else str(value)
    if not text or text.startswith(PREFIX):
        return text
    cipher, _ = _keys()
    return PREFIX + base64.urlsafe_b64encode(cipher.encrypt(text.encode("utf-8"), None)).decode("ascii")


def decrypt(value) -> str:
    """The plain number; a value stored before encryption (no prefix) is returned as it is."""
    text = "" if value is None else str(value)
    if not text.startswith(PREFIX):
        return text
    cipher, _ = _keys()
    try:
        return cipher.decrypt(base64.urlsafe_b64decode(text[len(PREFIX):]), None).decode("utf-8")
    except (InvalidTag, ValueError):
        return UNREADABLE  # wrong key or a damaged value: never a 500, never the ciphertext


def blind_index(value) -> str:
    """HMAC-SHA256 (hex) of the normalised number; "" for an empty value."""
    text = normalise(value)
    if not text:
        return ""
    _, key = _keys()
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


# ---- model fields ----------------------------------------------------------------------------------------------


class EncryptedField(models.TextField):
    """A personal number stored encrypted. ``kind`` is "id" or "phone" (how it is masked); ``plain_max_length`` is
    the longest number accepted (forms and the admin), the column itself holds the longer ciphertext."""

    def __init__(self, *args, kind: str = "phone", plain_max_length: int = 20, **kwargs):
        self.kind = kind
        self.plain_max_length = plain_max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        kwargs["plain_max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def to_python(self, value):
        return decrypt(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return encrypt(super().get_prep_value(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return _refused(lookup_name)

    def value_to_string(self, obj):
        return encrypt(self.value_from_object(obj))  # dumps and backups keep the number encrypted

    def formfield(self, **kwargs):
        from django import forms

        return forms.CharField(max_length=self.plain_max_length, required=not self.blank, label=self.verbose_name)

    def mask(self, value) -> str:
        return mask(value, self.kind)


class _EmptyOnlyExact(Exact):
    def __init__(self, lhs, rhs):
        if rhs not in ("", None):
            raise FieldError("加密字段不能按原文查找：请用 personal.match()（按哈希列查找）。")
        super().__init__(lhs, rhs)


def _refused(name):
    class Refused(Exact):
        lookup_name = name

        def __init__(self, lhs, rhs):
            raise FieldError(f"加密字段不支持“{name}”查找：请用 personal.match()。")

    return Refused


class BlindIndexField(models.CharField):
    """HMAC-SHA256 of another field's number, kept in step on every save (an index for exact-match search)."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "blank", "default", "editable", "db_index"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = blind_index(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def hash_field_name(path: str) -> str:
    return f"{path}_hash"


def match(path: str, value) -> Q:
    """Q for rows whose encrypted ``path`` (e.g. "id_number", "parties__phone") equals ``value``."""
    digest = blind_index(value)
    if not digest:
        return Q(pk__in=[])
    return Q(**{hash_field_name(path): digest})


def match_any(path: str, values) -> Q:
    digests = sorted({d for d in (blind_index(v) for v in values) if d})
    return Q(**{f"{hash_field_name(path)}__in": digests}) if digests else Q(pk__in=[])


# ---- which fields are personal -------------------------------------------------------------------------------


def personal_fields(model) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]


def is_personal(model, name: str) -> bool:
    try:
        return isinstance(model._meta.get_field(name), EncryptedField)
    except Exception:  # noqa: BLE001 - not a model field
        return False


# ---- masking ---------------------------------------------------------------------------------------------------


def mask(value, kind: str = "phone") -> str:
    """A number as staff see it by default: 3701**********1234 / 139****5678."""
    text = str(value or "").strip()
    if not text:
        return ""
    if text == UNREADABLE:
        return text
    if kind == "id":
        if len(text) <= 8:
            return "*" * len(text)
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    if len(text) >= 7:
        return text[:3] + "****" + text[-4:]
    return "****"


# ---- data migrations ------------------------------------------------------------------------------------------


def encrypt_rows(model, fields: tuple[str, ...], chunk_size: int = 1000) -> int:
    """For a data migration: encrypt the numbers a table still holds in plain text and fill their hash columns
    (``<field>_hash``). Safe to run twice. Returns the number of rows rewritten."""
    changed = 0
    rows = model._base_manager.order_by("pk").values_list("pk", *fields)
    for pk, *values in rows.iterator(chunk_size=chunk_size):
        if not any(values):
            continue
        update = {}
        for name, value in zip(fields, values):
            update[name] = value
            update[hash_field_name(name)] = blind_index(value)
        model._base_manager.filter(pk=pk).update(**update)
        changed += 1
    return changed


def decrypt_rows(model, fields: tuple[str, ...], chunk_size: int = 1000) -> int:
    """The reverse of ``encrypt_rows`` (unapplying the migration): plain text back into the columns."""
    changed = 0
    rows = model._base_manager.order_by("pk").values_list("pk", *fields)
    for pk, *values in rows.iterator(chunk_size=chunk_size):
        if any(values):
            model._base_manager.filter(pk=pk).update(
                **{name: models.Value(value, output_field=models.TextField()) for name, value in zip(fields, values)})
            changed += 1
    return changed
