"""The key publicity dates (data shared by the installation, kept by administrators)."""
import datetime

from django.db import transaction

from fazhi.core import audit, policy
from fazhi.core.errors import DomainError, NotAllowed
from fazhi.core.validators import clean_date, clean_int, clean_text

from ..models import KeyDate, Target
from .common import _choice

# ---- key dates (data; administrators keep them current) ---------------------------------------------------------

KEY_DATE_FIELDS = ["name", "theme", "calendar", "month", "day", "duration_days", "suggested_target", "basis", "is_active"]


def _key_date_perm(actor):
    # Key dates are shared by every subdistrict of the installation, like deadline rules: the administrators who keep
    # the working-day calendar and the deadline rules keep them too.
    if not policy.has_perm(actor, "core.manage_calendar"):
        raise NotAllowed("只有系统管理员可以维护宣传节点。")


def _clean_key_date(*, name, theme, calendar, month, day, duration_days, suggested_target, basis):
    data = {
        "name": clean_text(name, field="name", label="名称", max_length=60),
        "theme": clean_text(theme, field="theme", label="宣传主题", max_length=200),
        "calendar": _choice(calendar, KeyDate.Calendar.choices, field="calendar", label="历法"),
        "duration_days": clean_int(duration_days or 1, field="duration_days", label="持续天数", min_value=1, max_value=92),
        "suggested_target": suggested_target or "",
        "basis": clean_text(basis, field="basis", label="来源/依据", max_length=200, required=False),
        "month": None, "day": None,
    }
    if data["suggested_target"] and data["suggested_target"] not in Target.values:
        raise DomainError("请选择正确的建议对象。", field_errors={"suggested_target": "请选择建议对象。"})
    if data["calendar"] == KeyDate.Calendar.SOLAR:
        try:
            datetime.date(2024, int(month), int(day))  # a leap year accepts 2月29日
        except (TypeError, ValueError):
            raise DomainError("公历节点请填写正确的月、日。", field_errors={"month": "月、日不正确。", "day": "月、日不正确。"})
        data["month"], data["day"] = int(month), int(day)
    return data


@transaction.atomic
def key_date_create(*, actor, code, name, theme, calendar=KeyDate.Calendar.SOLAR, month=None, day=None, duration_days=1,
                    suggested_target="", basis=""):
    _key_date_perm(actor)
    code = clean_text(code, field="code", label="代码", max_length=40)
    if not code.replace("_", "").isalnum() or not code.isascii():
        raise DomainError("代码只能由英文字母、数字和下划线组成。", field_errors={"code": "格式不正确。"})
    if KeyDate.objects.filter(code=code).exists():
        raise DomainError("代码已存在。", field_errors={"code": "代码已存在。"})
    data = _clean_key_date(name=name, theme=theme, calendar=calendar, month=month, day=day, duration_days=duration_days,
                           suggested_target=suggested_target, basis=basis)
    kd = KeyDate.objects.create(code=code, sort_order=(KeyDate.objects.count() + 1), **data)
    audit.record(actor=actor, action="create", obj=kd, node=None, changes=audit.snapshot(kd, KEY_DATE_FIELDS))
    return kd


@transaction.atomic
def key_date_update(*, actor, key_date, name, theme, calendar, month=None, day=None, duration_days=1, suggested_target="",
                    basis="", is_active=True):
    _key_date_perm(actor)
    key_date = KeyDate.objects.select_for_update().get(pk=key_date.pk)
    before = audit.snapshot(key_date, KEY_DATE_FIELDS)
    data = _clean_key_date(name=name, theme=theme, calendar=calendar, month=month, day=day, duration_days=duration_days,
                           suggested_target=suggested_target, basis=basis)
    for k, v in (data | {"is_active": bool(is_active)}).items():
        setattr(key_date, k, v)
    key_date.save()
    audit.record(actor=actor, action="update", obj=key_date, node=None, changes=audit.diff(before, audit.snapshot(key_date, KEY_DATE_FIELDS)))
    return key_date


@transaction.atomic
def key_date_set_lunar(*, actor, key_date, year, date):
    """Enter the solar date of a lunar festival for one year."""
    _key_date_perm(actor)
    if key_date.calendar != KeyDate.Calendar.LUNAR:
        raise DomainError("公历节点每年日期固定，无需按年录入。")
    day = clean_date(date, field="date", label="日期")
    if day.year != int(year):
        raise DomainError("日期应在所选年份内。", field_errors={"date": "日期不在该年。"})
    key_date = KeyDate.objects.select_for_update().get(pk=key_date.pk)
    before = dict(key_date.lunar_dates)
    key_date.lunar_dates = {**key_date.lunar_dates, str(year): day.isoformat()}
    key_date.save(update_fields=["lunar_dates"])
    audit.record(actor=actor, action="update", obj=key_date, node=None, changes={"lunar_dates": [before, key_date.lunar_dates]},
                 action_label=f"录入{year}年日期")
    return key_date


