"""Shared input cleaning, applied in services so pages, the API and ledger imports agree.

Personal data (GB 11643 citizen ID numbers, phone numbers), free text (control characters, NUL and bidi overrides
removed; length limits), dates (sane range, no future where the past is required), whole numbers and decimals,
and "the node called X inside my scope". Every refusal is a ``DomainError`` with a Chinese message on its field.
"""
import datetime
import decimal
import re
import unicodedata
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


# C0/C1 control characters except TAB, LF, CR; bidi embeddings/overrides/isolates; zero-width and BOM.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                     "\u2066-\u2069\ufeff\ufff9-\ufffb]")
EARLIEST_DATE = date(1949, 10, 1)
LATEST_YEAR = 2100


def strip_unsafe(value: str) -> str:
    """Remove characters that break exports, documents or the reading order (NUL, controls, bidi overrides)."""
    value = unicodedata.normalize("NFC", value)
    return _UNSAFE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")


def as_text(value) -> str:
    """Text from whatever arrived: lists, dicts and numbers are not text and are refused by the caller."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, decimal.Decimal)):
        raise TypeError("not text")
    return strip_unsafe(str(value))


def text_error(value, *, label, max_length, required=True, min_length=1):
    """A message for a free-text field that is empty, blank, not text or too long; None when it is fine."""
    try:
        value = as_text(value).strip()
    except TypeError:
        return f"{label}应为文字。"
    if required and len(value) < min_length:
        return f"请填写{label}。" if min_length <= 1 else f"{label}至少需要{min_length}个字。"
    if len(value) > max_length:
        return f"{label}不能超过{max_length}个字（当前{len(value)}个字）。"
    return None


def clean_text(value, *, field, label, max_length, required=True, min_length=1, redact_numbers=False):
    """The one text-cleaning policy: controls, NUL and bidi overrides removed, trimmed, length-checked.

    ``redact_numbers``: a resident's free text whose ID and phone numbers have their own (encrypted) fields — a
    number pasted into it is replaced by a placeholder instead of being stored in plain text."""
    error = text_error(value, label=label, max_length=max_length, required=required, min_length=min_length)
    if error:
        raise DomainError(error, field_errors={field: error})
    text = as_text(value).strip()
    if redact_numbers:
        from .masking import scrub_text

        text = scrub_text(text)
    return text


def _refuse(field, message):
    raise DomainError(message, field_errors={field: message})


def clean_date(value, *, field, label, required=True, not_future=False, earliest=EARLIEST_DATE,
               today=None) -> datetime.date | None:
    """A date from a date, a datetime or "2023-05-01"; within 1949-10-01…2100-12-31; not after today when
    ``not_future``."""
    if value in (None, ""):
        if required:
            _refuse(field, f"请填写{label}。")
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    elif not isinstance(value, datetime.date):
        if not isinstance(value, str):
            _refuse(field, f"{label}格式应为 2023-05-01。")
        try:
            value = datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            _refuse(field, f"{label}格式应为 2023-05-01。")
    if value < earliest or value.year > LATEST_YEAR:
        _refuse(field, f"{label}不在合理范围内（{earliest:%Y年%m月%d日}至{LATEST_YEAR}年）。")
    if not_future:
        from . import clock

        if value > (today or clock.today()):
            _refuse(field, f"{label}不能晚于今天。")
    return value


def dates_in_order(values: dict, order, errors: dict, *, show_date: bool = False) -> None:
    """Each filled date of ``order`` ((key, label) pairs, earliest first) is not before the filled one before it; a
    date out of order gets its message in ``errors`` (keys already in ``errors`` are skipped)."""
    previous = None
    for key, label in order:
        if not values.get(key) or key in errors:
            continue
        if previous and values[key] < values[previous[0]]:
            when = f"（{values[previous[0]]:%Y-%m-%d}）" if show_date else ""
            errors[key] = f"{label}不能早于{previous[1]}{when}。"
        previous = (key, label)


def clean_int(value, *, field, label, min_value=0, max_value=2_147_483_647, required=True) -> int | None:
    """A whole number from an int or its digits; refuses bools, floats with a fraction, lists and huge values."""
    if value in (None, ""):
        if required:
            _refuse(field, f"请填写{label}。")
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,15}\s*", value):
        number = int(value)
    if number is None:
        _refuse(field, f"{label}应为整数。")
    if number < min_value or number > max_value:
        _refuse(field, f"{label}应在{min_value}至{max_value}之间（填写的是{number}）。")
    return number


def clean_decimal(value, *, field, label, min_value=decimal.Decimal(0), max_value=decimal.Decimal("9999999999"),
                  places="0.01", required=True) -> decimal.Decimal | None:
    """A decimal amount ("1,200.50" accepted); finite and within range, rounded to ``places``."""
    if value in (None, ""):
        if required:
            _refuse(field, f"请填写{label}。")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, decimal.Decimal)):
        _refuse(field, f"{label}应为数字。")
    try:
        number = decimal.Decimal(str(value).strip().replace(",", ""))
        if not number.is_finite():
            raise decimal.InvalidOperation
    except (decimal.InvalidOperation, ValueError):
        _refuse(field, f"{label}应为数字。")
    if number < decimal.Decimal(min_value) or number > decimal.Decimal(max_value):
        _refuse(field, f"{label}应在{min_value}至{max_value}之间（填写的是{number}）。")
    return number.quantize(decimal.Decimal(places))


def clean_node(user, value, *, perm, field, label="组织", level=None, tenants=False):
    """The node with this id or name inside ``user``'s scope for ``perm`` (optionally at one level)."""
    from . import policy
    from .models import OrgNode

    if isinstance(value, OrgNode):
        value = value.pk
    qs = policy.scoped_nodes(user, perm, level=level, tenants=tenants)
    if isinstance(value, int) and not isinstance(value, bool):
        matches = list(qs.filter(pk=value)[:1])
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        matches = list(qs.filter(pk=int(text))[:1]) if text.isdigit() and len(text) < 12 else []
        if not matches:
            matches = list(qs.filter(name=text)[:2])
    else:
        _refuse(field, f"请选择{label}。")
    if not matches:
        _refuse(field, f"所选{label}不存在或不在您的管辖范围内。")
    if len(matches) > 1:
        _refuse(field, f"“{value}”有重名，请填写更具体的名称或联系管理员。")
    return matches[0]


def clean_value(value):
    """``strip_unsafe`` through whatever a form produced: text, and text inside lists and tuples."""
    if isinstance(value, str):
        return strip_unsafe(value)
    if isinstance(value, (list, tuple)):
        return type(value)(clean_value(v) for v in value)
    return value


class CleanTextFormMixin:
    """Django forms get the one text policy too: every submitted text value has its control characters, NUL and
    bidi overrides removed (``strip_unsafe``) before the fields see it, so NUL is dropped rather than refused and
    ``clean()`` and a ModelForm's instance only ever see clean text. Password fields are left as typed.
    Use as ``class MyForm(CleanTextFormMixin, forms.Form)``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data:
            from django import forms

            keep = {self.add_prefix(name) for name, field in self.fields.items()
                    if isinstance(field.widget, forms.PasswordInput)}
            self.data = clean_form_data(self.data, keep=keep)


def clean_form_data(data, *, keep=()):
    """A copy of submitted form data (QueryDict or dict) with every text value through ``strip_unsafe``."""
    if hasattr(data, "lists") and hasattr(data, "setlist"):
        cleaned = data.copy()
        for key, values in data.lists():
            if key not in keep:
                cleaned.setlist(key, [clean_value(v) for v in values])
        return cleaned
    return {key: (value if key in keep else clean_value(value)) for key, value in data.items()}


# ---- spreadsheet cells ------------------------------------------------------------------------------------------
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value):
    """A cell value Excel/WPS will not run (OWASP CSV injection): text starting with = + - @ TAB CR or LF gets a
    leading apostrophe; unsafe characters (which also make openpyxl fail) are removed. Numbers and dates pass."""
    if not isinstance(value, str):
        return value
    value = _UNSAFE.sub("", value)
    if value.startswith(_FORMULA_LEADS):
        return "'" + value
    return value
