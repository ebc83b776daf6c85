"""Shared helpers and limits of the legal-services write functions."""
import decimal

from fazhi.core.errors import DomainError
from fazhi.core.models import OrgNode
from fazhi.core.validators import validate_phone

ANSWER_RULE = "legalservice.consultation_answer"
MAX_PEOPLE_PER_RECORD = 5000
MAX_HOURS_PER_RECORD = decimal.Decimal("200")
MAX_QUESTION = 2000
MAX_ANSWER = 5000

ADVISOR_FIELDS = ["node", "kind", "name", "law_firm", "licence_number", "phone", "public_phone", "user", "how_to_ask", "is_active",
                  "appointed_on"]
RECORD_FIELDS = ["node", "advisor", "kind", "date", "title", "people_served", "hours", "notes"]


def _village(node, field="node"):
    if node is None or node.kind != OrgNode.Kind.VILLAGE or not node.is_active:
        raise DomainError("请选择村（社区）。", field_errors={field: "请选择村（社区）。"})
    return node


def _optional_phone(value, field):
    value = (value or "").strip()
    return validate_phone(value, field=field) if value else ""


def _int(value, *, field, label, min_value, max_value):
    try:
        number = int(str(value).strip()) if value not in (None, "") else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise DomainError(f"{label}应为整数。", field_errors={field: f"{label}应为整数。"})
    if number < min_value or number > max_value:
        message = f"{label}应在{min_value}至{max_value}之间（填写的是{number}）。"
        raise DomainError(message, field_errors={field: message})
    return number


def _decimal(value, *, field, label, min_value, max_value):
    try:
        number = decimal.Decimal(str(value).strip()) if value not in (None, "") else decimal.Decimal(0)
        if not number.is_finite():
            raise decimal.InvalidOperation
    except (decimal.InvalidOperation, ValueError):
        raise DomainError(f"{label}应为数字。", field_errors={field: f"{label}应为数字。"})
    if number < min_value or number > max_value:
        message = f"{label}应在{min_value}至{max_value}之间（填写的是{number}）。"
        raise DomainError(message, field_errors={field: message})
    return number.quantize(decimal.Decimal("0.1"))
