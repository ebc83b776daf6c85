"""Census makers for the reports module (see fazhi/core/tests/test_census.py): objects inside 稷下街道."""
import datetime

from fazhi.core import clock
from fazhi.core.models import Job
from fazhi.reports.models import PlanItem, ReportSection, ReportTemplate


def _job(tree, users):
    """A report job of 稷下街道 (core jobs; a report kind, seen by reports.view on its node, and its starter)."""
    return Job.objects.create(kind="report.figure_export", node=tree.sub, params={"year": 2023},
                              created_by=users.office, created_at=clock.now(), status="done",
                              finished_at=clock.now() - datetime.timedelta(seconds=1))



def _report(tree, users):
    from fazhi.reports import services

    existing = ReportTemplate.objects.filter(node=tree.sub, year=2023).first()
    if existing is not None:
        return existing
    with clock.frozen(datetime.date(2024, 1, 10)):
        return services.report_create(actor=users.office, node=tree.sub, year=2023)


def _section(tree, users):
    return _report(tree, users).sections.get(part=1, order=1)


def _plan(tree, users):
    return PlanItem.objects.create(node=tree.liu, year=2024, heading="依法行政", title="刘家村普法计划任务",
                                   owner="刘家村委会", due_date=datetime.date(2024, 6, 30))


MAKERS = {Job: _job, ReportTemplate: _report, ReportSection: _section, PlanItem: _plan}
