"""政府信息公开工作年度报告 (条例第四十九、五十条; 国办公开办函〔2021〕30号): the tables from a known set of requests, the
reconciliation identity, a broken identity refusing finalisation, each cell's link listing exactly its records, the
lifecycle draft → review → final (hash) → published on /open/, the .docx."""
import datetime
import io
from urllib.parse import parse_qsl, urlsplit

import pytest
from docx import Document

from fazhi.core import clock, workdays
from fazhi.core.errors import DomainError
from fazhi.core.tests.docx_checks import assert_official_layout
from fazhi.governance import annual, services
from fazhi.governance.models import DisclosureItem, DisclosureReport, DisclosureRequest

from . import factories as f

pytestmark = pytest.mark.django_db
API = "/api/governance"
COLS = ["person", "business", "research", "nonprofit", "legal_service", "other", "total"]


def _submit(tree, day, *, kind="", content="申请公开某项政府信息"):
    with clock.frozen(day):
        return services.request_submit(node=tree.sub, applicant_name="申请单位" if kind else "张三", phone="13905331234",
                                       content=content, applicant_type="organisation" if kind else "person",
                                       organisation_kind="" if kind == "blank" else kind)


def _answer(users, req, day, reply_type, table_reason=""):
    with clock.frozen(day):
        return services.request_transition(actor=users.disclosure, request_id=req.pk, name="answer",
                                           reply_type=reply_type, reply_text="答复如下。", reply_reason="依法答复。",
                                           table_reason=table_reason)


@pytest.fixture
def year_2023(users, tree):
    """A known year: 2 carried over from 2022, 5 new, 5 handled, 2 carried forward into 2024."""
    r = {}
    r["carried_done"] = _answer(users, _submit(tree, datetime.date(2022, 12, 20)), datetime.date(2023, 1, 10),
                                "disclosed")
    r["carried_open"] = _submit(tree, datetime.date(2022, 12, 28), kind="business")
    r["disclosed"] = _answer(users, _submit(tree, datetime.date(2023, 3, 1)), datetime.date(2023, 3, 10), "disclosed")
    r["refused"] = _answer(users, _submit(tree, datetime.date(2023, 4, 3), kind="research"),
                           datetime.date(2023, 4, 20), "not_disclosed", "refuse_third_party")
    r["unable"] = _answer(users, _submit(tree, datetime.date(2023, 5, 4)), datetime.date(2023, 5, 10), "not_exist",
                          "unable_not_held")
    r["repeat"] = _answer(users, _submit(tree, datetime.date(2023, 6, 1), kind="blank"), datetime.date(2023, 6, 5),
                          "repeat")
    r["open"] = _submit(tree, datetime.date(2023, 12, 20))
    with clock.frozen(datetime.date(2023, 12, 29)):
        services.request_record_statistics(actor=users.disclosure, request_id=r["disclosed"].pk, fee_amount="50")
        services.remedy_create(actor=users.disclosure, request_id=r["refused"].pk, kind="reconsideration",
                               filed_on="2023-05-10", result="corrected", decided_on="2023-07-01")
        services.remedy_create(actor=users.disclosure, request_id=r["refused"].pk, kind="lawsuit_after",
                               filed_on="2023-07-15")
    with clock.frozen(datetime.date(2024, 1, 5)):  # answered after the year: still carried forward in 2023
        services.request_transition(actor=users.disclosure, request_id=r["carried_open"].pk, name="answer",
                                    reply_type="disclosed", reply_text="予以公开。")
    with clock.frozen(datetime.date(2023, 3, 2)):
        other = services.request_submit(node=tree.other, applicant_name="李四", phone="13905331234",
                                        content="敬仲街道的申请不计入稷下")
    f.item(users, tree, day=datetime.date(2023, 3, 1), category="work_news", title="稷下工作动态")
    f.draft(users, tree, day=datetime.date(2023, 3, 1), category="work_news", title="未发布的草稿")
    r["other_node"] = other
    return r


def _table(tables, key):
    return next(t for t in tables["proactive"] if t["key"] == key)


def _rows(tables):
    return {row["key"]: [c["n"] for c in row["cells"]] for row in tables["requests"]["rows"] if row.get("key")}


def test_tables_from_a_known_set_of_requests(year_2023, tree):
    tables = annual.compute(tree.sub, 2023)
    rows = _rows(tables)
    assert dict(zip(COLS, rows["new"], strict=True)) == {"person": 3, "business": 0, "research": 1, "nonprofit": 0,
                                                         "legal_service": 0, "other": 1, "total": 5}
    assert rows["carried"] == [1, 1, 0, 0, 0, 0, 2]
    assert rows["disclosed"] == [2, 0, 0, 0, 0, 0, 2]
    assert rows["refuse_third_party"] == [0, 0, 1, 0, 0, 0, 1]
    assert rows["unable_not_held"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["ignore_repeat"] == [0, 0, 0, 0, 0, 1, 1]
    assert rows["partial"] == [0] * 7 and rows["refuse_secret"] == [0] * 7
    assert rows["handled"] == [3, 0, 1, 0, 0, 1, 5]
    assert rows["forward"] == [1, 1, 0, 0, 0, 0, 2]
    assert "unclassified" not in rows
    remedies = [c["n"] for c in tables["remedies"]["rows"][0]["cells"]]
    # 行政复议: 维持 纠正 其他 尚未审结 总计 | 直接起诉 ×5 | 复议后起诉 ×5
    assert remedies == [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    fees = [row["cells"][0]["n"] for row in tables["fees"]["rows"]]
    assert fees == [1, "50.00"]
    catalogue = {row["label"]: row["cells"][0]["n"] for row in _table(tables, "proactive_catalogue")["rows"]}
    assert catalogue["工作动态"] == 1 and catalogue["合计"] == 1
    # the identity holds for every column
    assert annual.identity_problems(tables) == []


def test_each_cell_link_lists_exactly_its_records(year_2023, tree, users, api_for, client_for):
    api = api_for(users.disclosure)
    tables = annual.compute(tree.sub, 2023)
    checked = 0
    for row in tables["requests"]["rows"] + tables["remedies"]["rows"] + tables["fees"]["rows"][:1]:
        for cell in row["cells"]:
            query = dict(parse_qsl(urlsplit(cell["url"]).query))
            data = api.get(f"{API}/requests/", query).json()
            assert data["count"] == cell["n"], (row["label"], query)
            checked += 1
    assert checked > 100
    refused = year_2023["refused"]
    link = next(r for r in tables["requests"]["rows"] if r.get("key") == "refuse_third_party")["cells"][2]["url"]
    html = client_for(users.disclosure).get(link).content.decode()
    assert refused.tracking_code in html and year_2023["disclosed"].tracking_code not in html
    carried = next(r for r in tables["requests"]["rows"] if r.get("key") == "carried")["cells"][-1]["url"]
    ids = {r["id"] for r in api.get(f"{API}/requests/", dict(parse_qsl(urlsplit(carried).query))).json()["results"]}
    assert ids == {year_2023["carried_done"].pk, year_2023["carried_open"].pk}
    # every counted cell of table 二 (documents, catalogue, enforcement decisions): its page lists exactly n records
    page = client_for(users.disclosure)
    for table in tables["proactive"]:
        for row in table["rows"]:
            for cell in row["cells"]:
                if cell["url"]:
                    assert page.get(cell["url"]).context["page_obj"].paginator.count == cell["n"], row["label"]
                    checked += 1
                else:
                    assert cell["n"] == "—", row["label"]  # only the rows the platform does not record
    # the proactive catalogue link: published items of the year, not drafts
    link = _table(tables, "proactive_catalogue")["rows"][-1]["cells"][0]["url"]
    html = client_for(users.disclosure).get(link).content.decode()
    assert "稷下工作动态" in html and "未发布的草稿" not in html


def test_broken_identity_refuses_finalisation(year_2023, tree, users):
    with clock.frozen(datetime.date(2024, 1, 5)):
        report = services.annual_report_create(actor=users.disclosure, node=tree.sub, year=2023)
        report = services.annual_report_transition(actor=users.disclosure, report_id=report.pk, name="submit_review")
    # an inconsistent record: answered before it was received (e.g. a mistyped ledger row)
    DisclosureRequest.objects.filter(pk=year_2023["disclosed"].pk).update(answered_on=datetime.date(2022, 12, 1))
    with clock.frozen(datetime.date(2024, 1, 8)):
        with pytest.raises(DomainError) as exc:
            services.annual_report_transition(actor=users.leader, report_id=report.pk, name="finalise")
    message = exc.value.message
    assert "自然人：本年新收3件 + 上年结转1件 = 4件" in message and "办理结果总计2件 + 结转下年度1件 = 3件" in message
    report.refresh_from_db()
    assert report.status == "review" and not report.sha256 and report.tables is None


def test_unrecorded_sub_reason_refuses_finalisation(year_2023, tree, users):
    DisclosureRequest.objects.filter(pk=year_2023["refused"].pk).update(table_reason="")
    with clock.frozen(datetime.date(2024, 1, 5)):
        report = services.annual_report_create(actor=users.disclosure, node=tree.sub, year=2023)
        services.annual_report_transition(actor=users.disclosure, report_id=report.pk, name="submit_review")
        with pytest.raises(DomainError, match="1件已办结的申请未登记年报统计口径"):
            services.annual_report_transition(actor=users.leader, report_id=report.pk, name="finalise")
        # recorded: the sub-reason must fit the reply form
        with pytest.raises(DomainError, match="与答复类型不符"):
            services.request_record_statistics(actor=users.disclosure, request_id=year_2023["refused"].pk,
                                               table_reason="disclosed")
        services.request_record_statistics(actor=users.disclosure, request_id=year_2023["refused"].pk,
                                           table_reason="refuse_secret")
        report = services.annual_report_transition(actor=users.leader, report_id=report.pk, name="finalise")
    assert report.status == "final"


def test_lifecycle_through_the_api_and_the_portal(year_2023, tree, users, api_for, client):
    disclosure, leader = api_for(users.disclosure), api_for(users.leader)
    with clock.frozen(datetime.date(2024, 1, 5)):
        r = disclosure.post(f"{API}/annual-reports/", {"year": 2023, "overview": "2023年，稷下街道认真贯彻条例。",
                                                        "problems": "依申请公开答复质量有待提高。"}, format="json")
        assert r.status_code == 201, r.content
        pk = r.json()["id"]
        assert r.json()["problems_found"] == [] and r.json()["deadline"]["due"] == "2024-01-31"
        assert disclosure.post(f"{API}/annual-reports/", {"year": 2023}, format="json").status_code == 400
        assert disclosure.post(f"{API}/annual-reports/", {"year": "二〇二三"}, format="json").status_code == 400
        r = disclosure.post(f"{API}/annual-reports/{pk}/transition/", {"action": "submit_review", "version": 0},
                            format="json")
        assert r.json()["status"] == "review"
        # the disclosure officer may not finalise; the leader does
        assert disclosure.post(f"{API}/annual-reports/{pk}/transition/", {"action": "finalise"},
                               format="json").status_code in (400, 403)
        r = leader.post(f"{API}/annual-reports/{pk}/transition/", {"action": "finalise", "version": 1}, format="json")
        assert r.status_code == 200, r.content
        final = r.json()
        assert final["status"] == "final" and len(final["sha256"]) == 64
    # frozen: a request entered later does not change the final tables
    _submit(tree, datetime.date(2023, 12, 30))
    report = DisclosureReport.objects.get(pk=pk)
    assert _rows(services.annual_report_tables(report))["new"][-1] == 5
    assert annual.digest(report, report.tables) == report.sha256
    docx = disclosure.get(f"{API}/annual-reports/{pk}/report.docx")
    doc = Document(io.BytesIO(docx.content))
    assert_official_layout(docx.content, str(report))  # "— 1 —" page numbers and a centred title
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "一、总体情况" in text and "五、存在的主要问题及改进情况" in text and report.sha256 in text
    assert len(doc.tables) == 8 and "予以公开" in doc.tables[5].rows[6].cells[0].text
    assert doc.tables[2].rows[1].cells[0].text == "行政处罚"
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    with clock.frozen(datetime.date(2024, 1, 10)):
        r = disclosure.post(f"{API}/annual-reports/{pk}/transition/", {"action": "publish", "version": 2},
                            format="json")
    assert r.status_code == 200 and r.json()["status"] == "published", r.content
    item = DisclosureItem.objects.get(pk=r.json()["disclosure_item"])
    assert item.status == "published" and item.category.code == "disclosure_report"
    assert "稷下街道2023年政府信息公开工作年度报告" in client.get("/open/").content.decode()
    html = client.get(f"/open/annual/{pk}/").content.decode()
    assert "三、收到和处理政府信息公开申请情况" in html and "结转下年度继续办理" in html and report.sha256 in html
    assert "/work/governance/requests/" not in html  # no staff links on the public page


def test_publication_deadline_is_a_rule_with_its_basis():
    rule = workdays.rule(services.RULE_ANNUAL_REPORT)
    assert "第四十九条" in rule.legal_basis and "1月31日" in rule.legal_basis
    report = DisclosureReport(year=2023)
    assert services.annual_report_deadline(report).due == datetime.date(2024, 1, 31)


def test_statistics_and_remedies_refuse_bad_input(tree, users, api_for):
    req = _answer(users, _submit(tree, datetime.date(2023, 3, 1)), datetime.date(2023, 3, 10), "disclosed")
    api = api_for(users.disclosure)
    with clock.frozen(datetime.date(2023, 3, 20)):
        r = api.post(f"{API}/requests/{req.pk}/statistics/", {"organisation_kind": "business"}, format="json")
        assert r.status_code == 400 and "自然人" in r.json()["detail"]
        r = api.post(f"{API}/requests/{req.pk}/statistics/", {"fee_amount": "-5"}, format="json")
        assert r.status_code == 400
        r = api.post(f"{API}/requests/{req.pk}/statistics/", {"fee_amount": ["1"]}, format="json")
        assert r.status_code == 400
        r = api.post(f"{API}/requests/{req.pk}/remedies/", {"kind": "reconsideration", "filed_on": "2023-03-01"},
                     format="json")
        assert r.status_code == 400 and "不能早于答复日期" in r.json()["detail"]
        r = api.post(f"{API}/requests/{req.pk}/remedies/", {"kind": "appeal", "filed_on": "2023-03-15"}, format="json")
        assert r.status_code == 400
        r = api.post(f"{API}/requests/{req.pk}/remedies/", {"kind": "reconsideration", "filed_on": "2023-03-15"},
                     format="json")
        assert r.status_code == 201 and r.json()["result"] == "pending"
        rid = r.json()["id"]
        r = api.patch(f"{API}/requests/{req.pk}/remedies/{rid}/", {"result": "upheld"}, format="json")
        assert r.status_code == 400 and r.json()["errors"].get("decided_on")
        r = api.patch(f"{API}/requests/{req.pk}/remedies/{rid}/", {"result": "upheld", "decided_on": "2023-03-18",
                                                                    "version": 0}, format="json")
        assert r.status_code == 200 and r.json()["result"] == "upheld"
        assert api.post(f"{API}/requests/{req.pk}/remedies/", {"kind": "reconsideration", "filed_on": "2023-03-15"},
                        format="json").status_code == 400  # one per kind
        assert api_for(users.other_admin).post(f"{API}/requests/{req.pk}/statistics/", {"fee_amount": "1"},
                                               format="json").status_code == 404
    assert DisclosureRequest.objects.get(pk=req.pk).fee_amount == 0


def test_pages_render(year_2023, tree, users, client_for):
    c = client_for(users.disclosure)
    with clock.frozen(datetime.date(2024, 1, 5)):
        r = c.post("/work/governance/annual/new/", {"year": 2023, "overview": "概述"})
        report = DisclosureReport.objects.get()
        assert r.status_code == 302
        html = c.get(f"/work/governance/annual/{report.pk}/").content.decode()
        assert "对账通过" in html and "提交审核" in html and "结转下年度继续办理" in html
        assert "annual=2023" in html
        html = c.get(f"/work/governance/requests/{year_2023['refused'].pk}/").content.decode()
        assert "年报统计信息" in html and "保护第三方合法权益" in html and "行政复议" in html
        assert c.get("/work/governance/annual/").status_code == 200
        assert c.get(f"/work/governance/annual/{report.pk}/report.docx").status_code == 200


def _decision(tree, users, *, power, day, result, node=None, number=""):
    """An enforcement decision on record (the enforcement module's own rows, made directly for the count)."""
    from fazhi.enforcement.models import Case

    return Case.objects.create(node=node or tree.liu, subject=power.subject, power=power, title="案件", number=number,
                               party_kind="person", party_name="王五", facts="事实。", created_by=users.disclosure,
                               created_at=clock.now(), status="decided", decided_on=day, result=result,
                               decision_number=number)


@pytest.fixture
def decisions_2023(tree, users):
    from fazhi.core.models import Unit
    from fazhi.enforcement.models import Power, Subject

    def subject_of(node, name):
        unit = Unit.objects.create(node=node, kind=Unit.Kind.DEPARTMENT, name=name)
        return Subject.objects.create(node=node, unit=unit, legal_status="街道综合行政执法机构")

    sub, other = subject_of(tree.sub, "稷下执法办"), subject_of(tree.other, "敬仲执法办")
    powers = {}
    for subject, key in ((sub, "sub"), (other, "other")):
        for kind in ("penalty", "compulsory", "inspection"):
            powers[key, kind] = Power.objects.create(node=subject.node, subject=subject, code=f"{key}-{kind}",
                                                     name=f"{kind}事项", power_type=kind, legal_basis="依据")
    d = datetime.date
    made = [
        _decision(tree, users, power=powers["sub", "penalty"], day=d(2023, 3, 1), result="penalty", number="稷执罚〔2023〕1号"),
        _decision(tree, users, power=powers["sub", "penalty"], day=d(2023, 12, 31), result="penalty", number="稷执罚〔2023〕2号"),
        _decision(tree, users, power=powers["sub", "penalty"], day=d(2023, 5, 1), result="no_penalty", number="不予处罚"),
        _decision(tree, users, power=powers["sub", "penalty"], day=d(2024, 1, 1), result="penalty", number="次年决定"),
        _decision(tree, users, power=powers["sub", "penalty"], day=d(2022, 12, 31), result="penalty", number="上年决定"),
        _decision(tree, users, power=powers["sub", "compulsory"], day=d(2023, 6, 1), result="order", number="稷执强〔2023〕1号"),
        _decision(tree, users, power=powers["sub", "compulsory"], day=d(2023, 6, 2), result="revoked", number="撤销的强制"),
        _decision(tree, users, power=powers["sub", "inspection"], day=d(2023, 6, 3), result="penalty", number="检查事项"),
        _decision(tree, users, power=powers["other", "penalty"], day=d(2023, 6, 4), result="penalty", number="敬仲的处罚",
                  node=tree.other),
    ]
    return made


def test_table_two_counts_enforcement_decisions_and_links_exactly_them(decisions_2023, tree, users, client_for):
    tables = annual.compute(tree.sub, 2023)
    enforcement = _table(tables, "proactive_enforcement")
    cells = {row["label"]: row["cells"][0] for row in enforcement["rows"]}
    assert cells["行政处罚"]["n"] == 2 and cells["行政强制"]["n"] == 1
    # 行政许可 and 行政事业性收费 are not recorded on the platform: "—", and the page says so
    assert _table(tables, "proactive_licensing")["rows"][0]["cells"][0]["n"] == "—"
    assert _table(tables, "proactive_fees")["rows"][0]["cells"][0]["n"] == "—"
    assert any("行政许可" in w for w in annual.warnings(tree.sub, 2023))
    c = client_for(users.disclosure)
    html = c.get(cells["行政处罚"]["url"]).content.decode()
    assert "稷执罚〔2023〕1号" in html and "稷执罚〔2023〕2号" in html and "共 2 件" in html
    for absent in ("不予处罚", "次年决定", "上年决定", "检查事项", "敬仲的处罚", "稷执强"):
        assert absent not in html
    html = c.get(cells["行政强制"]["url"]).content.decode()
    assert "稷执强〔2023〕1号" in html and "撤销的强制" not in html and "共 1 件" in html
    # another subdistrict's officer following the same link sees nothing of 稷下
    html = client_for(users.other_admin).get(cells["行政处罚"]["url"]).content.decode()
    assert "稷执罚" not in html and "共 0 件" in html
    # the district counts both subdistricts
    district = {row["label"]: row["cells"][0]["n"]
                for row in _table(annual.compute(tree.district, 2023), "proactive_enforcement")["rows"]}
    assert district["行政处罚"] == 3
