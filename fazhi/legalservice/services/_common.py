"""Shared helpers and limits of the legal-services write functions."""
import decimal

from fazhi.core import orgkinds
from fazhi.core.errors import DomainError
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
    if node is None or node.level != orgkinds.VILLAGE or not node.is_active:
        raise DomainError("请选择村（社区）。", field_errors={field: "请选择村（社区）。"})
    return node


def _optional_phone(value, field):
    value = (value or "").strip()
    return validate_phone(value, field=field) if value else ""
