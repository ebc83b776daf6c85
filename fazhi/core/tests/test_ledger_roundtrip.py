"""The ledger round trip (core, every ledger): exports write Chinese labels; an exported sheet re-imports as "nothing
to do"; one edited cell is exactly one audited update through the module's service; all errors in one pass; and a
year of paper history comes in with its own states and dates (the disputes ledger)."""
import datetime
import io

import pytest
from django.utils import timezone

from fazhi.core import clock, figures, ledger
from fazhi.core.models import AuditEvent
from fazhi.core.tests.helpers import open_sheet, sheet_bytes
from fazhi.disputes import selectors as dispute_selectors
from fazhi.disputes.models import Dispute
from fazhi.disputes.tests import factories as f

pytestmark = pytest.mark.django_db
KEY = "disputes.mediation"




def _cases(users, tree):
    online = f.dispute(None, tree, title="网上提交的纠纷")
    walk_in = f.dispute(users.clerk, tree, title="借款纠纷", kind_code="contract_debt", amount="1200.50")
    agreed = f.to_agreed(users.sub_admin, f.dispute(users.clerk, tree, title="排水沟纠纷"))
    return online, walk_in, agreed


def test_every_ledger_exports_labels_and_reimports_as_nothing_to_do(users, tree):
    _cases(users, tree)
    checked = []
    for item in ledger.all_ledgers():
        data = ledger.export_xlsx(item, item.queryset(users.sub_admin, {}))
        _, ws, headers = open_sheet(data)
        for column in item.export_columns():
            if column.kind != "choice":
                continue
            cells = {row[headers.index(column.header)] for row in ws.iter_rows(min_row=2, values_only=True)} - {None, ""}
            raw = cells & set(column.choices)
            assert not raw - set(column.choices.values()), f"{item.key} “{column.header}” exports raw codes {raw}"
        # a ledger with no rows in this fixture (e.g. enforcement's) is round-tripped by its own app's tests
        if item.key_column and item.can_import(users.sub_admin) and item.queryset(users.sub_admin, {}).exists():
            result = ledger.run_import(item, data, actor=users.sub_admin, dry_run=True)
            assert result.ok and result.nothing_to_do, (item.key, result.errors)
            checked.append(item.key)
    assert KEY in checked
    data = ledger.export_xlsx(ledger.get(KEY), ledger.get(KEY).queryset(users.clerk, {}))
    _, ws, headers = open_sheet(data)
    channels = {row[headers.index("来源渠道")] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert channels == {"群众网上提交", "窗口来访"} and "online" not in channels
    assert {row[headers.index("办理状态")] for row in ws.iter_rows(min_row=2, values_only=True)} == {"已登记", "调解成功"}
    before = Dispute.objects.count()
    result = ledger.run_import(ledger.get(KEY), data, actor=users.clerk, dry_run=False)
    assert result.ok and result.nothing_to_do and result.imported == 0 and result.skipped == 3
    assert {r.action for r in result.rows} == {"跳过"} and "没有需要导入的内容" in result.summary
    assert Dispute.objects.count() == before


def test_one_edited_cell_is_one_audited_update_through_the_service(users, tree, client_for):
    _, walk_in, _ = _cases(users, tree)
    item = ledger.get(KEY)
    wb, ws, headers = open_sheet(ledger.export_xlsx(item, item.queryset(users.clerk, {})))
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == walk_in.tracking_code)
    row[headers.index("事由")].value = "借款纠纷（补正）"
    data = sheet_bytes(wb)
    dry = ledger.run_import(item, data, actor=users.clerk, dry_run=True)
    assert dry.ok and (dry.created, dry.updated, dry.skipped) == (0, 1, 2)
    changed = next(r for r in dry.rows if r.action == "更新")
    assert changed.record == walk_in.tracking_code and changed.changes == [("事由", "借款纠纷", "借款纠纷（补正）")]
    page = client_for(users.clerk).post(f"/work/ledgers/{KEY}/import/", {"file": io.BytesIO(data)})
    text = page.content.decode()
    assert "更新" in text and "事由：借款纠纷 → 借款纠纷（补正）" in text and "跳过" in text
    count = Dispute.objects.count()
    result = ledger.run_import(item, data, actor=users.clerk, dry_run=False)
    assert result.ok and result.updated == 1 and result.imported == 1 and Dispute.objects.count() == count
    walk_in.refresh_from_db()
    assert walk_in.title == "借款纠纷（补正）"
    event = AuditEvent.objects.filter(object_id=str(walk_in.pk), action="update").latest("id")
    assert event.actor == users.clerk and event.changes["title"] == ["借款纠纷", "借款纠纷（补正）"] or \
        "借款纠纷（补正）" in str(event.changes)
    again = ledger.run_import(item, data, actor=users.clerk, dry_run=True)
    assert again.nothing_to_do


def test_all_errors_of_the_sheet_in_one_pass_and_unsupported_edits_refused(users, tree):
    _, walk_in, agreed = _cases(users, tree)
    item = ledger.get(KEY)
    wb, ws, headers = open_sheet(ledger.export_xlsx(item, item.queryset(users.clerk, {})))
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    rows[walk_in.tracking_code][headers.index("联系电话")].value = "13900000000"  # not changeable by the ledger
    rows[agreed.tracking_code][headers.index("登记日期")].value = "不是日期"
    ws.append([None, "2023-02-30", "窗口来访", None, "刘家村", None, "邻里", "新纠纷", "情况", None, "王五", None,
               None, "13912345678"])
    result = ledger.run_import(item, sheet_bytes(wb), actor=users.clerk, dry_run=True)
    assert not result.ok
    bad_rows = {e.row for e in result.errors}
    assert len(bad_rows) == 3, [str(e) for e in result.errors]
    assert any("不能通过台账修改" in e.message and e.column == "联系电话" for e in result.errors)
    assert any(e.column == "登记日期" for e in result.errors)
    assert sum(1 for r in result.rows if r.action == "错误") == 3


def _history_sheet(users, tree, rows):
    from openpyxl import Workbook

    item = ledger.get(KEY)
    wb = Workbook()
    ws = wb.active
    headers = [c.header for c in item.import_columns()]
    ws.append(headers)
    for n, row in enumerate(rows):
        base = {"登记日期": "2022-03-01", "来源渠道": "窗口来访", "村（社区）": "刘家村", "纠纷类型": "邻里",
                "事由": f"历史纠纷{n}", "纠纷简要情况": f"2022年第{n}号纸质台账", "申请人": f"赵{n}",
                "联系电话": f"1390000{n:04d}"}
        base.update(row)
        ws.append([base.get(h) for h in headers])
    return sheet_bytes(wb)


def test_a_2022_year_of_disputes_imports_with_its_own_states_and_dates(users, tree):
    from fazhi.disputes.models import Mediator

    Mediator.objects.create(node=tree.sub, name="人民调解员甲", kind=Mediator.Kind.PEOPLE)
    agreed = {"办理状态": "调解成功", "受理日期": "2022-03-02", "化解日期": "2022-03-20", "调解员": "人民调解员甲"}
    rows = [dict(agreed), dict(agreed, **{"登记日期": "2022-06-01", "受理日期": "2022-06-01", "化解日期": "2022-07-10"}),
            dict(agreed, **{"办理状态": "已结案", "结案日期": "2022-04-01"}),
            {"办理状态": "调解不成", "受理日期": "2022-05-05", "调解终结日期": "2022-05-30", "调解员": "人民调解员甲",
             "登记日期": "2022-05-04"},
            {"办理状态": "不予受理", "调解终结日期": "2022-08-08", "登记日期": "2022-08-01"}]
    item = ledger.get(KEY)
    result = ledger.run_import(item, _history_sheet(users, tree, rows), actor=users.sub_admin, dry_run=False)
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 5
    year = (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert figures.compute("disputes.received", tree.sub, *year) == 5
    assert figures.compute("disputes.resolved", tree.sub, *year) == 3
    assert figures.compute("disputes.resolution_rate", tree.sub, *year) == 0.75
    assert figures.compute("disputes.by_month", tree.sub, *year) == {"2022年3月": 2, "2022年7月": 1}
    assert figures.compute("disputes.overdue_open", tree.sub, *year) == 0
    assert figures.compute("disputes.resolved", tree.sub, clock.today().replace(month=1, day=1), clock.today()) == 0
    assert dispute_selectors.overdue(users.sub_admin).count() == 0
    closed = Dispute.objects.get(title="历史纠纷2")
    assert (closed.status, closed.resolved_on, closed.closed_on) == ("closed", datetime.date(2022, 3, 20),
                                                                     datetime.date(2022, 4, 1))
    assert Dispute.objects.get(title="历史纠纷4").status == "declined"
    events = AuditEvent.objects.filter(object_id=str(closed.pk), action="import")
    assert events.exists() and all(e.actor == users.sub_admin for e in events)
    assert all(e.action_label.startswith("导入历史") for e in events)
    assert any(e.changes.get("business_date") == "2022-03-20" for e in events)
    assert all(timezone.localdate(e.at) == clock.today() for e in events)  # when: the import, not the business date


def test_history_is_validated_dates_in_order_not_future_state_reachable(users, tree):
    future = (clock.today() + datetime.timedelta(days=3)).isoformat()
    rows = [{"办理状态": "调解成功", "受理日期": "2022-03-02"},  # no 化解日期
            {"办理状态": "已受理", "受理日期": "2022-02-01"},  # accepted before it was registered
            {"办理状态": "已受理", "受理日期": future},
            {"办理状态": "已登记", "化解日期": "2022-05-01"}]
    before = Dispute.objects.count()
    result = ledger.run_import(ledger.get(KEY), _history_sheet(users, tree, rows), actor=users.sub_admin, dry_run=True)
    assert not result.ok and {e.row for e in result.errors} == {2, 3, 4, 5}
    text = " ".join(str(e) for e in result.errors)
    assert "须填写化解日期" in text and "不能早于登记日期" in text and "不能晚于今天" in text and "化解日期的纠纷" in text
    assert Dispute.objects.count() == before
