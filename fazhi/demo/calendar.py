"""The package knows holidays up to its last published year. For the demo, the next year is defined provisionally
(New Year's Day only) so open deadlines can be computed; an administrator replaces it when the State Council
publishes the schedule."""
import datetime

from fazhi.core import clock, services, workdays


def load(ctx):
    first, last = workdays.package_years()
    admin = ctx.users["admin"]
    year = last + 1
    if year <= clock.today().year + 1:
        services.calendar_override_set(actor=admin, date=datetime.date(year, 1, 1), is_working_day=False, name="元旦")
        services.calendar_year_define(actor=admin, year=year, note="演示：国务院安排公布前的临时定义，仅录入元旦")
