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


_NUMBER_LIKE = re.compile(r"(?:\+?86)?\d{7,17}[\dX]?")


def search_numbers(model, paths, text) -> Q | None:
    """For a list's search box: when ``text`` looks like an ID or phone number, Q for the rows of ``model`` where one
    of the encrypted ``paths`` (e.g. "parties__id_number") holds exactly that number; None otherwise."""
    norm = normalise(text)
    if not _NUMBER_LIKE.fullmatch(norm):
        return None
    found = Q(pk__in=[])
    for path in paths:
        found |= match(path, norm)
    return Q(pk__in=model._base_manager.filter(found).values("pk"))


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


# ---- who may see a number, and the audited "show" -------------------------------------------------------------

REVEAL_PERM = "core.reveal_personal"  # may ask to see a personal number in full (each time audited)
EXPORT_PERM = "core.export_personal"  # exports carry personal numbers in full (audited) instead of masked


def owner_policy(model):
    """(policy, path to the scoped owner) for a model holding personal numbers: its own access policy, or that of
    the record it belongs to through a foreign key (a party → its dispute). None when nothing scopes it."""
    from django.db.models import ForeignKey

    from . import access

    try:
        return access.policy_for(model), None
    except LookupError:
        pass
    for field in model._meta.concrete_fields:
        if isinstance(field, ForeignKey):
            try:
                return access.policy_for(field.related_model), field.name
            except LookupError:
                continue
    return None, None


def owner_of(obj):
    """(policy, owner record) of ``obj`` — the record whose scope decides who sees its numbers."""
    pol, path = owner_policy(type(obj))
    if pol is None:
        return None, None
    return pol, (obj if path is None else getattr(obj, path))


def may_reveal(user, obj) -> bool:
    """May ``user`` ask to see ``obj``'s personal numbers in full (the permission held on the owner's node)?"""
    from . import policy

    pol, owner = owner_of(obj)
    if pol is None or owner is None or not getattr(user, "is_authenticated", False):
        return False
    return policy.has_perm(user, REVEAL_PERM, pol.node_of(owner))


def models_with_personal_numbers() -> dict[str, type]:
    from django.apps import apps

    return {m._meta.label_lower: m for m in apps.get_models() if personal_fields(m)}


def describe_target(obj) -> str:
    role = getattr(obj, "get_role_display", None)
    name = getattr(obj, "name", None) or getattr(obj, "party_name", None) or str(obj)
    return f"{role()} {name}" if callable(role) else str(name)


def reveal(*, actor, target: str, object_id, reason, fields=None, via: str = "页面") -> tuple[object, dict[str, str]]:
    """The audited "show": ``target`` is a model label ("disputes.party"), ``object_id`` its id. Outside the user's
    scope or missing: NotFound (404); visible but the role may not see numbers: NotAllowed (403); no reason: 400.
    Returns (record, {field label: plain number}) and writes an audit event naming who saw whose numbers, why."""
    from django.db import transaction

    from . import audit
    from .errors import DomainError, NotAllowed, NotFound
    from .validators import clean_int, clean_text

    model = models_with_personal_numbers().get(str(target or "").strip().lower())
    if model is None:
        raise NotFound()
    pk = clean_int(object_id, field="id", label="记录编号", min_value=1)
    reason = clean_text(reason, field="reason", label="查看理由", max_length=200)
    if len(reason) < 2:
        raise DomainError("请填写查看完整号码的理由（将记入审计日志）。", field_errors={"reason": "请填写查看理由。"})
    pol, path = owner_policy(model)
    if pol is None:
        raise NotFound()
    obj = model._base_manager.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    owner = obj if path is None else getattr(obj, path)
    owner = pol.get_for_user(actor, "view", owner.pk)  # 404 outside the user's scope
    if not may_reveal(actor, obj):
        raise NotAllowed("您的岗位角色不能查看完整的证件号码和电话号码。")
    wanted = personal_fields(model)
    if fields:
        names = {str(f) for f in (fields if isinstance(fields, (list, tuple)) else [fields])}
        wanted = [f for f in wanted if f.name in names] or wanted
    shown = {str(f.verbose_name): getattr(obj, f.attname) for f in wanted if getattr(obj, f.attname)}
    with transaction.atomic():
        audit.record(actor=actor, action="reveal_personal", action_label="查看完整个人号码", obj=owner,
                     changes={"对象": describe_target(obj), "号码": sorted(shown) or ["（无）"], "途径": via},
                     reason=reason)
    return obj, shown


def keep_if_masked(obj, name: str, value):
    """An edit form shows the number masked; sent back unchanged, it means "keep the number", not "store the mask"."""
    current = getattr(obj, name)
    field = obj._meta.get_field(name)
    if current and isinstance(value, str) and value.strip() == field.mask(current):
        return current
    return value


def record_document_download(*, actor, obj, title: str) -> None:
    """A .docx carrying a party's personal numbers in full (an agreement, a decision) was downloaded: audited like an
    export of personal data (个人信息保护法第五十五条)."""
    from django.db import transaction

    from . import audit

    with transaction.atomic():
        audit.record(actor=actor, action="export_personal", action_label="下载含个人信息的文书", obj=obj,
                     changes={"文书": str(title)[:100]})
