"""The demo reproduces the 2023 report's publicity figures from records."""
import datetime

import pytest

from fazhi.core import figures
from fazhi.demo import org
from fazhi.demo import publicity as demo


@pytest.mark.django_db
def test_demo_matches_the_2023_report():
    ctx = org.load(org.DemoContext())
    demo.load(ctx)
    start, end = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)

    def f(key):
        return figures.compute(key, ctx.subdistrict, start, end)

    assert f("publicity.events") >= 50 and f("publicity.events_into_organs") == 4
    assert 1000 <= f("publicity.materials") < 1100 and 20 <= f("publicity.slogans") < 30
    assert 3000 <= f("publicity.people_reached") < 3200 and 0 < f("publicity.migrant_worker_share") < 0.05
    assert f("publicity.leaders_trained") == 160
    assert (f("publicity.study_sessions"), f("publicity.seminars"), f("publicity.party_lectures")) == (6, 4, 10)
    assert f("publicity.sites_investment") >= 100000 and f("publicity.sites_population") >= 61000
    from fazhi.publicity.selectors import training_hours_by_user

    hours = training_hours_by_user([ctx.users[u].pk for u in ("officer", "officer2", "enforcement_head")], start, end)
    assert all(h > 0 for h in hours.values())
