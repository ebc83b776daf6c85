"""Ledger round trip: export from 稷下街道, import into an empty subdistrict, the 2023 figures are the same."""
import pytest

from fazhi.core import figures, ledger
from fazhi.core import services as core_services
from fazhi.core.roles import Role
from fazhi.publicity import services
from fazhi.publicity.models import Event, KeyDate, Leader, StudySession, Target

from .conftest import D

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_2023")]
KEYS = [k for k in figures.all_figures() if k.startswith("publicity.")]
ORDER = ["publicity.events", "publicity.sites", "publicity.leaders", "publicity.leader_trainings", "publicity.study_sessions",
         "publicity.staff_attendance"]


def build(users, tree, make_event):
    kd = KeyDate.objects.get(code="anti_drug_month")
    make_event(node=tree.sub, target=Target.ORGAN, reach={"cadres": 30}, materials=40, slogans=2, online_reach=99)
    make_event(node=tree.liu, target=Target.VILLAGE, key_date=kd, reach={"elderly": 20, "migrant_workers": 3}, date=D(2023, 6, 8))
    make_event(actor=users.grid, node=tree.liu1, target=Target.SCHOOL, reach={"youth": 55}, materials=5)
    make_event(node=tree.yang, target=Target.COMMUNITY, organiser_unit=tree.centre_body, reach={"women": 12})
    cancelled = make_event(node=tree.yang, date=D(2024, 1, 2), reach={}, materials=0, slogans=0)
    services.event_transition(actor=users.judicial, event=cancelled, name="cancel", reason="天气")
    services.site_create(actor=users.judicial, node=tree.yang, name="交通安全主题公园", kind="主题公园", established_on=D(2023, 9, 18),
                         investment=105000, population_served=61200)
    people = [services.leader_create(actor=users.judicial, node=tree.liu if i < 3 else tree.yang, name=f"明白人{i}",
                                     kind=Leader.Kind.LITERATE, registered_on=D(2023, 1, 3), phone="13800138000" if i == 0 else "")
              for i in range(5)]
    services.leader_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 5, 16), topic="培训会", attendees=people[:4], hours=3)
    services.leader_training_create(actor=users.judicial, node=tree.liu, date=D(2023, 10, 1), topic="线上培训", attendees=people[:2], mode="online")
    for kind in (StudySession.Kind.STUDY, StudySession.Kind.STUDY, StudySession.Kind.SEMINAR, StudySession.Kind.PARTY_LECTURE):
        services.study_session_create(actor=users.office, node=tree.sub, kind=kind, date=D(2023, 3, 3), topic="学法", speaker="书记",
                                      attendees=[users.leader], attendee_names="班子成员")
    services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 3, 1), title="行政处罚法培训",
                                   attendance=[{"user": users.officer, "hours": 8}, {"user": users.officer2, "hours": "6.5"}])


def test_round_trip_into_an_empty_subdistrict_gives_the_same_figures(users, tree, make_event):
    build(users, tree, make_event)
    new = core_services.org_node_create(actor="测试", parent=tree.district, name="新街道", check_scope=False)
    for village, grids in (("刘家村", ["刘家村第一网格"]), ("大杨村", [])):
        v = core_services.org_node_create(actor="测试", parent=new, name=village, check_scope=False)
        for g in grids:
            core_services.org_node_create(actor="测试", parent=v, name=g, check_scope=False)
    new_admin = core_services.user_create(actor="测试", username="new_admin", full_name="新管理员", password="x-123456789",
                                          memberships=[(new, Role.ADMIN, None)])
    for officer in (users.officer, users.officer2):  # the same officers now also work in the new subdistrict
        core_services.membership_grant(actor="测试", user=officer, node=new, role=Role.ENFORCEMENT_OFFICER)

    for key in ORDER:
        item = ledger.get(key)
        data = ledger.export_xlsx(item, item.queryset(users.sub_admin, {}))
        dry = ledger.run_import(item, data, actor=new_admin, dry_run=True)
        assert dry.ok, (key, [str(e) for e in dry.errors])
        result = ledger.run_import(item, data, actor=new_admin, dry_run=False)
        assert result.ok and result.imported == result.total, (key, [str(e) for e in result.errors])

    start, end = D(2023, 1, 1), D(2023, 12, 31)
    for key in KEYS:
        assert figures.compute(key, new, start, end) == figures.compute(key, tree.sub, start, end), key
    assert figures.compute("publicity.events", new, start, end) == 4
    assert Event.objects.filter(node__path__startswith=new.path, status="cancelled").count() == 0


def test_import_errors_are_per_row_chinese_and_import_nothing(users, tree):
    import io

    from openpyxl import Workbook

    item = ledger.get("publicity.events")
    wb = Workbook()
    ws = wb.active
    headers = [c.header for c in item.import_columns()]
    ws.append(headers)
    row = {h: "" for h in headers}
    good = row | {"活动日期": "2023-05-01", "活动名称": "宣传", "村（社区）": "刘家村", "地点": "广场", "组织单位": "村委会", "“六进”对象": "乡村",
                  "老年人（人次）": 10}
    ws.append([good[h] for h in headers])
    ws.append([(good | {"老年人（人次）": -4})[h] for h in headers])
    ws.append([(good | {"村（社区）": "东齐村"})[h] for h in headers])
    ws.append([(good | {"宣传节点": "愚人节"})[h] for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    result = ledger.run_import(item, buf.getvalue(), actor=users.judicial, dry_run=False)
    assert not result.ok and Event.objects.count() == 0
    text = " ".join(str(e) for e in result.errors)
    assert "第3行" in text and "不能小于0" in text and "东齐村" in text and "愚人节" in text
