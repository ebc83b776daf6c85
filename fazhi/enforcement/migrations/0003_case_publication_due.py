"""Case.publication_due: the publication deadline of a decision (处罚决定7个工作日、其他决定20个工作日), stored when
the decision is made so the timeliness figure is a database aggregate. Backfills the decided cases with the
working-day calendar as it stands (historical models only; services recompute it on calendar changes)."""
import datetime

from django.db import migrations, models

PUBLISH_PENALTY_RULE = "enforcement.publish_penalty"
PUBLISH_OTHER_RULE = "enforcement.publish_other"


def _calendar(apps):
    from fazhi.core import workdays

    class HistoricalCalendar(workdays.Calendar):
        def __init__(self):  # the same snapshot as workdays.Calendar, from this migration's models
            override = apps.get_model("core", "CalendarOverride")
            self.overrides = dict(override.objects.values_list("date", "is_working_day"))
            self.override_names = dict(override.objects.values_list("date", "name"))
            self.defined_years = set(apps.get_model("core", "CalendarYear").objects.values_list("year", flat=True))
            self.working = {}

        def is_working_day(self, day):  # remembered: the backfill walks the same days many times
            if day not in self.working:
                self.working[day] = super().is_working_day(day)
            return self.working[day]

    return HistoricalCalendar()


def _due(rule, start, cal):
    from fazhi.core import workdays

    if rule.unit == "months":
        return workdays.add_months(start, rule.amount)
    if rule.unit == "calendar_days":
        return start + datetime.timedelta(days=rule.amount)
    try:
        return workdays.add_working_days(start, rule.amount, cal)
    except workdays.UnknownCalendarYear:
        return None  # the year's holidays are not known: no deadline, as compute_deadline says


def backfill(apps, schema_editor):
    Case = apps.get_model("enforcement", "Case")
    rules = {r.code: r for r in apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[PUBLISH_PENALTY_RULE, PUBLISH_OTHER_RULE])}
    if not Case.objects.filter(decided_on__isnull=False).exists():
        return
    cal = _calendar(apps)
    pairs = Case.objects.filter(decided_on__isnull=False).values_list("decided_on", "result").distinct()
    for decided_on, result in pairs.iterator():
        rule = rules.get(PUBLISH_PENALTY_RULE if result == "penalty" else PUBLISH_OTHER_RULE)
        if rule is None:
            continue
        due = _due(rule, decided_on, cal)
        if due is not None:
            Case.objects.filter(decided_on=decided_on, result=result).update(publication_due=due)


class Migration(migrations.Migration):

    dependencies = [
        ("enforcement", "0002_deadline_and_major_rules"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="publication_due",
            field=models.DateField(blank=True, db_index=True, help_text="作出决定时按工作日计算（处罚决定7个工作日、其他决定20个工作日）；工作日历或期限规则变更时对尚未公示的决定重算。", null=True, verbose_name="应公示期限"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
