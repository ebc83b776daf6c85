"""Ledger round trip: export from 稷下街道, import into an empty subdistrict with villages of the same names → same figures."""
import datetime
import io

import pytest

from fazhi.core import clock, figures, ledger
from fazhi.core import services as core_services
from fazhi.core.models import AuditEvent
from fazhi.core.roles import Role
from fazhi.legalservice import services
from fazhi.legalservice.models import Advisor, DemonstrationVillage, ServiceRecord, Station

from . import factories as f

pytestmark = pytest.mark.django_db
Y0, Y1 = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
KEYS = ["legalservice.advisors_fulltime", "legalservice.advisors_village", "legalservice.villages_without_advisor",
        "legalservice.lectures", "legalservice.residents_served", "legalservice.services", "legalservice.services_by_type",
        "legalservice.services_by_village", "legalservice.stations", "legalservice.demonstration_villages",
        "legalservice.demonstration_village_names"]


def test_round_trip(tree, users, legal):
    j = users.judicial
    f.advisor(j, kind=Advisor.Kind.FULLTIME, node=tree.sub, appointed_on=datetime.date(2022, 1, 1))
    for i, (v, adv) in enumerate([(tree.liu, legal.liu), (tree.yang, legal.yang)] * 3):
        f.record(j, v, adv, kind=["lecture", "consultation", "drafting"][i % 3], people=10 + i, date=datetime.date(2023, 1 + i, 3))
    services.station_create(actor=j, node=tree.liu, name="刘家村站", address="刘家村一号", opened_on=datetime.date(2021, 1, 1))
    services.demonstration_village_create(actor=j, node=tree.liu, level="provincial", year=2020)
    before = {k: figures.compute(k, tree.sub, Y0, Y1) for k in KEYS}
    assert before["legalservice.residents_served"] == sum(10 + i for i in range(6))

    new_sub = core_services.org_node_create(actor="测试", parent=tree.district, name="新建街道", check_scope=False)
    for name in ("刘家村", "大杨村"):
        core_services.org_node_create(actor="测试", parent=new_sub, name=name, check_scope=False)
    new_staff = core_services.user_create(actor="测试", username="new_judicial", full_name="新司法", password="x-pass-123",
                                          memberships=[(new_sub, Role.JUDICIAL_STAFF, None)])
    assert all(figures.compute(k, new_sub, Y0, Y1) in (0, {}) for k in KEYS if k != "legalservice.villages_without_advisor")

    with clock.frozen(datetime.date(2024, 2, 1)):
        for key in ("legalservice.advisors", "legalservice.stations", "legalservice.demonstration_villages", "legalservice.services"):
            item = ledger.get(key)
            data = ledger.export_xlsx(item, item.queryset(j, {}))
            dry = ledger.run_import(item, data, actor=new_staff, dry_run=True)
            assert dry.ok, (key, [str(e) for e in dry.errors])
            result = ledger.run_import(item, data, actor=new_staff, dry_run=False)
            assert result.ok and result.imported == dry.total, key
    after = {k: figures.compute(k, new_sub, Y0, Y1) for k in KEYS}
    assert after == before
    # and the original subdistrict is untouched
    assert {k: figures.compute(k, tree.sub, Y0, Y1) for k in KEYS} == before


def test_import_bad_rows_import_nothing(tree, users, legal):
    item = ledger.get("legalservice.services")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    headers = ["日期", "村（社区）", "法律顾问", "顾问执业证号", "服务类型", "事项", "服务人数", "用时（小时）", "情况说明"]
    ws.append(headers)
    ws.append(["2023-03-01", "刘家村", "孙立法", legal.liu.licence_number, "普法讲座", "宪法讲座", 50, 2, ""])
    ws.append(["2023-03-02", "刘家村", "孙立法", legal.liu.licence_number, "普法讲座", "宪法讲座", -5, 2, ""])
    ws.append(["2023-03-03", "东齐村", "孙立法", legal.liu.licence_number, "普法讲座", "宪法讲座", 5, 2, ""])
    ws.append(["2023-03-04", "刘家村", "孙立法", "000", "普法讲座", "宪法讲座", 5, 2, ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = ledger.run_import(item, buffer.getvalue(), actor=users.judicial, dry_run=False)
    assert not result.ok and not ServiceRecord.objects.exists()
    text = " ".join(str(e) for e in result.errors)
    assert "第3行" in text and "第4行" in text and "第5行" in text
    assert "东齐村" in text


def _year_of_work(tree, users, legal):
    j = users.judicial
    f.advisor(j, kind=Advisor.Kind.FULLTIME, node=tree.sub, name="专职顾问", appointed_on=datetime.date(2022, 1, 1))
    for i in range(3):
        f.record(j, tree.liu, legal.liu, kind="lecture", people=10 + i, date=datetime.date(2023, 3, 1 + i))
    services.station_create(actor=j, node=tree.liu, name="刘家村站", address="刘家村一号", opened_on=datetime.date(2021, 1, 1))
    services.demonstration_village_create(actor=j, node=tree.liu, level="provincial", year=2020)


def _sheet(item, user):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(ledger.export_xlsx(item, item.queryset(user, {}))))
    return wb, wb.active, [c.value for c in wb.active[1]]


def _bytes(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


IMPORTABLE = {  # ledger: (model, a column to edit, its new text, the field that changes, its new value)
    "legalservice.advisors": (Advisor, "律师事务所", "山东新律师事务所", "law_firm", "山东新律师事务所"),
    "legalservice.services": (ServiceRecord, "服务人数", 99, "people_served", 99),
    "legalservice.stations": (Station, "地址", "刘家村二号", "address", "刘家村二号"),
    "legalservice.demonstration_villages": (DemonstrationVillage, "命名年份", 2021, "year", 2021),
}


@pytest.mark.parametrize("key", list(IMPORTABLE))
def test_exported_ledger_reimports_as_nothing_to_do_and_one_edit_is_one_audited_update(key, tree, users, legal):
    """Issue 14: export → re-import changes nothing; one edited cell updates that record (no duplicate), audited."""
    _year_of_work(tree, users, legal)
    model, header, new_text, field, new_value = IMPORTABLE[key]
    item, j = ledger.get(key), users.judicial
    count = model.objects.count()
    wb, ws, headers = _sheet(item, j)
    assert ws.max_row > 1
    same = ledger.run_import(item, _bytes(wb), actor=j, dry_run=False)
    assert same.ok and same.nothing_to_do and same.skipped == ws.max_row - 1, [str(e) for e in same.errors]
    assert "没有需要导入的内容" in same.summary and model.objects.count() == count

    row = next(ws.iter_rows(min_row=2))
    row[headers.index(header)].value = new_text
    data = _bytes(wb)
    dry = ledger.run_import(item, data, actor=j, dry_run=True)
    assert dry.ok and (dry.created, dry.updated) == (0, 1), [str(e) for e in dry.errors]
    changed = next(r for r in dry.rows if r.action == "更新")
    assert [c[0] for c in changed.changes] == [header] and changed.changes[0][2] == str(new_text)
    result = ledger.run_import(item, data, actor=j, dry_run=False)
    assert result.ok and result.updated == 1 and result.created == 0 and model.objects.count() == count
    record = model.objects.get(**{field: new_value})
    event = AuditEvent.objects.filter(object_type=record._meta.label_lower, object_id=str(record.pk), action="update").latest("id")
    assert event.actor == j and field in event.changes
    assert ledger.run_import(item, data, actor=j, dry_run=True).nothing_to_do


def test_ledger_edits_go_through_the_services_rules(tree, users, legal):
    """An edit the service refuses is an error on its row and column; nothing of the sheet is written."""
    _year_of_work(tree, users, legal)
    item, j = ledger.get("legalservice.services"), users.judicial
    wb, ws, headers = _sheet(item, j)
    rows = list(ws.iter_rows(min_row=2))
    rows[0][headers.index("村（社区）")].value = "东齐村"  # another subdistrict's village
    rows[1][headers.index("日期")].value = (clock.today() + datetime.timedelta(days=5)).isoformat()
    rows[2][headers.index("事项")].value = "新事项"  # a valid edit, not written because the sheet has errors
    result = ledger.run_import(item, _bytes(wb), actor=j, dry_run=False)
    assert not result.ok and {e.row for e in result.errors} == {2, 3}
    assert {e.column for e in result.errors} == {"村（社区）", "日期"}
    assert not ServiceRecord.objects.filter(title="新事项").exists()
    # an advisor's licence number names them: a re-registered licence is the same advisor, not a second one
    advisors = ledger.get("legalservice.advisors")
    wb, ws, headers = _sheet(advisors, j)
    ws.append(["孙立法", "村居法律顾问", "山东稷下律师事务所", legal.liu.licence_number, None, None, "刘家村", None, None, None])
    result = ledger.run_import(advisors, _bytes(wb), actor=j, dry_run=True)
    assert not result.ok and any("重复" in e.message for e in result.errors)


def test_a_year_of_paper_history_keeps_its_own_dates(tree, users, legal):
    """Service records of a past year come in with their dates: that year's figures, not today's."""
    item = ledger.get("legalservice.services")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    headers = [c.header for c in item.import_columns()]
    ws.append(headers)
    for month in range(1, 13):
        row = {"日期": f"2022-{month:02d}-15", "村（社区）": "刘家村", "顾问执业证号": legal.liu.licence_number,
               "服务类型": "普法讲座", "事项": f"2022年{month}月讲座", "服务人数": 20}
        ws.append([row.get(h) for h in headers])
    result = ledger.run_import(item, _bytes(wb), actor=users.judicial, dry_run=False)
    assert result.ok and result.created == 12, [str(e) for e in result.errors]
    y2022 = (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert figures.compute("legalservice.lectures", tree.sub, *y2022) == 12
    assert figures.compute("legalservice.residents_served", tree.sub, *y2022) == 240
    this_year = (clock.today().replace(month=1, day=1), clock.today())
    assert figures.compute("legalservice.lectures", tree.sub, *this_year) == 0
    record = ServiceRecord.objects.get(title="2022年3月讲座")
    event = AuditEvent.objects.get(object_type="legalservice.servicerecord", object_id=str(record.pk), action="create")
    assert event.actor == users.judicial and event.action_label == "导入历史：法律服务台账第4行"
    assert event.changes["imported_history"] is True and event.changes["business_date"] == "2022-03-15"


def test_a_past_record_is_judged_by_its_day_the_advisor_was_appointed_by_then(tree, users, legal):
    """A service dated before the advisor's appointment is refused on its row (the rule of the record's date)."""
    late = f.advisor(users.judicial, tree.liu, name="新聘顾问", appointed_on=datetime.date(2023, 6, 1))
    item = ledger.get("legalservice.services")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    headers = [c.header for c in item.import_columns()]
    ws.append(headers)
    for day in ("2023-05-31", "2023-06-01"):
        row = {"日期": day, "村（社区）": "刘家村", "顾问执业证号": late.licence_number, "服务类型": "法律咨询",
               "事项": f"{day} 咨询", "服务人数": 1}
        ws.append([row.get(h) for h in headers])
    result = ledger.run_import(item, _bytes(wb), actor=users.judicial, dry_run=True)
    assert not result.ok and [(e.row, e.column) for e in result.errors] == [(2, "日期")]
    assert "早于该法律顾问的聘任日期（2023-06-01）" in result.errors[0].message


def _office_hour_sheet(rows):
    from openpyxl import Workbook

    item = ledger.get("legalservice.office_hours")
    headers = [c.header for c in item.import_columns()]
    wb = Workbook()
    wb.active.append(headers)
    for row in rows:
        wb.active.append([row.get(h) for h in headers])
    return _bytes(wb)


def test_a_year_of_office_hours_comes_in_with_its_own_dates_and_outcomes(tree, users, legal):
    """The paper sign-in book of 2022: held, missed and cancelled sessions on their own dates — the 2022 figures,
    nothing waiting to be recorded, audited as imported history; a past session without its outcome, or a future
    one already "held", is refused with every reason in one pass."""
    item = ledger.get("legalservice.office_hours")
    base = {"时间": "09:00–11:30", "村（社区）": "刘家村", "顾问执业证号": legal.liu.licence_number, "地点": "刘家村服务站"}
    rows = [dict(base, **{"日期": f"2022-{m:02d}-05", "状态": "已坐班", "接待人数": 3}) for m in range(1, 11)]
    rows += [dict(base, **{"日期": "2022-11-02", "状态": "未坐班", "说明": "顾问出庭"}),
             dict(base, **{"日期": "2022-12-07", "状态": "已取消", "说明": "疫情防控"})]
    result = ledger.run_import(item, _office_hour_sheet(rows), actor=users.judicial, dry_run=False)
    assert result.ok and result.created == 12, [str(e) for e in result.errors]
    y2022 = (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert figures.compute("legalservice.office_hours_planned", tree.sub, *y2022) == 12
    assert figures.compute("legalservice.office_hours_held", tree.sub, *y2022) == 10
    from fazhi.legalservice.models import OfficeHour

    assert not OfficeHour.objects.filter(status=OfficeHour.Status.PLANNED).exists()
    march = OfficeHour.objects.get(date=datetime.date(2022, 3, 5))
    assert march.people_received == 3 and march.start_time == datetime.time(9, 0)
    event = AuditEvent.objects.get(object_type="legalservice.officehour", object_id=str(march.pk), action="import")
    assert event.actor == users.judicial and event.action_label == "导入历史：定期坐班台账第4行"
    assert event.changes["business_date"] == "2022-03-05"
    assert ledger.run_import(item, ledger.export_xlsx(item, item.queryset(users.judicial, {})),
                             actor=users.judicial, dry_run=True).nothing_to_do
    future = (clock.today() + datetime.timedelta(days=30)).isoformat()
    bad = [dict(base, **{"日期": "2022-01-12"}),  # past, no outcome
           dict(base, **{"日期": future, "状态": "已坐班", "接待人数": 2}),
           dict(base, **{"日期": "2022-02-09", "状态": "未坐班"}),  # no reason
           dict(base, **{"日期": "2022-02-16", "时间": "上午", "状态": "已坐班"})]
    count = OfficeHour.objects.count()
    result = ledger.run_import(item, _office_hour_sheet(bad), actor=users.judicial, dry_run=False)
    assert not result.ok and {e.row for e in result.errors} == {2, 3, 4, 5}, [str(e) for e in result.errors]
    messages = " ".join(str(e) for e in result.errors)
    assert "请填写坐班情况" in messages and "尚未到来" in messages and "写明原因" in messages and "09:00–11:30" in messages
    assert OfficeHour.objects.count() == count


def test_a_planned_session_is_recorded_held_through_the_ledger_by_the_workflow(tree, users, legal):
    from fazhi.legalservice.models import OfficeHour

    item = ledger.get("legalservice.office_hours")
    with clock.frozen(clock.at_local(datetime.date(2023, 6, 30), 10)):
        slot = f.slot(users.judicial, tree.liu, legal.liu, date=datetime.date(2023, 7, 5))
    with clock.frozen(clock.at_local(datetime.date(2023, 7, 6), 10)):
        wb, ws, headers = _sheet(item, users.judicial)
        row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == slot.pk)
        row[headers.index("状态")].value = "已坐班"
        row[headers.index("接待人数")].value = 4
        row[headers.index("日期")].value = "2023-07-06"
        refused = ledger.run_import(item, _bytes(wb), actor=users.judicial, dry_run=True)
        assert not refused.ok and any(e.column == "日期" and "坐班页面" in e.message for e in refused.errors)
        row[headers.index("日期")].value = datetime.date(2023, 7, 5)
        result = ledger.run_import(item, _bytes(wb), actor=users.judicial, dry_run=False)
    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    slot.refresh_from_db()
    assert slot.status == OfficeHour.Status.HELD and slot.people_received == 4
    event = AuditEvent.objects.filter(object_type="legalservice.officehour", object_id=str(slot.pk)).latest("id")
    assert event.actor == users.judicial and "登记已坐班" in event.action_label
