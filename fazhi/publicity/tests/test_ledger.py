"""Ledger round trip: export from 稷下街道, import into an empty subdistrict, the 2023 figures are the same."""
import pytest

from fazhi.core import clock, figures, ledger
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


# ---- round trip inside one subdistrict: rows match on 编号 --------------------------------------------------------

def _importer(item, users):
    return next(u for u in (users.sub_admin, users.judicial, users.office) if item.can_import(u))


def _edit(data, header, value, row=2):
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    column = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row=row, column=column, value=value)
    record_id = ws.cell(row=row, column=[c.value for c in ws[1]].index("编号") + 1).value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), record_id


def _count(item, user):
    return item.queryset(user, {}).count()


def test_an_exported_ledger_re_imports_twice_as_nothing_to_do(users, tree, make_event):
    build(users, tree, make_event)
    for key in ORDER:
        item = ledger.get(key)
        user = _importer(item, users)
        before = _count(item, user)
        assert before, key
        for _ in range(2):
            data = ledger.export_xlsx(item, item.queryset(user, {}))
            dry = ledger.run_import(item, data, actor=user, dry_run=True)
            assert dry.ok and dry.nothing_to_do, (key, [str(e) for e in dry.errors], [r.as_dict() for r in dry.rows if r.action != "跳过"])
            assert "没有需要导入的内容" in dry.summary
            done = ledger.run_import(item, data, actor=user, dry_run=False)
            assert done.ok and (done.created, done.updated, done.skipped) == (0, 0, before), key
            assert _count(item, user) == before, key


EDITS = [  # row 2 of the events ledger is the cancelled plan (newest first): edit the next one
    ("publicity.events", "活动名称", "改名后的宣传活动", lambda o: o.title),
    ("publicity.sites", "辐射人口（人）", 70000, lambda o: o.population_served),
    ("publicity.leaders", "联系电话", "13900139000", lambda o: o.phone),
    ("publicity.leader_trainings", "培训主题", "改后的培训主题", lambda o: o.topic),
    ("publicity.study_sessions", "地点", "三楼会议室", lambda o: o.place),
    ("publicity.staff_attendance", "证书编号", "ZS-2023-9", lambda o: o.certificate_no),
]


@pytest.mark.parametrize("key,header,value,read", EDITS, ids=[e[0] for e in EDITS])
def test_one_edited_cell_updates_exactly_that_record_and_is_audited(users, tree, make_event, key, header, value, read):
    from fazhi.core.models import AuditEvent

    build(users, tree, make_event)
    item = ledger.get(key)
    user = _importer(item, users)
    before = _count(item, user)
    row = 3 if key == "publicity.events" else 2
    data, record_id = _edit(ledger.export_xlsx(item, item.queryset(user, {})), header, value, row=row)
    dry = ledger.run_import(item, data, actor=user, dry_run=True)
    assert dry.ok and (dry.created, dry.updated) == (0, 1), [str(e) for e in dry.errors]
    changed = next(r for r in dry.rows if r.action == "更新")
    assert changed.record == str(record_id) and [c[0] for c in changed.changes] == [header]
    assert read(item.queryset(user, {}).get(id=record_id)) != value  # a dry run writes nothing
    audits = AuditEvent.objects.filter(action="update").count()
    done = ledger.run_import(item, data, actor=user, dry_run=False)
    assert done.ok and (done.created, done.updated, done.imported) == (0, 1, 1), [str(e) for e in done.errors]
    assert _count(item, user) == before
    assert read(item.queryset(user, {}).get(id=record_id)) == value
    assert AuditEvent.objects.filter(action="update").count() == audits + 1
    again = ledger.run_import(item, ledger.export_xlsx(item, item.queryset(user, {})), actor=user, dry_run=True)
    assert again.nothing_to_do


def test_a_plan_marked_held_in_the_ledger_records_its_results_through_the_workflow(users, tree, make_event):
    item = ledger.get("publicity.events")
    plan = make_event(date=D(2024, 1, 20), reach={}, materials=0, slogans=0)
    assert plan.status == Event.Status.PLANNED
    with clock.frozen(clock.at_local(D(2024, 1, 25), 10, 0)):
        data = ledger.export_xlsx(item, item.queryset(users.judicial, {}))
        data, _ = _edit(data, "状态", "已开展")
        data, _ = _edit(data, "老年人（人次）", 35)
        data, _ = _edit(data, "受教育人次合计", 35)
        result = ledger.run_import(item, data, actor=users.judicial, dry_run=False)
        assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    plan.refresh_from_db()
    assert plan.status == Event.Status.HELD and plan.record_due is None
    assert {r.group.code: r.people for r in plan.reach.all()} == {"elderly": 35}


def test_an_edited_cancelled_event_is_refused_with_a_reason(users, tree, make_event):
    build(users, tree, make_event)
    item = ledger.get("publicity.events")
    data, _ = _edit(ledger.export_xlsx(item, item.queryset(users.judicial, {})), "活动名称", "改个名", row=2)
    result = ledger.run_import(item, data, actor=users.judicial, dry_run=False)
    assert not result.ok and str(result.errors[0]) == "第2行：已取消的活动不能修改。"
    assert not Event.objects.filter(title="改个名").exists()


def test_ledger_updates_refuse_what_belongs_on_the_record_page(users, tree, make_event):
    make_event(node=tree.liu)
    item = ledger.get("publicity.events")
    data, _ = _edit(ledger.export_xlsx(item, item.queryset(users.judicial, {})), "村（社区）", "大杨村")
    result = ledger.run_import(item, data, actor=users.judicial, dry_run=True)
    assert not result.ok and "所属村（社区）不能通过台账修改" in str(result.errors[0])
    data, _ = _edit(ledger.export_xlsx(item, item.queryset(users.judicial, {})), "状态", "已取消")
    result = ledger.run_import(item, data, actor=users.judicial, dry_run=True)
    assert not result.ok and "取消活动请在活动页面办理" in str(result.errors[0])


def test_imported_past_records_say_imported_history_in_their_audit(users, tree):
    from fazhi.core.models import AuditEvent

    item = ledger.get("publicity.sites")
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["阵地名称", "村（社区）", "类型", "建成日期"])
    ws.append(["老法治广场", "刘家村", "广场", "2022-04-01"])
    buf = io.BytesIO()
    wb.save(buf)
    result = ledger.run_import(item, buf.getvalue(), actor=users.judicial, dry_run=False)
    assert result.ok and result.created == 1, [str(e) for e in result.errors]
    site = item.queryset(users.judicial, {}).get(name="老法治广场")
    assert str(site.established_on) == "2022-04-01"
    event = AuditEvent.objects.get(action="import", object_id=str(site.pk), object_type__contains="site")
    assert event.action_label.startswith("导入历史") and event.actor == users.judicial
    assert event.changes["business_date"] == "2022-04-01"


def test_a_new_rows_status_must_agree_with_its_date(users, tree):
    import io

    from openpyxl import Workbook

    item = ledger.get("publicity.events")
    wb = Workbook()
    ws = wb.active
    ws.append(["活动日期", "活动名称", "村（社区）", "地点", "组织单位", "“六进”对象", "状态", "老年人（人次）"])
    ws.append(["2022-06-26", "禁毒宣传", "刘家村", "广场", "村委会", "乡村", "已开展", 40])  # history: kept as held
    ws.append(["2022-07-01", "未登记的计划", "刘家村", "广场", "村委会", "乡村", "计划中", None])
    ws.append(["2024-03-15", "还没开展", "刘家村", "广场", "村委会", "乡村", "已开展", 10])
    buf = io.BytesIO()
    wb.save(buf)
    result = ledger.run_import(item, buf.getvalue(), actor=users.judicial, dry_run=False)
    text = [str(e) for e in result.errors]
    assert not result.ok and Event.objects.count() == 0
    assert text == ["第3行“状态”列：活动日期已过的计划：开展了请将状态改为“已开展”并填写开展情况，未开展请删除此行。",
                    "第4行“状态”列：状态为“已开展”的活动，活动日期不能晚于今天。"]
    ws.delete_rows(3, 2)
    buf = io.BytesIO()
    wb.save(buf)
    result = ledger.run_import(item, buf.getvalue(), actor=users.judicial, dry_run=False)
    assert result.ok and result.created == 1
    event = Event.objects.get()
    assert event.status == Event.Status.HELD and str(event.date) == "2022-06-26" and event.record_due is None
