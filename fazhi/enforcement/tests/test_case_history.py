"""The enforcement case ledger (issue 14): round trip on 案号, one edited cell = one audited update, a 2022 year of
cases brought in with their own dates and final states (validated on their dates, audited as imported history, no
alarms), the 2022 figures and their records links, and bad sheets refused in Chinese with nothing written."""
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from fazhi.core import figures, ledger
from fazhi.core.models import AuditEvent
from fazhi.enforcement import selectors, services, todos
from fazhi.enforcement.models import Case, CaseStep, LegalReview, Publication

from .conftest import advance

pytestmark = pytest.mark.django_db
KEY = "enforcement.cases"
YEAR = (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))


def _bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _export(user):
    item = ledger.get(KEY)
    wb = openpyxl.load_workbook(io.BytesIO(ledger.export_xlsx(item, item.queryset(user, {}))))
    ws = wb.active
    return item, wb, ws, [c.value for c in ws[1]]


def _sheet(rows):
    """A sheet of the import columns; each row a {header: value} (missing cells empty)."""
    item = ledger.get(KEY)
    headers = [c.header for c in item.import_columns()]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        unknown = set(row) - set(headers)
        assert not unknown, unknown
        ws.append([row.get(h) for h in headers])
    return _bytes(wb)


BASE = {"案由": "违法搭建彩钢棚", "执法事项": "CF-001", "发生地": "刘家村", "当事人": "李四", "承办人员": "officer、officer2"}
CLOSED_2022 = BASE | {"案号": "稷综执罚立〔2022〕3号", "状态": "已结案", "立案日期": "2022-03-01", "告知日期": "2022-03-10",
                      "决定日期": "2022-03-25", "处理结果": "给予行政处罚", "罚款金额（元）": 500,
                      "决定书文号": "稷综执罚决〔2022〕2号", "送达日期": "2022-03-28", "执行日期": "2022-04-06",
                      "结案日期": "2022-04-10", "公示日期": "2022-03-30"}
MAJOR_2022 = BASE | {"案号": "稷综执罚立〔2022〕9号", "案由": "倾倒建筑垃圾", "当事人": "某建材有限公司", "当事人类型": "法人或其他组织",
                     "状态": "已决定", "立案日期": "2022-05-05", "告知日期": "2022-05-10", "当事人放弃陈述申辩": "是",
                     "法制审核日期": "2022-05-16", "法制审核人员": "reviewer", "集体讨论日期": "2022-05-17",
                     "决定日期": "2022-05-18", "处理结果": "给予行政处罚", "罚款金额（元）": 20000}
ORDER_2022 = BASE | {"案号": "稷综执检立〔2022〕1号", "执法事项": "对占道经营的检查", "案由": "占道经营", "发生地": "大杨村",
                     "状态": "已结案", "立案日期": "2022-07-01", "告知日期": "2022-07-04", "当事人放弃陈述申辩": "是",
                     "决定日期": "2022-07-05", "处理结果": "责令改正", "送达日期": "2022-07-05", "结案日期": "2022-07-20"}
OPEN_2022 = BASE | {"案号": "稷综执罚立〔2022〕15号", "案由": "擅自占用绿地", "状态": "调查取证", "立案日期": "2022-11-01"}


def _import(user, rows, *, dry_run=False):
    return ledger.run_import(ledger.get(KEY), _sheet(rows), actor=user, dry_run=dry_run)


def _errors(result):
    return [str(e) for e in result.errors]


def test_an_exported_case_ledger_reimports_as_nothing_to_do(enf, users, make_case):
    advance(make_case(title="已结案件"), users, enf, to="closed")
    advance(make_case(title="重大案件"), users, enf, to="decided", fine="20000")
    make_case(title="尚未立案")  # no 案号 yet: named by its system number
    item, wb, ws, headers = _export(users.enforcement_head)
    assert ws.max_row == 4 and any(str(r[0]).startswith("（未立案）系统编号") for r in ws.iter_rows(min_row=2, values_only=True))
    assert {"已结案", "已决定", "待立案审批"} == {r[headers.index("状态")] for r in ws.iter_rows(min_row=2, values_only=True)}
    before = Case.objects.count(), CaseStep.objects.count(), AuditEvent.objects.count()
    result = ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=False)
    assert result.ok and result.nothing_to_do and result.skipped == 3, _errors(result)
    assert "没有需要导入的内容" in result.summary
    assert (Case.objects.count(), CaseStep.objects.count(), AuditEvent.objects.count()) == before


def test_one_edited_cell_is_one_audited_update(enf, users, make_case, client_for):
    case = advance(make_case(title="已决定待公示"), users, enf, to="decided")
    advance(make_case(title="另一件"), users, enf, to="closed")
    item, wb, ws, headers = _export(users.enforcement_head)
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == case.number)
    row[headers.index("公示日期")].value = "2023-06-01"
    data = _bytes(wb)
    dry = ledger.run_import(item, data, actor=users.enforcement_head, dry_run=True)
    assert dry.ok and (dry.created, dry.updated, dry.skipped) == (0, 1, 1), _errors(dry)
    changed = next(r for r in dry.rows if r.action == "更新")
    assert changed.record == case.number and changed.changes == [("公示日期", "（空）", "2023-06-01")]
    assert not Publication.objects.exists()  # the dry run wrote nothing
    page = client_for(users.enforcement_head).post(f"/work/ledgers/{KEY}/import/", {"file": io.BytesIO(data)})
    assert "公示日期：（空） → 2023-06-01" in page.content.decode()
    result = ledger.run_import(item, data, actor=users.enforcement_head, dry_run=False)
    assert result.ok and result.updated == 1 and result.imported == 1 and Case.objects.count() == 2
    pub = Publication.objects.get()
    assert pub.case_id == case.pk and pub.published_on == datetime.date(2023, 6, 1) and pub.on_time
    assert AuditEvent.objects.filter(object_id=str(pub.pk), action="publish", actor=users.enforcement_head).exists()
    assert ledger.run_import(item, data, actor=users.enforcement_head, dry_run=True).nothing_to_do


def test_recorded_steps_and_identity_are_not_changed_by_a_sheet(enf, users, make_case):
    case = advance(make_case(), users, enf, to="closed")
    item, wb, ws, headers = _export(users.enforcement_head)
    row = next(ws.iter_rows(min_row=2))
    row[headers.index("决定日期")].value = "2023-05-01"
    row[headers.index("当事人")].value = "王五"
    row[headers.index("状态")].value = "已送达"
    result = ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=False)
    assert not result.ok
    by_column = {e.column: e.message for e in result.errors}
    assert "执法环节记录只增不改" in by_column["决定日期"] and "不能通过台账修改" in by_column["当事人"]
    assert "不能从“已结案”改回“已送达”" in by_column["状态"]
    case.refresh_from_db()
    assert case.decided_on == datetime.date(2023, 6, 1) and case.party_name == "张三丰"


def test_a_2022_year_comes_in_with_its_dates_states_audit_figures_and_no_alarms(enf, users, tree, client_for):
    # an officer whose certificate ran out at the end of 2022: valid on the 2022 dates, so the case is lawful
    expired = services.officer_create(actor=users.enforcement_head, subject=enf.subject, user=users.office,
                                      certificate_number="37030009", valid_from=datetime.date(2019, 1, 1),
                                      valid_until=datetime.date(2022, 12, 31))
    rows = [CLOSED_2022 | {"承办人员": f"officer、{expired.name}"}, MAJOR_2022, ORDER_2022, OPEN_2022]
    dry = _import(users.enforcement_head, rows, dry_run=True)
    assert dry.ok and dry.created == 4 and {r.action for r in dry.rows} == {"新增"}, _errors(dry)
    assert not Case.objects.exists()
    result = _import(users.enforcement_head, rows)
    assert result.ok and result.created == 4, _errors(result)

    closed = Case.objects.get(number="稷综执罚立〔2022〕3号")
    assert closed.status == "closed" and closed.decision_number == "稷综执罚决〔2022〕2号"
    assert (closed.filed_on, closed.notified_on, closed.decided_on, closed.served_on, closed.executed_on,
            closed.closed_on) == tuple(datetime.date.fromisoformat(CLOSED_2022[k]) for k in
                                       ("立案日期", "告知日期", "决定日期", "送达日期", "执行日期", "结案日期"))
    assert {o.name for o in closed.officers.all()} == {"officer", "office"}
    assert closed.publications.get().published_on == datetime.date(2022, 3, 30) and closed.publications.get().on_time
    major = Case.objects.get(number="稷综执罚立〔2022〕9号")
    assert major.status == "decided" and major.is_major and major.collective_on == datetime.date(2022, 5, 17)
    review = major.reviews.get()
    assert review.reviewer == users.reviewer and review.reviewed_at.date() == datetime.date(2022, 5, 16)
    assert Case.objects.get(number="稷综执检立〔2022〕1号").result == "order"
    still_open = Case.objects.get(number="稷综执罚立〔2022〕15号")
    assert still_open.status == "investigating" and still_open.decision_due < datetime.date(2023, 6, 1)
    # every step carries its business date
    assert not CaseStep.objects.filter(occurred_at__year=2023).exists()

    # the audit says imported history, by whom (the importer, now), with the business date
    events = AuditEvent.objects.filter(object_type="enforcement.case", object_id=str(closed.pk), action="import")
    labels = [e.action_label for e in events]
    assert any(label.startswith("导入历史：行政执法案件台账第") for label in labels)
    assert {"导入历史：批准立案", "导入历史：作出决定", "导入历史：结案"} <= set(labels)
    assert all(e.actor == users.enforcement_head and e.at.date() == datetime.date(2023, 6, 1) for e in events)
    assert any(e.changes.get("business_date") == "2022-03-25" for e in events)
    assert AuditEvent.objects.filter(object_id=str(major.pk), action_label__contains="登记历史法制审核").exists()

    # no alarms: nothing overdue, nothing to serve or publish, no running clocks on the case pages
    head = users.enforcement_head
    assert not selectors.case_list(user=head, filters={"due": "overdue"}).exists()
    assert not selectors.case_list(user=head, filters={"due": "service"}).exists()
    assert not selectors.unpublished_decisions(user=head).exists()
    assert not [t for t in todos.todos(head) if t.level in ("danger", "warning")]
    assert all(not services.open_clocks(c) for c in Case.objects.all())

    # the 2022 figures, and each records link lists exactly those cases
    sub = tree.sub
    assert figures.compute("enforcement.cases_filed", sub, *YEAR) == 4
    assert figures.compute("enforcement.cases_by_type", sub, *YEAR) == {"行政处罚": 3, "行政检查": 1, "行政强制": 0}
    assert figures.compute("enforcement.cases_by_result", sub, *YEAR)["给予行政处罚"] == 2
    assert figures.compute("enforcement.cases_closed", sub, *YEAR) == 2
    assert figures.compute("enforcement.legal_reviews", sub, *YEAR) == 1
    assert figures.compute("enforcement.publication_timeliness", sub, *YEAR) == 1.0  # the unpublished one: unknown
    assert figures.compute("enforcement.cases_filed", sub, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)) == 0
    # steps from paper carry no audio-video duty the platform could judge: no coverage figure made up for 2022
    assert figures.compute("enforcement.av_required_steps", sub, *YEAR) == 0
    assert figures.compute("enforcement.av_coverage", sub, *YEAR) is None
    client = client_for(users.admin)
    for key, expected in [("enforcement.cases_filed", {c.number for c in Case.objects.all()}),
                          ("enforcement.cases_closed", {"稷综执罚立〔2022〕3号", "稷综执检立〔2022〕1号"}),
                          ("enforcement.cases_by_result", {"稷综执罚立〔2022〕3号", "稷综执罚立〔2022〕9号",
                                                           "稷综执检立〔2022〕1号"})]:
        for node in (sub, tree.district):
            r = client.get(figures.get(key).records_url(node, *YEAR))
            assert r.status_code == 200
            listed = {c.number for c in r.context["page_obj"].object_list}
            assert listed == expected, key
    r = client.get(figures.get("enforcement.legal_reviews").records_url(sub, *YEAR))
    assert [rev.case.number for rev in r.context["page_obj"].object_list] == ["稷综执罚立〔2022〕9号"]

    # and the year's sheet, exported, re-imports as nothing to do
    item, wb, _, _ = _export(head)
    assert ledger.run_import(item, _bytes(wb), actor=head, dry_run=True).nothing_to_do


def test_an_open_history_case_carried_on_through_the_sheet(enf, users):
    assert _import(users.enforcement_head, [OPEN_2022]).ok
    item, wb, ws, headers = _export(users.enforcement_head)
    row = next(ws.iter_rows(min_row=2))
    for header, value in {"状态": "已决定", "告知日期": "2022-11-10", "决定日期": "2022-11-30", "处理结果": "给予行政处罚",
                          "罚款金额（元）": 800}.items():
        row[headers.index(header)].value = value
    result = ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=False)
    assert result.ok and result.updated == 1, _errors(result)
    case = Case.objects.get()
    assert case.status == "decided" and case.decided_on == datetime.date(2022, 11, 30) and case.fine_amount == 800
    assert case.decision_number  # numbered by the system
    assert not selectors.unpublished_decisions(user=users.enforcement_head).exists()


def test_bad_sheets_are_refused_in_chinese_all_errors_at_once_nothing_written(enf, users):
    expired = services.officer_create(actor=users.enforcement_head, subject=enf.subject, user=users.office,
                                      certificate_number="37030009", valid_from=datetime.date(2019, 1, 1),
                                      valid_until=datetime.date(2021, 12, 31))
    rows = [
        CLOSED_2022 | {"立案日期": "不是日期", "罚款金额（元）": "五百元"},  # junk cells
        ORDER_2022 | {"案号": "A-2", "结案日期": "2023-12-01"},  # in the future (today is 2023-06-01)
        OPEN_2022 | {"案号": "A-3", "承办人员": "officer、张无忌"},  # not on the roster
        OPEN_2022 | {"案号": "A-4", "承办人员": f"officer、{expired.name}"},  # certificate ran out before the case
        CLOSED_2022 | {"案号": "A-5", "状态": "法制审核中", "罚款金额（元）": 300},  # not a major case: no review state
        CLOSED_2022 | {"案号": "A-6", "送达日期": None},  # 已结案 without being served
        CLOSED_2022 | {"案号": "A-7", "决定日期": "2022-03-11", "告知日期": "2022-03-10"},  # statement window still open
        MAJOR_2022 | {"案号": "A-8", "法制审核日期": None, "法制审核人员": None},  # a major decision never reviewed
        CLOSED_2022 | {"案号": "A-9", "结案日期": "2022-03-20"},  # closed before decided
    ]
    result = _import(users.enforcement_head, rows)
    assert not result.ok
    text = _errors(result)
    assert {e.row for e in result.errors} == set(range(2, 11)), text
    by_row = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(f"{e.column}：{e.message}")
    joined = {row: "；".join(messages) for row, messages in by_row.items()}
    assert "立案日期：日期格式应为" in joined[2] and "罚款金额（元）：应为数字" in joined[2]
    assert "结案日期：结案日期不能晚于今天" in joined[3]
    assert "承办人员：执法人员名册中找不到" in joined[4] and "张无忌" in joined[4]
    assert "承办人员：立案日期2022-11-01：office的执法证已于2021-12-31过期" in joined[5]
    assert "无需法制审核" in joined[6]
    assert "须填写送达日期" in joined[7]
    assert "陈述、申辩的期限" in joined[8] and "决定日期" in joined[8]
    assert "法制审核日期" in joined[9] and "第五十八条" in joined[9]
    assert "结案日期不能早于执行日期" in joined[10]
    assert not Case.objects.exists() and not CaseStep.objects.exists() and not LegalReview.objects.exists()
    # a file that is not an Excel workbook
    bad = ledger.run_import(ledger.get(KEY), "案号,案由\n1,2\n".encode(), actor=users.enforcement_head, dry_run=False)
    assert not bad.ok and "不是有效的 Excel 文件" in _errors(bad)[0]
    assert not Case.objects.exists()


def test_district_admin_must_choose_the_subdistrict_for_cases(enf, users, tree, api_for):
    from fazhi.core import services as core_services
    from fazhi.core.models import Unit

    unit = core_services.unit_create(actor="测试", node=tree.other, kind=Unit.Kind.DEPARTMENT, name="敬仲综合行政执法办公室")
    services.subject_save(actor=users.admin, unit=unit, legal_status="依法赋权的街道综合行政执法机构")
    result = _import(users.admin, [OPEN_2022])
    assert not result.ok and any("请选择执法主体（街道）" in e.message and e.column == "所属街道" for e in result.errors)
    assert not Case.objects.exists()
    result = _import(users.admin, [OPEN_2022 | {"所属街道": "稷下街道"}])
    assert result.ok, _errors(result)
    assert Case.objects.get().subject == enf.subject
    # the API says the same; an officer (no enforcement.manage) may export but not import
    url = reverse("api_ledger_import", args=[KEY]) + "?dry_run=0"
    r = api_for(users.admin).post(url, {"file": io.BytesIO(_sheet([OPEN_2022 | {"案号": "稷综执罚立〔2022〕16号"}]))},
                                  format="multipart")
    assert r.status_code == 400 and "请选择执法主体（街道）" in str(r.json()["errors"])
    r = api_for(users.officer).post(url, {"file": io.BytesIO(_sheet([OPEN_2022]))}, format="multipart")
    assert r.status_code == 400 and "没有导入此台账的权限" in str(r.json()["errors"])
    assert Case.objects.count() == 1


def test_a_review_made_on_paper_is_entered_late_with_its_own_date(enf, users, make_case, api_for, client_for):
    """法制审核 entered late (API and form): its date is given — not in the future, not before the case's own dates —
    and what follows is judged from it (the decision may not predate it: 第五十八条第一款)."""
    from fazhi.core import clock

    with clock.frozen(clock.at_local(datetime.date(2023, 5, 8), 10)):
        case = advance(make_case(title="倾倒建筑垃圾"), users, enf, to="notified", fine="20000")
        case = services.case_transition(actor=users.officer, case=case, name="record_statement", statement_waived=True)
        case = services.case_transition(actor=users.officer, case=case, name="submit_review")
    assert case.is_major and case.status == "reviewing"
    api = api_for(users.reviewer)
    url = reverse("api_enforcement_case_review", args=[case.pk])
    body = {"opinion": "approve", "checklist": {k: True for k in ("subject", "qualification", "procedure", "facts", "basis",
                                                                 "powers", "documents", "criminal")}}
    for bad, message in [("2023-06-02", "审核日期不能晚于今天"), ("2023-05-05", "不能早于本案的立案日期（2023-05-08）"),
                         ("5月15日", "审核日期格式应为")]:
        r = api.post(url, body | {"reviewed_on": bad}, format="json")
        assert r.status_code == 400 and message in r.json()["detail"], (bad, r.json())
    assert not LegalReview.objects.exists()
    r = api.post(url, body | {"reviewed_on": "2023-05-15"}, format="json")
    assert r.status_code == 201 or r.status_code == 200, r.json()
    review = LegalReview.objects.get()
    assert review.reviewed_at == clock.at_local(datetime.date(2023, 5, 15), 9)
    assert case.steps.get(kind="legal_review").occurred_at.date() == datetime.date(2023, 5, 15)
    event = AuditEvent.objects.filter(object_id=str(case.pk), action="transition").latest("id")
    assert event.changes.get("entered_late") and event.changes.get("business_date") == "2023-05-15"
    assert figures.compute("enforcement.legal_reviews", case.node.tenant(), datetime.date(2023, 5, 1),
                           datetime.date(2023, 5, 31)) == 1
    case = services.case_transition(actor=users.enforcement_head, case=Case.objects.get(pk=case.pk),
                                    name="collective_decide", attendees="主任、副主任", content="同意。",
                                    occurred_at="2023-05-16")
    with pytest.raises(Exception) as refused:
        services.case_transition(actor=users.enforcement_head, case=case, name="decide", occurred_at="2023-05-12",
                                 result="penalty", fine_amount="20000", decision_text="罚款20000元。",
                                 discretion_applied="一般")
    assert "决定日期不能早于法制审核同意的日期（2023-05-15）" in str(refused.value)
    # the form has the field, with the same refusals
    page = client_for(users.reviewer).get(reverse("enforcement:review", args=[case.pk]))
    assert 'name="reviewed_on"' in page.content.decode()


def test_a_new_case_from_the_sheet_then_filed_through_the_sheet(enf, users):
    row = {k: v for k, v in BASE.items()} | {"案件事实": "当事人在院外搭建彩钢棚。"}
    result = _import(users.enforcement_head, [row])
    assert result.ok, _errors(result)
    case = Case.objects.get()
    assert case.status == "draft" and case.number == ""
    event = AuditEvent.objects.filter(object_id=str(case.pk), action="import").get()
    assert event.action_label.startswith("导入：") and not event.changes["imported_history"]
    refused = _import(users.enforcement_head, [row | {"案件事实": None, "当事人": "赵六"}])
    assert not refused.ok and any(e.column == "案件事实" for e in refused.errors)
    item, wb, ws, headers = _export(users.enforcement_head)
    cells = next(ws.iter_rows(min_row=2))
    assert cells[0].value == f"（未立案）系统编号{case.pk}"
    cells[headers.index("状态")].value = "调查取证"
    cells[headers.index("立案日期")].value = "2023-05-30"
    data = _bytes(wb)
    result = ledger.run_import(item, data, actor=users.enforcement_head, dry_run=False)
    assert result.ok and result.updated == 1, _errors(result)
    case.refresh_from_db()
    assert case.status == "investigating" and case.filed_on == datetime.date(2023, 5, 30) and case.number
    # the old sheet still names it by its system number: nothing to do, no second case
    assert ledger.run_import(item, data, actor=users.enforcement_head, dry_run=True).nothing_to_do
    assert Case.objects.count() == 1
