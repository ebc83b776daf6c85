"""Census makers for the reports module (see fazhi/core/tests/test_census.py): objects inside 稷下街道."""
import datetime

from fazhi.core import clock
from fazhi.core.models import Job


def _job(tree, users):
    """A report job of 稷下街道 (core jobs; a report kind, seen by reports.view on its node, and its starter)."""
    return Job.objects.create(kind="report.figure_export", node=tree.sub, params={"year": 2023},
                              created_by=users.office, created_at=clock.now(), status="done",
                              finished_at=clock.now() - datetime.timedelta(seconds=1))


MAKERS = {Job: _job}
