"""Working days on the State Council's holiday schedule, including make-up working weekends (调休).

Sources, in order: an administrator's override for that date; the ``chinesecalendar`` package for the years it
knows; Monday–Friday plus overrides for a year an administrator has entered. Such a year counts as defined only
once the administrator marks it complete; until then a deadline that runs into it is computed but says it is
provisional. A date in a year nobody has entered raises ``UnknownCalendarYear`` — a deadline there says so instead
of guessing.

A rule may say that a last day falling on a rest day moves to the first working day after it
(``DeadlineRule.rolls_over_rest_day``, e.g. 民事诉讼法 第八十五条第三款); the explanation then names the move.
"""
import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from . import clock
from .errors import DomainError


class UnknownCalendarYear(DomainError):
    def __init__(self, year):
        super().__init__(
            f"{year}年的法定节假日安排尚未公布或未录入，无法按工作日计算期限。请系统管理员在“工作日历”中录入该年度安排。",
            code="unknown_calendar_year",
        )
        self.year = year


def package_years():
    holidays = chinese_calendar.holidays
    years = {d.year for d in holidays}
    return min(years), max(years)


def _package_knows(year):
    first, last = package_years()
    return first <= year <= last


class Calendar:
    """A snapshot of overrides and defined years; build one per computation (one query each)."""

    def __init__(self):
        from .models import CalendarOverride, CalendarYear

        self.overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
        self.override_names = dict(CalendarOverride.objects.values_list("date", "name"))
        years = dict(CalendarYear.objects.values_list("year", "is_complete"))
        self.defined_years = {y for y, complete in years.items() if complete}
        self.partial_years = {y for y, complete in years.items() if not complete}
        self.provisional_used = set()

    def knows_year(self, year):
        return year in self.defined_years or _package_knows(year)

    def is_provisional(self, year):
        return not self.knows_year(year) and year in self.partial_years

    def is_working_day(self, day):
        if day in self.overrides:
            return self.overrides[day]
        if _package_knows(day.year):
            return chinese_calendar.is_workday(day)
        if day.year in self.defined_years:
            return day.weekday() < 5
        if day.year in self.partial_years:
            self.provisional_used.add(day.year)
            return day.weekday() < 5
        raise UnknownCalendarYear(day.year)

    def holiday_name(self, day):
        if day in self.override_names:
            return self.override_names[day]
        if _package_knows(day.year):
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if on_holiday and name:
                return HOLIDAY_NAMES.get(name, name)
        return "周末" if day.weekday() >= 5 else "节假日"


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def is_working_day(day, cal=None):
    return (cal or Calendar()).is_working_day(day)


def add_working_days(start, days, cal=None):
    """The date ``days`` working days after ``start`` (``start`` itself is day 0, as the law counts)."""
    cal = cal or Calendar()
    current, remaining = start, days
    while remaining > 0:
        current += timedelta(days=1)
        if cal.is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start, end, cal=None):
    """Working days in (start, end]; negative if end is before start."""
    cal = cal or Calendar()
    if end < start:
        return -working_days_between(end, start, cal)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if cal.is_working_day(current):
            count += 1
    return count


def add_months(start, months):
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, _calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass
class Deadline:
    """A computed deadline that can explain itself."""

    start: date
    rule_code: str
    rule_name: str
    amount: int
    unit: str
    unit_label: str
    legal_basis: str
    due: date | None
    skipped: list = field(default_factory=list)  # [(date, name)] of non-working days skipped
    unknown_year: int | None = None
    extra_days: int = 0
    due_soon_days: int = 3
    provisional_years: tuple = ()  # years entered but not marked complete that the count ran into
    rolled_from: date | None = None  # the last day by count, when it fell on a rest day and moved
    rolled_reason: str = ""
    rollover_basis: str = ""

    @property
    def is_provisional(self):
        return bool(self.provisional_years)

    @property
    def is_known(self):
        return self.due is not None

    def status(self, today=None, done_on=None):
        """"done_on_time" / "done_late" / "overdue" / "due_soon" / "open" / "unknown"."""
        if self.due is None:
            return "unknown"
        if done_on is not None:
            return "done_on_time" if done_on <= self.due else "done_late"
        today = today or clock.today()
        if today > self.due:
            return "overdue"
        if (self.due - today).days <= self.due_soon_days:
            return "due_soon"
        return "open"

    def explain(self):
        rule = f"{self.rule_name}：自{self.start:%Y年%m月%d日}起{self.amount + self.extra_days}{self.unit_label}"
        if self.extra_days:
            rule += f"（含延长{self.extra_days}{self.unit_label}）"
        if self.due is None:
            return f"{rule}。{self.unknown_year}年节假日安排未录入，无法确定截止日期。依据：{self.legal_basis}"
        text = f"{rule}，截止{self.due:%Y年%m月%d日}"
        if self.rolled_from is not None:
            text += (f"（按期计算的最后一日{self.rolled_from:%Y年%m月%d日}为{self.rolled_reason}，顺延至其后第一个工作日"
                     + (f"，依据{self.rollover_basis}" if self.rollover_basis else "") + "）")
        text += f"。依据：{self.legal_basis}"
        holidays = [f"{d:%m月%d日}（{n}）" for d, n in self.skipped if n not in {"周末"}]
        if holidays:
            text += f"。期间跳过节假日 {len(holidays)} 天：" + "、".join(holidays[:12]) + ("等" if len(holidays) > 12 else "")
        weekend_count = sum(1 for _, n in self.skipped if n == "周末")
        if weekend_count:
            text += f"；周末 {weekend_count} 天"
        if self.provisional_years:
            years = "、".join(f"{y}年" for y in self.provisional_years)
            text += f"。注意：{years}节假日安排尚未录入或未录入完整，此截止日期为暂定，录入完整后将自动重算"
        return text

    def as_dict(self):
        return {
            "start": self.start.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "rule": self.rule_code,
            "rule_name": self.rule_name,
            "legal_basis": self.legal_basis,
            "explanation": self.explain(),
            "unknown_year": self.unknown_year,
            "provisional": self.is_provisional,
            "rolled_from": self.rolled_from.isoformat() if self.rolled_from else None,
        }


def rule(code):
    from .models import DeadlineRule

    try:
        return DeadlineRule.objects.get(code=code)
    except DeadlineRule.DoesNotExist:
        raise DomainError(f"期限规则“{code}”未配置，请系统管理员在期限规则中添加。")


def compute_deadline(rule_code, start, *, extra=0, cal=None, rule_obj=None):
    """Compute the deadline of ``rule_code`` from ``start`` (plus ``extra`` units for an approved extension)."""
    r = rule_obj or rule(rule_code)
    kwargs = dict(start=start, rule_code=r.code, rule_name=r.name, amount=r.amount, unit=r.unit,
                  unit_label=r.get_unit_display(), legal_basis=r.legal_basis, due=None, extra_days=extra,
                  due_soon_days=r.due_soon_days)
    total = r.amount + extra
    cal = cal or Calendar()
    cal.provisional_used = set()
    skipped = []
    try:
        if r.unit == r.Unit.MONTHS:
            current = add_months(start, total)
        elif r.unit == r.Unit.CALENDAR_DAYS:
            current = start + timedelta(days=total)
        else:
            current, remaining = start, total
            while remaining > 0:
                current += timedelta(days=1)
                if cal.is_working_day(current):
                    remaining -= 1
                else:
                    skipped.append((current, cal.holiday_name(current)))
        rolled_from, rolled_reason = None, ""
        if getattr(r, "rolls_over_rest_day", False):
            # A period counted in calendar days or months runs whatever the calendar; only its last day may move.
            # In a year nobody has entered, weekends are the rest days we know of, and the date is provisional.
            def working(day):
                try:
                    return cal.is_working_day(day)
                except UnknownCalendarYear:
                    cal.provisional_used.add(day.year)
                    return day.weekday() < 5

            if not working(current):
                rolled_from = current
                rolled_reason = cal.holiday_name(current) if cal.knows_year(current.year) else "周末"
                while not working(current):
                    current += timedelta(days=1)
    except UnknownCalendarYear as exc:
        return Deadline(**kwargs | {"unknown_year": exc.year, "skipped": skipped})
    return Deadline(**kwargs | {"due": current, "skipped": skipped, "rolled_from": rolled_from,
                                "rolled_reason": rolled_reason, "rollover_basis": getattr(r, "rollover_basis", ""),
                                "provisional_years": tuple(sorted(cal.provisional_used))})


# Apps whose records store a computed due date register a function here; a calendar change calls them all.
_recompute_hooks = []


def register_recompute(fn):
    """Decorator: ``fn(actor)`` recomputes the stored due dates of open records; returns how many changed."""
    _recompute_hooks.append(fn)
    return fn


def recompute_open_deadlines(actor):
    return {f"{fn.__module__}.{fn.__name__}": fn(actor=actor) for fn in _recompute_hooks}
