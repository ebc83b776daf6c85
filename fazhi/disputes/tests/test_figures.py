import datetime

import pytest

from fazhi.core import clock, figures

from . import factories as f

pytestmark = pytest.mark.django_db
Y = (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))

KEYS = ["disputes.received", "disputes.resolved", "disputes.resolution_rate", "disputes.by_kind", "disputes.by_level",
        "disputes.by_channel", "disputes.by_room", "disputes.by_month", "disputes.received_by_month",
        "disputes.median_days_to_resolve", "disputes.followups_done", "disputes.judicial_confirmations",
        "disputes.overdue_open", "disputes.flagged", "disputes.centre_bodies", "disputes.mediation_rooms",
        "disputes.mediators"]


@pytest.fixture
def year(users, tree):
    """Hand-built 2023: 3 resolved (2 neighbour in 刘家村, 1 labour in 大杨村 via 老赵 room), 1 failed, 1 declined,
    1 still open and overdue, 1 flagged; 1 resolved in 2024; 1 case in the other subdistrict."""
    room = f.room(users.judicial, tree)
    f.mediator(users.judicial, tree)
    out = {}
    with clock.frozen(datetime.date(2023, 3, 1)):
        a = f.dispute(users.clerk, tree)
    with clock.frozen(datetime.date(2023, 3, 11)):
        out["a"] = f.to_agreed(users.clerk, a)  # 10 days
    with clock.frozen(datetime.date(2023, 3, 20)):
        f.run(users.clerk, a, "follow_up", performed=True, satisfaction="satisfied")
    with clock.frozen(datetime.date(2023, 5, 2)):
        b = f.dispute(users.grid, tree, channel="patrol", grid=tree.liu1)
    with clock.frozen(datetime.date(2023, 5, 6)):
        f.to_agreed(users.clerk, b)  # 4 days
    with clock.frozen(datetime.date(2023, 6, 1)):
        c = f.dispute(None, tree, village=tree.yang, kind_code="labour", description="拖欠工资，准备集体上访")
    with clock.frozen(datetime.date(2023, 6, 21)):
        c = f.to_agreed(users.clerk, c, room_obj=room)  # 20 days
        f.run(users.judicial, c, "judicial", judicial_outcome="confirmed", judicial_applied_on="2023-06-21",
              judicial_decided_on="2023-06-21", judicial_court="临淄区人民法院")
    with clock.frozen(datetime.date(2023, 7, 1)):
        fail = f.dispute(users.clerk, tree)
        f.run(users.clerk, fail, "accept")
        f.run(users.clerk, fail, "assign", level="village")
        f.run(users.clerk, fail, "start")
        f.run(users.clerk, fail, "session", place="村调委会", participants="双方", record="各执一词")
        f.run(users.clerk, fail, "fail", reason="差距过大")
        dec = f.dispute(users.clerk, tree)
        f.run(users.clerk, dec, "decline", reason="已起诉")
    with clock.frozen(datetime.date(2023, 11, 1)):
        f.dispute(users.clerk, tree)  # open: due 2023-12-01, overdue at year end
    with clock.frozen(datetime.date(2023, 12, 20)):
        late = f.dispute(users.clerk, tree)
    with clock.frozen(datetime.date(2024, 1, 5)):
        f.to_agreed(users.clerk, late)
    with clock.frozen(datetime.date(2023, 8, 1)):
        f.dispute(users.other_clerk, tree, village=tree.dongqi)
    return out


def test_all_keys_registered():
    registered = figures.all_figures()
    assert all(k in registered for k in KEYS)


def test_figures_match_hand_counts(year, tree):
    v = lambda key, node=tree.sub: figures.compute(key, node, *Y)  # noqa: E731
    assert v("disputes.received") == 7
    assert v("disputes.resolved") == 3
    assert v("disputes.resolution_rate") == 0.75
    assert v("disputes.by_kind") == {"邻里": 2, "劳动争议": 1}
    assert v("disputes.by_level") == {"街道": 3}
    assert v("disputes.by_channel") == {"窗口来访": 1, "网格排查": 1, "群众网上提交": 1}
    assert v("disputes.by_room") == {"未进调解室": 2, "老赵劳动调解室": 1}
    assert v("disputes.by_month") == {"2023年3月": 1, "2023年5月": 1, "2023年6月": 1}
    assert v("disputes.received_by_month")["2023年7月"] == 2
    assert v("disputes.median_days_to_resolve") == 10.0
    assert v("disputes.followups_done") == 1
    assert v("disputes.judicial_confirmations") == 1
    assert v("disputes.overdue_open") == 1  # the November case (the December one was not yet due)
    assert v("disputes.flagged") == 1
    assert v("disputes.centre_bodies") == 2
    assert v("disputes.mediation_rooms") == 1
    assert v("disputes.mediators") == 1
    assert v("disputes.resolved", tree.yang) == 1
    assert v("disputes.resolved", tree.district) == 3
    assert v("disputes.received", tree.other) == 1
    assert figures.compute("disputes.resolved", tree.sub, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)) == 1


def test_figure_links_to_the_list_of_the_same_cases(year, tree, users, client_for):
    fig = figures.get("disputes.resolved")
    url = fig.records_url(tree.sub, *Y)
    assert url.startswith("/work/disputes/?")
    r = client_for(users.clerk).get(url)
    assert "共 3 条" in r.content.decode()
    url = figures.get("disputes.overdue_open").records_url(tree.sub, *Y)
    r = client_for(users.clerk).get(url)
    assert "共 1 条" in r.content.decode(), url
