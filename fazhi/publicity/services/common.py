"""Shared limits and checks for the publicity services (numbers and dates: fazhi.core.validators)."""
import decimal

from fazhi.core import clock, policy, workdays
from fazhi.core.errors import DomainError
from fazhi.core.validators import clean_int

from ..models import AudienceGroup

# Limits beyond which a number is a typing error, not a fact of a village publicity event.
MAX_PEOPLE_PER_GROUP = 100_000
MAX_MATERIALS = 100_000
MAX_SLOGANS = 5_000
MAX_ONLINE_REACH = 10_000_000
MAX_INVESTMENT = decimal.Decimal("100000000")
MAX_POPULATION = 10_000_000
MAX_HOURS = decimal.Decimal("200")
EVENT_RECORD_RULE = "publicity.event_record"
KEY_DATE_LEAD_RULE = "publicity.key_date_lead"

EVENT_FIELDS = ["title", "date", "place", "organiser_unit", "organiser_text", "target", "key_date", "campaign", "content",
                "status", "materials", "slogans", "online_reach", "record_due", "cancel_reason"]


# ---- checks ---------------------------------------------------------------------------------------

def _not_too_far(day, *, field, label, years_ahead=2):
    if day.year < 2000 or day.year > clock.today().year + years_ahead:
        raise DomainError(f"{label}{day:%Y-%m-%d}不在合理范围内。", field_errors={field: "日期不在合理范围内。"})


def _choice(value, choices, *, field, label):
    if value not in dict(choices):
        raise DomainError(f"请选择正确的{label}。", field_errors={field: f"请选择{label}。"})
    return value


def _require(actor, perm, node):
    if node is None:
        raise DomainError("请选择所属组织。", field_errors={"node": "请选择所属组织。"})
    policy.require(actor, perm, node, view_perm="publicity.view",
                   message="您只能在自己管辖的村（社区）/网格登记，或您的岗位不含此功能。")


def _subdistrict_of(node):
    return node.tenant()


def _check_unit(unit, node):
    if unit is None:
        return None
    sub = _subdistrict_of(node)
    if sub is None or unit.node_id != sub.pk:
        raise DomainError("组织单位不属于该街道。", field_errors={"organiser_unit": "组织单位不属于该街道。"})
    return unit


def _reach_rows(reach):
    """{AudienceGroup or code or id: people} → [(group, people)] with each number checked."""
    rows = []
    groups = {g.code: g for g in AudienceGroup.objects.filter(is_active=True)}
    by_id = {g.pk: g for g in groups.values()}
    for key, people in (reach or {}).items():
        group = key if isinstance(key, AudienceGroup) else groups.get(key) or by_id.get(key if isinstance(key, int) else (int(key) if str(key).isdigit() else None))
        if group is None:
            raise DomainError(f"未知的宣传对象群体“{key}”。", field_errors={"reach": "群体不存在。"})
        n = clean_int(people, field=f"reach_{group.code}", label=f"{group.name}人次", max_value=MAX_PEOPLE_PER_GROUP, required=False)
        if n:
            rows.append((group, n))
    return rows


def _record_due(day):
    return workdays.compute_deadline(EVENT_RECORD_RULE, day).due


