"""The demo agrees with the 2023 report: 2 + 13 advisors, 20 lectures, 5,000+ residents served, 刘家村 provincial."""
import datetime

import pytest

from fazhi.core import figures

pytestmark = pytest.mark.django_db


def test_demo_matches_the_2023_report():
    from django.db import transaction

    from fazhi.demo import calendar, legalservice, org

    with transaction.atomic():
        ctx = org.load(org.DemoContext())
    calendar.load(ctx)
    legalservice.load(ctx)
    start, end = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)

    def fig(key, node=ctx.subdistrict):
        return figures.compute(key, node, start, end)

    assert fig("legalservice.advisors_fulltime") == 2
    assert fig("legalservice.advisors_village") == 13
    assert fig("legalservice.lectures") == 20
    assert 5000 < fig("legalservice.residents_served") < 5200
    assert fig("legalservice.stations") == 13
    assert fig("legalservice.demonstration_village_names") == {"刘家村": "省级"}
    assert fig("legalservice.villages_without_advisor") == 0
    assert fig("legalservice.villages_without_advisor", ctx.other_subdistrict) == 1
    assert fig("legalservice.office_hours_missed") > 0
    assert fig("legalservice.office_hours_held") + fig("legalservice.office_hours_missed") == fig("legalservice.office_hours_planned")
    assert fig("legalservice.consultations_answered") > 0
