"""Governance ledgers: the round trip (export → re-import = nothing to do; one edited cell = one audited update), a
year of paper history imported with its own dates (right figures for that year, nothing late or overdue that was not),
and bad sheets refused in Chinese with nothing written."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from fazhi.core import clock, figures, ledger, workdays
from fazhi.core.errors import DomainError
from fazhi.core.models import AuditEvent
from fazhi.core.tests.helpers import open_sheet, sheet_bytes
from fazhi.governance import selectors
from fazhi.governance.models import DisclosureItem
from fazhi.reports.render import FigureContext as ReportContext

from . import factories as f

pytestmark = pytest.mark.django_db
ITEMS = "governance_disclosure"
Y2022 = (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))




def _export(key, user):
    item = ledger.get(key)
    return ledger.export_xlsx(item, item.queryset(user, {}))


def _items(users, tree):
    published = f.item(users, tree, title="稷下街道2023年春季防汛通知")
    late = f.item(users, tree, day=datetime.date(2023, 5, 4), formed=datetime.date(2023, 3, 1), title="迟发的通知",
                  late_reason="材料核对延误")
    draft = f.draft(users, tree, title="待发布的办事指南", category="public_services")
    return published, late, draft


# ---- round trip -------------------------------------------------------------------------------------------------

def test_exported_items_reimport_as_nothing_to_do_with_chinese_labels(users, tree):
    _items(users, tree)
    data = _export(ITEMS, users.disclosure)
    _, ws, headers = open_sheet(data)
    assert headers[0] == "编号"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {r[headers.index("状态")] for r in rows} == {"已公开", "待确认发布"}
    assert {r[headers.index("目录类别")] for r in rows} == {"工作动态", "公共服务"}
    assert {r[headers.index("按时公开")] for r in rows} == {"是", "否", None}
    assert "work_news" not in str(rows) and "published" not in str(rows)
    before = (DisclosureItem.objects.count(), AuditEvent.objects.count())
    result = ledger.run_import(ledger.get(ITEMS), data, actor=users.disclosure, dry_run=False)
    assert result.ok and result.nothing_to_do and result.skipped == 3 and result.imported == 0
    assert {r.action for r in result.rows} == {"跳过"}
    assert (DisclosureItem.objects.count(), AuditEvent.objects.count()) == before


def test_one_edited_cell_is_one_audited_update(users, tree, client_for):
    _, _, draft = _items(users, tree)
    wb, ws, headers = open_sheet(_export(ITEMS, users.disclosure))
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == draft.pk)
    row[headers.index("标题")].value = "待发布的办事指南（修订）"
    data = sheet_bytes(wb)
    dry = ledger.run_import(ledger.get(ITEMS), data, actor=users.disclosure, dry_run=True)
    assert dry.ok and (dry.created, dry.updated, dry.skipped) == (0, 1, 2)
    changed = next(r for r in dry.rows if r.action == "更新")
    assert changed.record == str(draft.pk) and changed.changes == [("标题", "待发布的办事指南", "待发布的办事指南（修订）")]
    page = client_for(users.disclosure).post(f"/work/ledgers/{ITEMS}/import/", {"file": io.BytesIO(data)})
    assert "标题：待发布的办事指南 → 待发布的办事指南（修订）" in page.content.decode()
    count = DisclosureItem.objects.count()
    result = ledger.run_import(ledger.get(ITEMS), data, actor=users.disclosure, dry_run=False)
    assert result.ok and result.updated == 1 and DisclosureItem.objects.count() == count
    draft.refresh_from_db()
    assert draft.title == "待发布的办事指南（修订）" and draft.status == "draft"
    event = AuditEvent.objects.filter(object_id=str(draft.pk), action="update").latest("id")
    assert event.actor == users.disclosure and "待发布的办事指南（修订）" in str(event.changes)
    assert ledger.run_import(ledger.get(ITEMS), data, actor=users.disclosure, dry_run=True).nothing_to_do


def test_a_published_item_is_withdrawn_through_the_ledger_but_never_edited(users, tree):
    published, late, _ = _items(users, tree)
    wb, ws, headers = open_sheet(_export(ITEMS, users.disclosure))
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    rows[late.pk][headers.index("标题")].value = "改过的标题"
    result = ledger.run_import(ledger.get(ITEMS), sheet_bytes(wb), actor=users.disclosure, dry_run=False)
    assert not result.ok and result.imported == 0
    assert any(e.column == "标题" and "撤回后重新发布" in e.message for e in result.errors)
    wb, ws, headers = open_sheet(_export(ITEMS, users.disclosure))
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == published.pk)
    row[headers.index("状态")].value = "已撤回"
    row[headers.index("撤回日期")].value = "2023-03-10"
    row[headers.index("撤回理由")].value = "内容有误"
    with clock.frozen(datetime.date(2023, 6, 1)):
        result = ledger.run_import(ledger.get(ITEMS), sheet_bytes(wb), actor=users.disclosure, dry_run=False)
    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    published.refresh_from_db()
    assert published.status == "withdrawn" and timezone.localdate(published.withdrawn_at) == datetime.date(2023, 3, 10)
    event = AuditEvent.objects.filter(object_id=str(published.pk), action="import").latest("id")
    assert event.action_label == "导入历史：撤回公开" and event.changes["business_date"] == "2023-03-10"


# ---- history ----------------------------------------------------------------------------------------------------

def _history(rows, *, extra_headers=()):
    headers = ["编号", "目录类别", "标题", "正文", "形成（变更）日期", "状态", "发布日期", "逾期公开理由", "撤回日期",
               "撤回理由", *extra_headers]
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for n, row in enumerate(rows):
        base = {"目录类别": "工作动态", "标题": f"2022年第{n}号通知", "正文": "纸质台账", "形成（变更）日期": "2022-03-01"}
        base.update(row)
        ws.append([base.get(h) for h in headers])
    return sheet_bytes(wb)


YEAR_2022 = [
    {"发布日期": "2022-03-10"},  # within 20 working days of 03-01
    {"目录类别": "财政预决算", "形成（变更）日期": "2022-06-01", "发布日期": "2022-06-15"},
    {"形成（变更）日期": "2022-05-05", "发布日期": "2022-07-01", "逾期公开理由": "疫情防控期间延期"},  # late, says why
    {"状态": "已撤回", "形成（变更）日期": "2022-09-01", "发布日期": "2022-09-05", "撤回日期": "2022-10-08",
     "撤回理由": "信息已更新"},
]


def test_a_2022_ledger_keeps_its_own_dates_and_gives_the_2022_figures(users, tree):
    result = ledger.run_import(ledger.get(ITEMS), _history(YEAR_2022), actor=users.disclosure, dry_run=False)
    assert result.ok and result.created == 4, [str(e) for e in result.errors]
    first = DisclosureItem.objects.get(title="2022年第0号通知")
    assert (first.status, first.published_on, first.is_timely) == ("published", datetime.date(2022, 3, 10), True)
    assert first.published_on != clock.today() and timezone.localdate(first.published_at) == first.published_on
    late = DisclosureItem.objects.get(title="2022年第2号通知")
    assert late.is_timely is False and late.late_reason == "疫情防控期间延期"
    assert DisclosureItem.objects.filter(is_timely=False).count() == 1  # only the row whose own dates say so

    def value(key, period=Y2022):
        return figures.compute(key, tree.sub, *period)

    assert value("governance.disclosure_published") == 4
    assert value("governance.disclosure_by_category") == {"财政预决算": 1, "工作动态": 3}
    assert value("governance.disclosure_timeliness") == 0.75
    months = value("governance.disclosure_by_month")
    assert (months["2022年3月"], months["2022年6月"], months["2022年7月"], months["2022年9月"]) == (1, 1, 1, 1)
    this_year = (clock.today().replace(month=1, day=1), clock.today())
    assert value("governance.disclosure_published", this_year) == 0
    report = ReportContext(node=tree.sub, year=2022)
    assert report.has_data() and report.value("governance.disclosure_published") == 4
    assert not ReportContext(node=tree.sub, year=2021).has_data()
    # nothing waits or is overdue: no draft to confirm, nothing in the to-dos
    from fazhi.governance.todos import todos

    assert selectors.item_list(user=users.disclosure, filters={"status": "draft"}).count() == 0
    assert not [t for t in todos(users.disclosure) if "主动公开" in t.label]
    # the audit: imported history, by whom, business date; the event's own time is the import's
    events = AuditEvent.objects.filter(object_id=str(first.pk), action="import")
    assert {e.action_label for e in events} == {f"导入历史：{ledger.get(ITEMS).title}第2行", "导入历史：确认发布"}
    assert all(e.actor == users.disclosure and timezone.localdate(e.at) == clock.today() for e in events)
    assert {e.changes.get("business_date") for e in events} == {"2022-03-10"}
    withdrawn = DisclosureItem.objects.get(title="2022年第3号通知")
    assert withdrawn.status == "withdrawn" and timezone.localdate(withdrawn.withdrawn_at) == datetime.date(2022, 10, 8)
    # re-importing the ledger exported now changes nothing
    again = ledger.run_import(ledger.get(ITEMS), _export(ITEMS, users.disclosure), actor=users.disclosure, dry_run=True)
    assert again.ok and again.nothing_to_do


def test_history_rows_are_validated_all_errors_at_once_nothing_written(users, tree):
    future = (clock.today() + datetime.timedelta(days=5)).isoformat()
    rows = [
        {"形成（变更）日期": "2022-05-05", "发布日期": "2022-07-01"},  # late without a reason
        {"形成（变更）日期": "2022-05-05", "发布日期": "2022-05-01"},  # published before it was formed
        {"发布日期": future},  # in the future
        {"状态": "已撤回", "发布日期": "2022-03-10"},  # withdrawn: no date, no reason
        {"状态": "待确认发布", "发布日期": "2022-03-10"},  # a draft cannot have been published
        {"状态": "已公开"},  # published: when?
        {"状态": "已撤回", "发布日期": "2022-03-10", "撤回日期": "2022-03-05", "撤回理由": "有误"},  # withdrawn before published
    ]
    before = (DisclosureItem.objects.count(), AuditEvent.objects.count())
    result = ledger.run_import(ledger.get(ITEMS), _history(rows), actor=users.disclosure, dry_run=False)
    assert not result.ok and result.imported == 0
    assert {e.row for e in result.errors} == {2, 3, 4, 5, 6, 7, 8}
    text = " ".join(str(e) for e in result.errors)
    for phrase in ("请填写逾期公开理由", "发布日期不能早于信息形成（变更）日期", "发布日期不能晚于今天", "须填写撤回日期",
                   "须填写撤回理由", "尚未发布，不应填写发布日期", "须填写发布日期", "撤回日期不能早于发布日期"):
        assert phrase in text, phrase
    assert all(r.action == "错误" for r in result.rows)
    assert (DisclosureItem.objects.count(), AuditEvent.objects.count()) == before


def test_bad_cells_and_bad_files_refused_in_chinese(users, tree, api_for):
    rows = [{"目录类别": "不存在的类别"}, {"形成（变更）日期": "去年春天"}, {"状态": "published_maybe"},
            {"编号": "abc"}, {"标题": ""}]
    result = ledger.run_import(ledger.get(ITEMS), _history(rows), actor=users.disclosure, dry_run=True)
    assert not result.ok and {e.row for e in result.errors} == {2, 3, 4, 5, 6}
    by_column = {e.column: e.message for e in result.errors}
    assert "工作动态" in by_column["目录类别"] and "日期格式" in by_column["形成（变更）日期"]
    assert "待确认发布" in by_column["状态"] and "整数" in by_column["编号"] and "必填" in by_column["标题"]
    api = api_for(users.disclosure)
    for name, content, phrase in (("t.csv", "目录类别,标题\n工作动态,x\n".encode(), "不是有效的 Excel 文件"),
                                  ("t.xlsx", b"", "文件为空"),
                                  ("t.xlsx", _history([{}], extra_headers=("乱写的列",)), "无法识别的列")):
        r = api.post(f"/api/core/ledgers/{ITEMS}/import/?dry_run=0", {"file": SimpleUploadedFile(name, content)},
                     format="multipart")
        assert r.status_code == 400 and phrase in str(r.json()), (name, r.content[:300])
    assert DisclosureItem.objects.count() == 0


def test_a_district_administrator_names_the_subdistrict(users, tree):
    result = ledger.run_import(ledger.get(ITEMS), _history([{"发布日期": "2022-03-10"}]), actor=users.admin,
                               dry_run=True)
    assert not result.ok and "请在“公开主体”列填写" in str(result.errors[0])
    data = _history([{"发布日期": "2022-03-10", "公开主体": "稷下街道"}], extra_headers=("公开主体",))
    result = ledger.run_import(ledger.get(ITEMS), data, actor=users.admin, dry_run=False)
    assert result.ok and DisclosureItem.objects.get().node == tree.sub
    other = _history([{"发布日期": "2022-03-10", "公开主体": "敬仲街道"}], extra_headers=("公开主体",))
    assert not ledger.run_import(ledger.get(ITEMS), other, actor=users.disclosure, dry_run=True).ok


# ---- normative documents and the decision catalogue --------------------------------------------------------------

def _docs_and_decisions(users, tree):
    from fazhi.governance import services

    reviewed = f.document_reviewed(users, tree)
    with clock.frozen(datetime.date(2023, 3, 1)):
        draft = services.document_create(actor=users.office, node=tree.sub, title="稷下街道临时救助办法（草案）",
                                         body="第一条 为了……", drafting_unit="社会事务办")
        catalogued = services.decision_create(actor=users.office, node=tree.sub, year=2023, title="老旧小区改造",
                                              sponsor_unit="城建办")
        started = services.decision_create(actor=users.office, node=tree.sub, year=2023, title="农贸市场搬迁")
        services.decision_transition(actor=users.office, decision_id=started.pk, name="start")
    return reviewed, draft, catalogued, started


@pytest.mark.parametrize("key, title_header", [("governance_documents", "文件名称"), ("governance_decisions", "决策事项")])
def test_documents_and_decisions_round_trip(users, tree, key, title_header):
    from fazhi.governance.models import MajorDecision, NormativeDocument

    reviewed, draft, catalogued, started = _docs_and_decisions(users, tree)
    model, editable, fixed = ((NormativeDocument, draft, reviewed) if key == "governance_documents"
                              else (MajorDecision, catalogued, started))
    data = _export(key, users.office)
    _, ws, headers = open_sheet(data)
    states = {r[headers.index("阶段" if model is NormativeDocument else "状态")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert states == ({"起草中", "审核通过"} if model is NormativeDocument else {"列入目录", "履行程序中"})
    before = (model.objects.count(), AuditEvent.objects.count())
    result = ledger.run_import(ledger.get(key), data, actor=users.office, dry_run=False)
    assert result.ok and result.nothing_to_do and result.skipped == 2, [str(e) for e in result.errors]
    assert (model.objects.count(), AuditEvent.objects.count()) == before
    # one edited cell of an editable record: one update, through the service, audited
    wb, ws, headers = open_sheet(data)
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == editable.pk)
    row[headers.index(title_header)].value = editable.title + "（修订）"
    result = ledger.run_import(ledger.get(key), sheet_bytes(wb), actor=users.office, dry_run=False)
    assert result.ok and (result.created, result.updated, result.skipped) == (0, 1, 1), [str(e) for e in result.errors]
    editable.refresh_from_db()
    assert editable.title.endswith("（修订）") and model.objects.count() == before[0]
    event = AuditEvent.objects.filter(object_id=str(editable.pk), action="update").latest("id")
    assert event.actor == users.office and "（修订）" in str(event.changes)
    # the same edit on a record whose procedure is under way is refused, in Chinese, nothing written
    wb, ws, headers = open_sheet(_export(key, users.office))
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == fixed.pk)
    row[headers.index(title_header)].value = "改名"
    result = ledger.run_import(ledger.get(key), sheet_bytes(wb), actor=users.office, dry_run=False)
    assert not result.ok and result.errors[0].row == row[0].row and "不能" in result.errors[0].message
    fixed.refresh_from_db()
    assert fixed.title != "改名"


def test_new_documents_and_catalogue_entries_are_created_and_audited(users, tree):
    from fazhi.governance.models import MajorDecision, NormativeDocument

    wb = Workbook()
    wb.active.append(["编号", "文件名称", "文件内容", "起草单位", "阶段"])
    wb.active.append([None, "稷下街道网格化管理办法", "第一条 ……", "综治办", None])
    wb.active.append([None, "已公布的旧文件", "第一条 ……", "", "已公布"])
    result = ledger.run_import(ledger.get("governance_documents"), sheet_bytes(wb), actor=users.office, dry_run=True)
    assert not result.ok and {e.row for e in result.errors} == {3}
    assert "阶段为“已公布”的文件须填写起草登记日期" in " ".join(e.message for e in result.errors)
    wb.active.delete_rows(3)
    result = ledger.run_import(ledger.get("governance_documents"), sheet_bytes(wb), actor=users.office, dry_run=False)
    assert result.ok and result.created == 1
    doc = NormativeDocument.objects.get()
    assert (doc.status, doc.node, doc.drafting_unit) == ("drafting", tree.sub, "综治办")
    assert AuditEvent.objects.filter(object_id=str(doc.pk), action="import", actor=users.office).exists()
    wb = Workbook()
    wb.active.append(["编号", "目录年度", "决策事项", "承办单位"])
    wb.active.append([None, 2023, "中心广场改造", "城建办"])
    wb.active.append([None, "明年", "坏年度", ""])
    wb.active.append([None, 1999, "太早", ""])
    result = ledger.run_import(ledger.get("governance_decisions"), sheet_bytes(wb), actor=users.office, dry_run=False)
    assert not result.ok and {e.row for e in result.errors} == {3, 4} and MajorDecision.objects.count() == 0
    assert {e.message for e in result.errors} == {"应为整数", "不能小于2000"}


def _documents_sheet(rows):
    headers = [c.header for c in ledger.get("governance_documents").import_columns()]
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for n, row in enumerate(rows):
        base = {"文件名称": f"2022年第{n}号规范性文件", "文件内容": "第一条 ……", "起草登记日期": "2022-01-10"}
        base.update(row)
        ws.append([base.get(h) for h in headers])
    return sheet_bytes(wb)


PUBLISHED_2022 = {"阶段": "已公布", "征求意见开始": "2022-02-07", "征求意见截止": "2022-02-16",
                  "合法性审核日期": "2022-03-01", "集体审议日期": "2022-03-10", "文号": "稷下发〔2022〕1号",
                  "公布日期": "2022-03-15"}


def test_a_2022_year_of_normative_documents_keeps_its_stages_and_dates(users, tree):
    from fazhi.governance.models import NormativeDocument

    rows = [dict(PUBLISHED_2022),
            dict(PUBLISHED_2022, **{"阶段": "已备案", "文号": "稷下发〔2022〕2号", "报备日期": "2022-04-01",
                                    "备案机关": "临淄区司法局", "备案回执号": "临司备〔2022〕8号"}),
            dict(PUBLISHED_2022, **{"阶段": "已废止/失效", "文号": "稷下发〔2022〕3号", "废止日期": "2022-12-01"}),
            {"阶段": "合法性审核中", "征求意见开始": "2022-11-01", "征求意见截止": "2022-11-10"}]
    result = ledger.run_import(ledger.get("governance_documents"), _documents_sheet(rows), actor=users.sub_admin,
                               dry_run=False)
    assert result.ok and result.created == 4, [str(e) for e in result.errors]
    filed = NormativeDocument.objects.get(doc_number="稷下发〔2022〕2号")
    assert (filed.status, filed.created_on, filed.reviewed_on, filed.published_on, filed.filed_on) == (
        "filed", datetime.date(2022, 1, 10), datetime.date(2022, 3, 1), datetime.date(2022, 3, 15),
        datetime.date(2022, 4, 1))
    assert (filed.number_year, filed.number_seq, filed.filing_receipt) == (2022, 2, "临司备〔2022〕8号")
    assert filed.valid_until == datetime.date(2027, 3, 10)  # five years from its registration, not from today

    def value(key, period=Y2022):
        return figures.compute(key, tree.sub, *period)

    assert value("governance.normative_docs_published") == 3
    assert value("governance.normative_docs_filed") == 1
    assert value("governance.normative_docs_reviewed") == 3
    assert value("governance.normative_docs_by_stage") == {"合法性审核中": 1, "已公布": 1, "已备案": 1, "已废止/失效": 1}
    this_year = (clock.today().replace(month=1, day=1), clock.today())
    assert value("governance.normative_docs_published", this_year) == 0
    assert ReportContext(node=tree.sub, year=2022).has_data()
    events = AuditEvent.objects.filter(object_id=str(filed.pk), action="import").order_by("id")
    assert [e.action_label for e in events][1:] == ["导入历史：" + label for label in (
        "公开征求意见", "结束征求意见", "提交合法性审核", "审核通过", "集体审议通过", "登记编号", "公布", "报备")]
    assert events.last().changes["business_date"] == "2022-04-01"
    assert all(e.actor == users.sub_admin and timezone.localdate(e.at) == clock.today() for e in events)
    again = ledger.run_import(ledger.get("governance_documents"), _export("governance_documents", users.sub_admin),
                              actor=users.sub_admin, dry_run=True)
    assert again.ok and again.nothing_to_do


def test_normative_document_history_is_validated_nothing_written(users, tree):
    from fazhi.governance.models import NormativeDocument

    future = (clock.today() + datetime.timedelta(days=3)).isoformat()
    rows = [dict(PUBLISHED_2022, **{"文号": None}),  # registered without a number
            dict(PUBLISHED_2022, **{"文号": "稷下发〔2022〕5号", "合法性审核日期": "2022-01-05"}),  # reviewed before comment
            dict(PUBLISHED_2022, **{"文号": "稷下发〔2022〕6号", "公布日期": future}),
            dict(PUBLISHED_2022, **{"文号": "稷下发〔2022〕7号", "阶段": "已备案"}),  # filed: when, where?
            {"阶段": "起草中", "公布日期": "2022-03-15"},  # a draft was never published
            dict(PUBLISHED_2022, **{"阶段": "哪个阶段"})]
    before = (NormativeDocument.objects.count(), AuditEvent.objects.count())
    result = ledger.run_import(ledger.get("governance_documents"), _documents_sheet(rows), actor=users.sub_admin,
                               dry_run=False)
    assert not result.ok and {e.row for e in result.errors} == {2, 3, 4, 5, 6, 7}
    text = " ".join(str(e) for e in result.errors)
    for phrase in ("须填写文号", "合法性审核日期不能早于征求意见截止", "公布日期不能晚于今天", "须填写报备日期",
                   "须填写备案机关", "不应填写公布日期", "应为以下之一"):
        assert phrase in text, phrase
    assert (NormativeDocument.objects.count(), AuditEvent.objects.count()) == before
    # a documents clerk cannot record a legal review or a collective decision, even of the past
    result = ledger.run_import(ledger.get("governance_documents"), _documents_sheet([PUBLISHED_2022]),
                               actor=users.office, dry_run=True)
    assert not result.ok and "请由街道管理员导入" in str(result.errors[0])


# ---- disclosure requests ------------------------------------------------------------------------------------------

REQUESTS = "governance_requests"


def _requests_sheet(rows):
    headers = [c.header for c in ledger.get(REQUESTS).import_columns()]
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for n, row in enumerate(rows):
        base = {"申请人类型": "公民", "申请人": f"申请人{n}", "联系电话": f"1390533{n:04d}",
                "申请内容": f"申请公开2022年第{n}项低保资金发放情况", "收到日期": "2022-03-01"}
        base.update(row)
        ws.append([base.get(h) for h in headers])
    return sheet_bytes(wb)


ANSWERED = {"状态": "已答复", "答复日期": "2022-03-15", "答复类型": "予以公开", "答复内容": "经审查，予以公开，见附件。"}
REQUESTS_2022 = [
    dict(ANSWERED),
    dict(ANSWERED, **{"申请人类型": "法人或其他组织", "法人或其他组织类别": "商业企业", "收到日期": "2022-06-01",
                      "答复日期": "2022-06-10", "答复类型": "本机关不掌握相关政府信息（信息不存在）",
                      "年报统计口径": "无法提供：本机关不掌握相关政府信息",
                      "理由及依据": "经检索，本机关未制作或获取该信息（《政府信息公开条例》第三十六条第（四）项）。"}),
    {"收到日期": "2022-12-20"},  # never answered: carried forward — and, by its own dates, overdue
]


def test_a_2022_request_ledger_gives_the_2022_figures_and_annual_report_table(users, tree):
    from fazhi.governance import annual
    from fazhi.governance.models import DisclosureRequest

    result = ledger.run_import(ledger.get(REQUESTS), _requests_sheet(REQUESTS_2022), actor=users.disclosure,
                               dry_run=False)
    assert result.ok and result.created == 3, [str(e) for e in result.errors]
    first = DisclosureRequest.objects.get(applicant_name="申请人0")
    assert (first.status, first.received_on, first.answered_on) == ("answered", datetime.date(2022, 3, 1),
                                                                   datetime.date(2022, 3, 15))
    assert first.reply_number.endswith("〔2022〕1号") and first.answered_on <= first.due_date

    def value(key):
        return figures.compute(key, tree.sub, *Y2022)

    assert value("governance.requests_received") == 3
    assert value("governance.requests_answered") == 2
    assert value("governance.requests_on_time_rate") == 1.0
    assert value("governance.requests_by_reply") == {"予以公开": 1, "本机关不掌握相关政府信息（信息不存在）": 1}
    rows = {row.get("key"): row for row in annual.compute(tree.sub, 2022)["requests"]["rows"]}
    assert [rows[k]["cells"][-1]["n"] for k in ("new", "handled", "forward")] == [3, 2, 1]
    assert rows["unable_not_held"]["cells"][1]["n"] == 1  # 商业企业 column
    # the answered ones are on time; only the one still unanswered is overdue, as its own dates say
    overdue = selectors.request_list(user=users.disclosure, filters={"due": "overdue"})
    assert list(overdue.values_list("applicant_name", flat=True)) == ["申请人2"]
    events = AuditEvent.objects.filter(object_id=str(first.pk), action="import")
    assert {e.action_label for e in events} == {f"导入历史：{ledger.get(REQUESTS).title}第2行", "导入历史：答复"}
    assert {e.changes.get("business_date") for e in events} == {"2022-03-01", "2022-03-15"}
    # round trip: nothing to do; one corrected statistic is one audited update
    data = _export(REQUESTS, users.disclosure)
    assert ledger.run_import(ledger.get(REQUESTS), data, actor=users.disclosure, dry_run=True).nothing_to_do
    wb, ws, headers = open_sheet(data)
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == first.tracking_code)
    assert row[headers.index("年报统计口径")].value == "予以公开" and row[headers.index("状态")].value == "已答复"
    row[headers.index("申请人类型")].value = "法人或其他组织"
    row[headers.index("申请内容")].value = "改写的内容"
    refused = ledger.run_import(ledger.get(REQUESTS), sheet_bytes(wb), actor=users.disclosure, dry_run=True)
    assert not refused.ok and "只能通过台账更正年报统计信息" in refused.errors[0].message
    wb, ws, headers = open_sheet(data)
    second = DisclosureRequest.objects.get(applicant_name="申请人1")
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == second.tracking_code)
    row[headers.index("法人或其他组织类别")].value = "科研机构"
    result = ledger.run_import(ledger.get(REQUESTS), sheet_bytes(wb), actor=users.disclosure, dry_run=False)
    assert result.ok and (result.updated, result.skipped) == (1, 2)
    second.refresh_from_db()
    assert second.organisation_kind == "research"
    assert AuditEvent.objects.filter(object_id=str(second.pk), action="update", actor=users.disclosure).exists()


def test_request_history_is_validated_nothing_written(users, tree):
    from fazhi.governance.models import DisclosureRequest

    future = (clock.today() + datetime.timedelta(days=2)).isoformat()
    rows = [dict(ANSWERED, **{"答复日期": "2022-02-01"}),  # answered before it was received
            dict(ANSWERED, **{"答复日期": future}),
            {"状态": "已答复"},  # answered: when, how?
            {"状态": "待补正"},  # an intermediate step is taken on the request's page
            {"收到日期": future, "联系电话": "12345"},
            {"查询码": "GK00000000"}]
    before = (DisclosureRequest.objects.count(), AuditEvent.objects.count())
    result = ledger.run_import(ledger.get(REQUESTS), _requests_sheet(rows), actor=users.disclosure, dry_run=False)
    assert not result.ok and {e.row for e in result.errors} == {2, 3, 4, 5, 6, 7}
    text = " ".join(str(e) for e in result.errors)
    for phrase in ("答复日期不能早于收到日期", "答复日期不能晚于今天", "已答复的申请须填写答复类型", "台账只能导入“办理中”",
                   "收到日期不能晚于今天", "新申请请留空查询码"):
        assert phrase in text, phrase
    assert (DisclosureRequest.objects.count(), AuditEvent.objects.count()) == before


# A 2022 request's correction, third-party consultation and approved extension come in on their own dates: the reply
# deadline is the one those dates give (第三十条、第三十三条), so a reply late against the plain 20 working days but
# within the corrected / extended deadline counts as on time in the 2022 figures.
STEPS_2022 = [
    dict(ANSWERED, **{"申请人": "补正者", "收到日期": "2022-03-01", "补正通知日期": "2022-03-03",
                      "补正完成日期": "2022-03-10", "答复日期": "2022-04-01"}),
    dict(ANSWERED, **{"申请人": "延期者", "收到日期": "2022-06-01", "延期批准日期": "2022-06-20",
                      "延期理由": "涉及档案查找，需调阅多年资料", "答复日期": "2022-07-20"}),
    dict(ANSWERED, **{"申请人": "征求者", "收到日期": "2022-08-01", "征求意见的第三方": "某商贸公司",
                      "征求意见开始日期": "2022-08-05", "征求意见结束日期": "2022-08-15", "答复日期": "2022-09-02"}),
    {"申请人": "放弃者", "收到日期": "2022-09-01", "补正通知日期": "2022-09-02", "状态": "视为放弃申请（逾期未补正）",
     "答复日期": "2022-10-31", "理由及依据": "申请人逾期未补正，亦未说明理由。"},
]


def test_a_2022_request_with_correction_consultation_and_extension_keeps_its_dates_and_is_on_time(users, tree):
    from fazhi.governance import annual
    from fazhi.governance.models import DisclosureRequest

    result = ledger.run_import(ledger.get(REQUESTS), _requests_sheet(STEPS_2022), actor=users.disclosure,
                               dry_run=False)
    assert result.ok and result.created == 4, [str(e) for e in result.errors]
    got = {r.applicant_name: r for r in DisclosureRequest.objects.all()}
    corrected, extended, consulted, abandoned = (got[n] for n in ("补正者", "延期者", "征求者", "放弃者"))
    # the plain 20 working days from receipt would have made each of the three late
    for req in (corrected, extended, consulted):
        plain = workdays.compute_deadline("governance.request_reply", req.received_on).due
        assert req.answered_on > plain, req.applicant_name
        assert req.status == "answered" and req.answered_on <= req.due_date, (req.applicant_name, req.due_date)
    assert (corrected.correction_requested_on, corrected.corrected_on, corrected.clock_start) == (
        datetime.date(2022, 3, 3), datetime.date(2022, 3, 10), datetime.date(2022, 3, 10))
    assert corrected.correction_late is False and corrected.waiting_days == 7
    assert extended.extended and extended.extension_reason == "涉及档案查找，需调阅多年资料"
    assert consulted.paused_days == 6 and consulted.consultation_party == "某商贸公司"
    assert (abandoned.status, abandoned.answered_on, abandoned.table_reason) == (
        "abandoned", datetime.date(2022, 10, 31), "other_no_correction")

    def value(key):
        return figures.compute(key, tree.sub, *Y2022)

    assert value("governance.requests_on_time_rate") == 1.0
    rows = {row.get("key"): row for row in annual.compute(tree.sub, 2022)["requests"]["rows"]}
    assert [rows[k]["cells"][-1]["n"] for k in ("new", "handled", "forward")] == [4, 4, 0]
    assert rows["disclosed"]["cells"][-1]["n"] == 3 and rows["other_no_correction"]["cells"][-1]["n"] == 1
    assert not selectors.request_list(user=users.disclosure, filters={"due": "overdue"}).exists()
    # each step audited as imported history on its own business date, by the importer, today
    events = AuditEvent.objects.filter(object_id=str(extended.pk), action="import").order_by("id")
    assert [(e.action_label, e.changes.get("business_date")) for e in events] == [
        (f"导入历史：{ledger.get(REQUESTS).title}第3行", "2022-06-01"),
        ("导入历史：登记已批准的延期（历史台账）", "2022-06-20"), ("导入历史：答复", "2022-07-20")]
    assert all(e.actor == users.disclosure and timezone.localdate(e.at) == clock.today() for e in events)
    steps = AuditEvent.objects.filter(object_id=str(corrected.pk), action="import").values_list("action_label", "changes")
    assert [(label, c.get("business_date")) for label, c in steps if "补正" in label] == [
        ("导入历史：一次性告知补正", "2022-03-03"), ("导入历史：补正完成", "2022-03-10")]
    # the exported ledger re-imports as nothing to do
    again = ledger.run_import(ledger.get(REQUESTS), _export(REQUESTS, users.disclosure), actor=users.disclosure,
                              dry_run=True)
    assert again.ok and again.nothing_to_do, [str(e) for e in again.errors]


def test_request_steps_that_cannot_be_true_are_refused_in_chinese_nothing_written(users, tree):
    from fazhi.governance.models import DisclosureRequest

    future = (clock.today() + datetime.timedelta(days=3)).isoformat()
    rows = [
        # approved after the original deadline (20 working days from 06-01 end in June)
        dict(ANSWERED, **{"收到日期": "2022-06-01", "延期批准日期": "2022-07-20", "答复日期": "2022-08-01"}),
        # corrected before the notice
        dict(ANSWERED, **{"补正通知日期": "2022-03-08", "补正完成日期": "2022-03-05", "答复日期": "2022-03-20"}),
        # a correction notice in the future
        {"补正通知日期": future, "补正完成日期": future},
        # closed as abandoned before the correction period ended
        {"补正通知日期": "2022-03-02", "状态": "视为放弃申请（逾期未补正）", "答复日期": "2022-03-04"},
        # consultation ending before it started, no third party named
        dict(ANSWERED, **{"征求意见开始日期": "2022-03-05", "征求意见结束日期": "2022-03-04", "答复日期": "2022-03-20"}),
        # answered before the correction was received
        dict(ANSWERED, **{"补正通知日期": "2022-03-02", "补正完成日期": "2022-03-20", "答复日期": "2022-03-15"}),
    ]
    before = (DisclosureRequest.objects.count(), AuditEvent.objects.count())
    result = ledger.run_import(ledger.get(REQUESTS), _requests_sheet(rows), actor=users.disclosure, dry_run=False)
    assert not result.ok and {e.row for e in result.errors} == {2, 3, 4, 5, 6, 7}
    by_row = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(str(e))
    expected = {2: "晚于原答复期限", 3: "补正完成日期（2022-03-05）不能早于补正通知日期", 4: "补正通知日期不能晚于今天",
                5: "方可视为放弃申请", 6: "征求意见结束日期不能早于征求意见开始日期", 7: "答复日期不能早于补正完成日期"}
    for row, phrase in expected.items():
        assert phrase in " ".join(by_row[row]), (row, by_row[row])
    assert "第三十三条第二款" in " ".join(by_row[2]) and "须填写征求意见的第三方" in " ".join(by_row[6])
    assert (DisclosureRequest.objects.count(), AuditEvent.objects.count()) == before


def test_an_extension_is_recorded_from_history_only_never_approved_on_the_page(users, tree):
    from fazhi.governance import services
    from fazhi.governance import workflow as wf

    req = services.request_submit(node=tree.sub, applicant_name="张三", phone="13905330001",
                                  content="申请公开某项资金发放情况", actor=users.disclosure, channel="counter")
    assert "record_extension" not in [t.name for t in wf.REQUEST.available(req, users.disclosure)]
    with pytest.raises(DomainError, match="负责人批准"):
        services.request_transition(actor=users.disclosure, request_id=req.pk, name="record_extension",
                                    reason="历史")


@pytest.mark.parametrize("page, key, user", [("items", ITEMS, "disclosure"), ("requests", REQUESTS, "disclosure"),
                                             ("documents", "governance_documents", "office"),
                                             ("decisions", "governance_decisions", "office")])
def test_list_pages_lead_to_the_ledger_import_for_those_who_may(users, tree, client_for, page, key, user):
    url = f"/work/ledgers/{key}/import/"
    text = client_for(getattr(users, user)).get(f"/work/governance/{page}/").content.decode()
    assert url in text and f"/api/core/ledgers/{key}/export/" in text
    assert client_for(getattr(users, user)).get(url).status_code == 200
    assert url not in client_for(users.leader).get(f"/work/governance/{page}/").content.decode()


def test_a_draft_published_on_paper_is_recorded_on_its_own_date(users, tree):
    draft = f.draft(users, tree, day=datetime.date(2023, 3, 1), title="纸质公开栏已张贴的通知")
    wb, ws, headers = open_sheet(_export(ITEMS, users.disclosure))
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == draft.pk)
    row[headers.index("发布日期")].value = "2023-03-06"
    refused = ledger.run_import(ledger.get(ITEMS), sheet_bytes(wb), actor=users.disclosure, dry_run=True)
    assert not refused.ok and "请将状态改为“已公开”" in refused.errors[0].message
    row[headers.index("状态")].value = "已公开"
    with clock.frozen(datetime.date(2023, 9, 1)):
        dry = ledger.run_import(ledger.get(ITEMS), sheet_bytes(wb), actor=users.disclosure, dry_run=True)
        assert dry.ok and dry.updated == 1
        assert set(dry.rows[0].changes) == {("状态", "待确认发布", "已公开"), ("发布日期", "（空）", "2023-03-06")}
        result = ledger.run_import(ledger.get(ITEMS), sheet_bytes(wb), actor=users.disclosure, dry_run=False)
    assert result.ok, [str(e) for e in result.errors]
    draft.refresh_from_db()
    assert (draft.status, draft.published_on, draft.is_timely) == ("published", datetime.date(2023, 3, 6), True)
    event = AuditEvent.objects.filter(object_id=str(draft.pk), action="import").get()
    assert event.action_label == "导入历史：确认发布" and event.changes["business_date"] == "2023-03-06"


# ---- 党工委会议台账 ----------------------------------------------------------------------------------------------

MEETINGS = "governance_meetings"


def _bytes_of(wb):  # local helpers: these tests read and write sheets on their own
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _opened(data):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return wb, wb.active, [c.value for c in wb.active[1]]


def _meeting_sheet(rows):
    headers = ["会议名称", "会议日期", "地点", "党工委成员（有表决权）", "列席村（社区）书记", "议题及集体决定", "会议纪要"]
    wb = Workbook()
    wb.active.append(headers)
    for row in rows:
        wb.active.append([row.get(h) for h in headers])
    return _bytes_of(wb)


def test_a_2022_minute_book_imports_on_its_own_dates_with_the_decisions_the_report_counts(users, tree):
    from fazhi.governance.models import Meeting

    rows = [
        {"会议名称": "2022年第1次党工委会议", "会议日期": "2022-02-10", "地点": "三楼会议室", "党工委成员（有表决权）": "王书记、李主任",
         "列席村（社区）书记": "刘书记（刘家村）、杨书记（大杨村）",
         "议题及集体决定": "1. 审议2022年法治政府建设工作要点【审议通过】\n2. 研究老旧小区改造方案【暂缓审议】",
         "会议纪要": "会议审议通过了法治政府建设工作要点。"},
        {"会议名称": "2022年第2次党工委会议", "会议日期": "2022-06-15", "党工委成员（有表决权）": "王书记",
         "议题及集体决定": "审议临时救助办法【审议通过】\n听取信访工作汇报"},
    ]
    item = ledger.get(MEETINGS)
    result = ledger.run_import(item, _meeting_sheet(rows), actor=users.office, dry_run=False)
    assert result.ok and result.created == 2, [str(e) for e in result.errors]
    assert figures.compute("governance.meetings", tree.sub, *Y2022) == 2
    assert figures.compute("governance.meeting_items_decided", tree.sub, *Y2022) == 3
    assert figures.compute("governance.meetings_with_guests", tree.sub, *Y2022) == 1
    first = Meeting.objects.get(title="2022年第1次党工委会议")
    assert first.held_on == datetime.date(2022, 2, 10) and first.status == "held"
    assert [(i.title, i.outcome) for i in first.items.all()] == [("审议2022年法治政府建设工作要点", "approved"),
                                                                 ("研究老旧小区改造方案", "deferred")]
    event = AuditEvent.objects.get(object_type="governance.meeting", object_id=str(first.pk), action="import")
    assert event.actor == users.office and event.action_label == "导入历史：党工委会议台账第2行"
    assert event.changes["business_date"] == "2022-02-10"
    exported = _export(MEETINGS, users.office)
    assert ledger.run_import(item, exported, actor=users.office, dry_run=True).nothing_to_do


def test_a_meeting_row_that_cannot_be_true_is_refused_with_every_reason(users, tree):
    future = (clock.today() + datetime.timedelta(days=20)).isoformat()
    rows = [
        {"会议名称": "未来的会议", "会议日期": future, "党工委成员（有表决权）": "王书记", "议题及集体决定": "某议题【审议通过】"},
        {"会议名称": "无表决成员", "会议日期": "2022-03-01", "议题及集体决定": "某议题【审议通过】"},
        {"会议名称": "外街道书记", "会议日期": "2022-03-02", "列席村（社区）书记": "齐书记（东齐村）"},
        {"会议名称": "格式不对", "会议日期": "2022-03-03", "列席村（社区）书记": "齐书记",
         "议题及集体决定": "某议题【同意】"},
    ]
    from fazhi.governance.models import Meeting

    result = ledger.run_import(ledger.get(MEETINGS), _meeting_sheet(rows), actor=users.office, dry_run=True)
    assert not result.ok and {e.row for e in result.errors} == {2, 3, 4, 5}, [str(e) for e in result.errors]
    messages = " ".join(str(e) for e in result.errors)
    assert "尚未召开" in messages and "有表决权" in messages and "姓名（村名）" in messages
    assert not Meeting.objects.exists()


def test_a_meeting_edit_goes_through_the_services_and_decisions_stay_on_the_page(users, tree):
    meeting = f.meeting(users, tree)
    wb, ws, headers = _opened(_export(MEETINGS, users.office))
    ws.cell(row=2, column=headers.index("会议纪要") + 1).value = "会议审议通过了文件。"
    result = ledger.run_import(ledger.get(MEETINGS), _bytes_of(wb), actor=users.office, dry_run=False)
    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    meeting.refresh_from_db()
    assert meeting.minutes == "会议审议通过了文件。" and meeting.status == "held"
    wb, ws, headers = _opened(_export(MEETINGS, users.office))
    ws.cell(row=2, column=headers.index("议题及集体决定") + 1).value = "1. 审议文件【未通过】"
    result = ledger.run_import(ledger.get(MEETINGS), _bytes_of(wb), actor=users.office, dry_run=True)
    assert not result.ok and "会议页面" in result.errors[0].message
