import datetime as dt

import pytest

from fazhi.core import services, workdays
from fazhi.core.errors import DomainError
from fazhi.core.models import DeadlineRule

D = dt.date


@pytest.mark.django_db
def test_spring_festival_2024_and_its_makeup_sunday():
    assert not workdays.is_working_day(D(2024, 2, 12))  # Spring Festival holiday, a Monday
    assert workdays.is_working_day(D(2024, 2, 4))  # make-up working Sunday
    assert workdays.is_working_day(D(2024, 2, 18))  # make-up working Sunday after the holiday
    assert not workdays.is_working_day(D(2024, 2, 17))  # holiday Saturday


@pytest.mark.django_db
def test_add_working_days_across_spring_festival_2024():
    # 2024: holiday 10–17 Feb; Fri 9 Feb (New Year's Eve) is a working day; Sun 4 and Sun 18 Feb are make-up days.
    assert workdays.add_working_days(D(2024, 2, 9), 1) == D(2024, 2, 18)
    # 20 working days from 2024-02-01: Feb 2, 4(Sun), 5–9, 18(Sun), 19–23, 26–29, Mar 1, 4, 5
    assert workdays.add_working_days(D(2024, 2, 1), 20) == D(2024, 3, 5)


@pytest.mark.django_db
def test_national_day_2024_with_makeup_days():
    assert workdays.is_working_day(D(2024, 9, 29))  # Sunday worked
    assert workdays.is_working_day(D(2024, 10, 12))  # Saturday worked
    assert workdays.add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 8)
    # (Sep 27, Oct 14]: Sun 29 (make-up), Mon 30, Oct 8–11, Sat 12 (make-up), Mon 14 → 8
    assert workdays.working_days_between(D(2024, 9, 27), D(2024, 10, 14)) == 8


@pytest.mark.django_db
def test_working_days_between_counts_the_makeup_saturday():
    # (Sep 30, Oct 12]: Oct 8, 9, 10, 11 and Saturday Oct 12 → 5
    assert workdays.working_days_between(D(2024, 9, 30), D(2024, 10, 12)) == 5
    assert workdays.working_days_between(D(2024, 10, 12), D(2024, 9, 30)) == -5


@pytest.mark.django_db
def test_unknown_year_says_so_instead_of_guessing():
    first, last = workdays.package_years()
    rule = DeadlineRule.objects.create(code="t.rule", name="测试期限", amount=20, unit="working_days", legal_basis="测试依据")
    d = workdays.compute_deadline("t.rule", D(last + 3, 3, 1), rule_obj=rule)
    assert d.due is None and d.unknown_year == last + 3
    assert "未录入" in d.explain()
    with pytest.raises(workdays.UnknownCalendarYear):
        workdays.is_working_day(D(last + 3, 3, 1))


@pytest.mark.django_db
def test_deadline_explains_itself():
    rule = DeadlineRule.objects.create(code="t.twenty", name="依申请公开答复", amount=20, unit="working_days",
                                       legal_basis="《政府信息公开条例》第三十三条")
    d = workdays.compute_deadline("t.twenty", D(2024, 9, 20), rule_obj=rule)
    assert d.due == D(2024, 10, 23)
    text = d.explain()
    assert "2024年09月20日" in text and "第三十三条" in text and "国庆节" in text


@pytest.mark.django_db
def test_admin_defines_an_unknown_year_and_deadlines_recompute(users):
    first, last = workdays.package_years()
    year = last + 2
    calls = []

    @workdays.register_recompute
    def hook(actor):
        calls.append(actor)
        return 3

    try:
        services.calendar_override_set(actor=users.admin, date=D(year, 1, 1), is_working_day=False, name="元旦")
        services.calendar_year_define(actor=users.admin, year=year, note="测试", is_complete=True)
    finally:
        workdays._recompute_hooks.remove(hook)
    assert len(calls) == 2
    assert not workdays.is_working_day(D(year, 1, 1))
    assert workdays.is_working_day(D(year, 1, 5)) == (D(year, 1, 5).weekday() < 5)
    from fazhi.core.models import AuditEvent

    assert AuditEvent.objects.filter(object_type="core.calendaryear", object_id=str(year)).exists()


@pytest.mark.django_db
def test_calendar_page_lets_an_admin_add_an_override(users, client_for):
    c = client_for(users.admin)
    response = c.post("/work/core/calendar/override/", {"date": "2024-05-06", "is_working_day": "0", "name": "地方假日"}, follow=True)
    assert "已保存" in response.content.decode()
    assert not workdays.is_working_day(D(2024, 5, 6))
    bad = c.post("/work/core/calendar/override/", {"date": "not-a-date", "is_working_day": "0", "name": ""})
    assert bad.status_code == 400
    assert "日期格式不正确" in bad.content.decode()


@pytest.mark.django_db
def test_calendar_is_admin_only(users, client_for):
    assert client_for(users.grid).get("/work/core/calendar/").status_code == 403
    assert client_for(users.grid).post("/work/core/calendar/override/", {"date": "2024-05-06", "is_working_day": "0", "name": "x"}).status_code == 403


def _rule(code, amount, unit, *, rolls=False):
    from fazhi.core.models import DeadlineRule

    return DeadlineRule.objects.update_or_create(code=code, defaults=dict(
        name="测试期限", amount=amount, unit=unit, legal_basis="测试依据", rolls_over_rest_day=rolls,
        rollover_basis="《中华人民共和国民事诉讼法》第八十五条第三款" if rolls else ""))[0]


@pytest.mark.django_db
def test_a_partially_entered_year_gives_provisional_deadlines_until_marked_complete(users):
    first, last = workdays.package_years()
    year = last + 1
    services.calendar_override_set(actor=users.admin, date=D(year, 1, 1), is_working_day=False, name="元旦")
    services.calendar_year_define(actor=users.admin, year=year, note="只录入了元旦")
    _rule("test.wd", 20, "working_days")
    d = workdays.compute_deadline("test.wd", D(year, 1, 20))
    assert d.due is not None and d.is_provisional
    assert f"{year}年节假日安排尚未录入或未录入完整" in d.explain() and "暂定" in d.explain()
    services.calendar_year_define(actor=users.admin, year=year, is_complete=True)
    d = workdays.compute_deadline("test.wd", D(year, 1, 20))
    assert not d.is_provisional and "暂定" not in d.explain()
    with pytest.raises(DomainError):
        services.calendar_year_define(actor=users.admin, year=year, is_complete=True)


@pytest.mark.django_db
def test_a_last_day_on_a_holiday_moves_to_the_next_working_day_only_where_the_rule_says_so(users):
    # 2023-03-06 + 30 days = 2023-04-05, 清明节: 民事诉讼法第八十五条第三款 moves it to 2023-04-06.
    _rule("test.roll", 30, "calendar_days", rolls=True)
    d = workdays.compute_deadline("test.roll", D(2023, 3, 6))
    assert d.due == D(2023, 4, 6) and d.rolled_from == D(2023, 4, 5)
    assert "顺延" in d.explain() and "清明" in d.explain() and "第八十五条第三款" in d.explain()
    _rule("test.plain", 30, "calendar_days")
    assert workdays.compute_deadline("test.plain", D(2023, 3, 6)).due == D(2023, 4, 5)
    # A last day on a working day does not move.
    assert workdays.compute_deadline("test.roll", D(2023, 3, 7)).due == D(2023, 4, 6)
    # Across National Day 2024: 2024-09-01 + 1 month = 2024-10-01 (holiday) → 2024-10-08.
    _rule("test.month", 1, "months", rolls=True)
    assert workdays.compute_deadline("test.month", D(2024, 9, 1)).due == D(2024, 10, 8)


@pytest.mark.django_db
def test_a_calendar_day_period_ending_in_an_unentered_year_is_provisional_not_unknown():
    first, last = workdays.package_years()
    _rule("test.roll_unknown", 30, "calendar_days", rolls=True)
    d = workdays.compute_deadline("test.roll_unknown", D(last, 12, 10))
    assert d.due is not None and d.due >= D(last + 1, 1, 9) and d.due.weekday() < 5
    assert d.is_provisional and "暂定" in d.explain()
