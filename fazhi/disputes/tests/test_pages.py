"""Workbench pages beyond the case itself: to-dos on the home page, deadlines, rooms and their queue, the roster,
the risk word list, the time-per-state report; the recompute hook."""
import datetime

import pytest

from fazhi.core import clock, workdays
from fazhi.disputes.models import Dispute, MediationRoom, Mediator

from . import factories as f

pytestmark = pytest.mark.django_db


def test_home_todos_overdue_and_flags(users, tree, client_for):
    with clock.frozen(datetime.date(2024, 1, 2)):
        f.dispute(users.clerk, tree, description="对方扬言要打死他")
    home = client_for(users.clerk).get("/work/").content.decode()
    assert "超期未办结的矛盾纠纷" in home and "待受理的矛盾纠纷" in home
    leader = client_for(users.leader).get("/work/").content.decode()
    assert "风险预警纠纷" in leader
    assert "风险预警纠纷" not in client_for(users.other_clerk).get("/work/").content.decode()
    page = client_for(users.clerk).get("/work/disputes/deadlines/").content.decode()
    assert "已超期（1）" in page
    listing = client_for(users.leader).get("/work/disputes/", {"flagged": "1"}).content.decode()
    assert "风险" in listing and "共 1 条" in listing


def test_room_and_roster_management(users, tree, client_for):
    c = client_for(users.judicial)
    from fazhi.disputes.models import DisputeKind

    labour = DisputeKind.objects.get(code="labour")
    r = c.post("/work/disputes/rooms/new/", {"node": tree.sub.pk, "name": "老赵劳动调解室", "host_name": "赵德胜",
                                             "specialities": [labour.pk], "opening_hours": "周一至周五",
                                             "is_active": "on"})
    assert r.status_code == 302
    room = MediationRoom.objects.get()
    assert list(room.specialities.all()) == [labour]
    r = c.post("/work/disputes/rooms/new/", {"node": tree.sub.pk, "name": "老赵劳动调解室", "host_name": "x"})
    assert r.status_code == 400 and "名称重复" in r.content.decode()
    assert client_for(users.clerk).get("/work/disputes/rooms/new/").status_code == 403
    d = f.dispute(None, tree, requested_room=room.pk)
    q = c.get(f"/work/disputes/rooms/{room.pk}/").content.decode()
    assert d.tracking_code in q and "群众点单" in q
    assert client_for(users.other_clerk).get(f"/work/disputes/rooms/{room.pk}/").status_code == 404
    r = c.post("/work/disputes/mediators/new/", {"node": tree.sub.pk, "name": "周建国", "kind": "administrative",
                                                 "phone": "123", "committee_position": "主任"})
    assert r.status_code == 400 and "电话号码格式不正确" in r.content.decode()
    from fazhi.disputes import services

    committee = services.committee_ensure(actor=users.judicial, node=tree.sub)
    r = c.post("/work/disputes/mediators/new/", {"node": tree.sub.pk, "name": "周建国", "kind": "administrative",
                                                 "committee": committee.pk, "committee_position": "主任"})
    assert r.status_code == 302
    m = Mediator.objects.get()
    assert m.committee == committee
    roster = client_for(users.clerk).get("/work/disputes/mediators/").content.decode()
    assert "周建国" in roster and "行政调解委员会" in roster and "主任" in roster


def test_risk_word_page(users, tree, client_for):
    c = client_for(users.judicial)
    r = c.post("/work/disputes/risk-words/", {"word": "讨个说法", "category": "group"})
    assert r.status_code == 302
    assert f.dispute(None, tree, description="我们要去讨个说法").is_flagged
    assert client_for(users.clerk).post("/work/disputes/risk-words/", {"word": "x", "category": "group"}).status_code == 403


def test_state_times_report(users, tree, client_for):
    with clock.frozen(datetime.date(2024, 3, 1)):
        d = f.dispute(users.clerk, tree)
    with clock.frozen(datetime.date(2024, 3, 4)):
        f.run(users.clerk, d, "accept")
    html = client_for(users.clerk).get("/work/disputes/state-times/").content.decode()
    assert "已登记" in html and "3.0" in html


def test_calendar_change_recomputes_due_dates(users, tree):
    from fazhi.core.models import DeadlineRule

    with clock.frozen(datetime.date(2024, 3, 1)):
        d = f.dispute(users.clerk, tree)
    assert d.due_date == datetime.date(2024, 4, 1)
    DeadlineRule.objects.filter(code="disputes.conclude").update(amount=20, unit="working_days")
    changed = workdays.recompute_open_deadlines(actor=users.admin)
    assert any(v >= 1 for k, v in changed.items() if "disputes" in k)
    d.refresh_from_db()
    assert d.due_date == datetime.date(2024, 3, 29)
    assert Dispute.objects.filter(pk=d.pk, due_date=datetime.date(2024, 3, 29)).exists()
