"""Tracking codes residents use to follow their case or request: random (never sequential), read out easily on the
phone (no 0/O, 1/I/L), unique among the model's rows. Lookups still need the phone number and are throttled."""
import secrets

from .errors import DomainError

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def tracking_code(queryset, field, *, prefix="", length=10):
    """A new code not yet used in ``queryset`` under ``field``."""
    for _ in range(20):
        code = prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
        if not queryset.filter(**{field: code}).exists():
            return code
    raise DomainError("查询码生成失败，请重试。")  # pragma: no cover - 31^8 codes
