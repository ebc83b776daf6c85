"""Validators for personal data: GB 11643 citizen ID numbers and phone numbers."""
import re
from datetime import date

from .errors import DomainError

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_number_error(value):
    """None if ``value`` is a valid 18-digit citizen ID number (GB 11643-1999), else a Chinese message."""
    value = (value or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号码应为18位，前17位为数字，最后一位为数字或X。"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效。"
    if int(value[6:10]) < 1900:
        return "身份证号码中的出生日期无效。"
    check = _ID_CHECK[sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS)) % 11]
    if check != value[17]:
        return "身份证号码校验位不正确，请核对。"
    return None


def normalize_id_number(value):
    return (value or "").strip().upper()


def phone_error(value):
    value = (value or "").strip().replace(" ", "")
    if _MOBILE.match(value) or _LANDLINE.match(value):
        return None
    return "电话号码格式不正确：手机号为1开头的11位数字，固定电话如0533-1234567。"


def normalize_phone(value):
    return (value or "").strip().replace(" ", "")


def validate_id_number(value, field="id_number"):
    error = id_number_error(value)
    if error:
        raise DomainError(error, field_errors={field: error})
    return normalize_id_number(value)


def validate_phone(value, field="phone"):
    error = phone_error(value)
    if error:
        raise DomainError(error, field_errors={field: error})
    return normalize_phone(value)


def make_id_number(prefix17):
    """Complete a 17-digit prefix with its check digit (used by the demo and tests)."""
    return prefix17 + _ID_CHECK[sum(int(d) * w for d, w in zip(prefix17, _ID_WEIGHTS)) % 11]


def text_error(value, *, label, max_length, required=True, min_length=1):
    """A message for a free-text field that is empty, blank or too long; None when it is fine."""
    value = (value or "").strip()
    if required and len(value) < min_length:
        return f"请填写{label}。" if min_length <= 1 else f"{label}至少需要{min_length}个字。"
    if len(value) > max_length:
        return f"{label}不能超过{max_length}个字（当前{len(value)}个字）。"
    return None


def clean_text(value, *, field, label, max_length, required=True, min_length=1):
    error = text_error(value, label=label, max_length=max_length, required=required, min_length=min_length)
    if error:
        raise DomainError(error, field_errors={field: error})
    return (value or "").strip()
