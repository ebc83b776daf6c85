"""Workbench pages in Chinese: lists, detail with actions from the workflow, forms refusing bad input, documents,
bounded query counts, to-dos."""
import datetime
import io

from django.urls import reverse
from docx import Document

from fazhi.core import clock
from fazhi.core.tests.docx_checks import assert_official_layout
from fazhi.core.todos import todos_for
from fazhi.enforcement import services
from fazhi.enforcement.models import Case, CaseStatus

from .conftest import ID_NUMBER, advance


def test_pages_render_for_staff(enf, users, client_for, make_case):
    case = advance(make_case(), users, enf, to="closed")
    services.publication_publish(actor=users.disclosure, case=case)
    for user in (users.officer, users.enforcement_head, users.reviewer, users.supervisor, users.leader):
        c = client_for(user)
        for name, args in [("case_list", []), ("case_detail", [case.pk]), ("deadlines", []), ("review_queue", []),
                           ("publications", []), ("officer_list", []), ("officer_detail", [enf.o1.pk]), ("power_list", []),
                           ("supervision", [])]:
            r = c.get(reverse(f"enforcement:{name}", args=args))
            assert r.status_code == 200, (user, name)
    html = client_for(users.officer).get(reverse("enforcement:case_detail", args=[case.pk])).content.decode()
    assert "执法全过程记录" in html and "办理记录" in html and "行政处罚决定书（.docx）" in html


def test_detail_offers_only_allowed_actions(enf, users, client_for, make_case):
    case = make_case()
    assert "批准立案" not in client_for(users.officer).get(reverse("enforcement:case_detail", args=[case.pk])).content.decode()
    assert "批准立案" in client_for(users.enforcement_head).get(reverse("enforcement:case_detail", args=[case.pk])).content.decode()


def test_case_new_form(enf, users, client_for, tree):
    c = client_for(users.officer)
    assert c.get(reverse("enforcement:case_new")).status_code == 200
    r = c.post(reverse("enforcement:case_new"), {"power": enf.penalty.pk, "node": tree.liu.pk, "title": "违法搭建", "party_kind": "person",
                                                 "party_name": "张三丰", "party_id_number": "123", "facts": "事实", "officers": [enf.o1.pk, enf.o2.pk]})
    assert r.status_code == 400 and "身份证" in r.content.decode() and not Case.objects.exists()
    r = c.post(reverse("enforcement:case_new"), {"power": enf.penalty.pk, "node": tree.liu.pk, "title": "违法搭建", "party_kind": "person",
                                                 "party_name": "张三丰", "party_id_number": ID_NUMBER, "facts": "事实",
                                                 "officers": [enf.o1.pk, enf.o2.pk]})
    assert r.status_code == 302 and Case.objects.get().status == CaseStatus.DRAFT


def test_transition_form_refuses_with_reason(enf, users, client_for, make_case):
    case = make_case()
    r = client_for(users.enforcement_head).post(reverse("enforcement:case_act", args=[case.pk, "reject_filing"]), {"version": 0})
    assert r.status_code == 400 and "请填写理由" in r.content.decode()
    r = client_for(users.enforcement_head).post(reverse("enforcement:case_act", args=[case.pk, "approve_filing"]), {"version": 0})
    assert r.status_code == 302
    r = client_for(users.enforcement_head).post(reverse("enforcement:case_act", args=[case.pk, "approve_filing"]), {"version": 1})
    assert r.status_code == 400 and "当前状态为“调查取证”" in r.content.decode()
    r = client_for(users.enforcement_head).post(reverse("enforcement:case_act", args=[case.pk, "extend"]), {"version": 0, "extra_days": 10, "reason": "复杂",
                                                "extension_basis": "《某条例》第X条：案情复杂的，可延长三十日。"})
    assert r.status_code == 400 and "已被他人修改" in r.content.decode()


def test_review_page_and_gate(enf, users, client_for, make_case):
    case = advance(make_case(), users, enf, to="notified", fine="20000")
    case = services.case_transition(actor=users.officer, case=case, name="submit_review")
    c = client_for(users.reviewer)
    assert "执法主体是否合法" in c.get(reverse("enforcement:review", args=[case.pk])).content.decode()
    r = c.post(reverse("enforcement:review", args=[case.pk]), {"opinion": "approve", "check_subject": "on"})
    assert r.status_code == 400 and "逐项审核" in r.content.decode()
    data = {"opinion": "approve"} | {f"check_{k}": "on" for k in ["subject", "qualification", "procedure", "facts", "basis", "powers", "documents", "criminal"]}
    assert c.post(reverse("enforcement:review", args=[case.pk]), data).status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVIEWED


def test_documents_are_docx(enf, users, client_for, make_case):
    case = advance(make_case(), users, enf, to="closed")
    c = client_for(users.officer)
    for kind, title in [("filing", "立案审批表"), ("notice", "行政处罚事先告知书"), ("decision", "行政处罚决定书"), ("receipt", "送达回证")]:
        r = c.get(reverse("enforcement:document", args=[case.pk, kind]))
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        doc = Document(io.BytesIO(r.content))
        text = "\n".join(p.text for p in doc.paragraphs) + "".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
        assert title in text and "综合行政执法办公室" in text
        assert_official_layout(r.content, title)  # "— 1 —" page numbers and a centred title
    assert c.get(reverse("enforcement:document", args=[case.pk, "nope"])).status_code == 404
    draft = make_case()
    r = c.get(reverse("enforcement:document", args=[draft.pk, "decision"]), follow=True)
    assert "尚未作出决定" in r.content.decode()


def test_case_list_query_count_bounded(enf, users, client_for, make_case, django_assert_max_num_queries):
    for i in range(30):
        make_case(title=f"案件{i}")
    c = client_for(users.officer)
    with django_assert_max_num_queries(15):
        r = c.get(reverse("enforcement:case_list"))
    assert r.status_code == 200 and "第 1 / 2 页" in r.content.decode()
    with django_assert_max_num_queries(15):
        assert c.get(reverse("enforcement:officer_list")).status_code == 200


def test_public_pages_query_count_bounded(enf, users, make_case, client, django_assert_max_num_queries):
    for i in range(12):
        case = advance(make_case(title=f"案件{i}"), users, enf, to="decided")
        services.publication_publish(actor=users.disclosure, case=case)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("enforcement_public:decisions")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("enforcement_public:home")).status_code == 200


def test_todos_expiring_certificate_and_review(enf, users, make_case):
    services.officer_update(actor=users.enforcement_head, officer=enf.o2, version=0, certificate_number="37030002", valid_from="2020-01-01",
                            valid_until="2023-07-15")
    labels = [t.label for t in todos_for(users.enforcement_head)]
    assert "执法证将在60日内到期" in labels
    assert "执法证将在60日内到期" not in [t.label for t in todos_for(users.officer)]
    case = advance(make_case(), users, enf, to="notified", fine="20000")
    services.case_transition(actor=users.officer, case=case, name="submit_review")
    assert "待法制审核的重大执法决定" in [t.label for t in todos_for(users.reviewer)]


def test_deadlines_page_lists_overdue(enf, users, client_for, make_case):
    case = advance(make_case(), users, enf, to="investigating")
    with clock.frozen(clock.at_local(datetime.date(2023, 9, 15))):
        html = client_for(users.officer).get(reverse("enforcement:deadlines")).content.decode()
        assert case.number in html.split("已超过决定期限")[1].split("7日内到期")[0]


def test_officer_and_power_forms(enf, users, client_for):
    c = client_for(users.enforcement_head)
    r = c.post(reverse("enforcement:power_new"), {"code": "CF-001", "name": "重复", "power_type": "penalty", "legal_basis": "x"})
    assert r.status_code == 400 and "已存在" in r.content.decode()
    r = c.post(reverse("enforcement:officer_detail", args=[enf.o1.pk]), {"certificate_number": "1", "valid_from": "2024-01-01",
                                                                        "valid_until": "2023-01-01", "status": "active", "version": 0})
    assert r.status_code == 400 and "不能早于" in r.content.decode()
    assert client_for(users.officer).get(reverse("enforcement:power_new")).status_code == 403


def test_evaluation_only_on_closed_cases(enf, users, client_for, make_case):
    case = advance(make_case(), users, enf, to="decided")
    r = client_for(users.supervisor).post(reverse("enforcement:evaluate", args=[case.pk]),
                                          {"findings": "x"} | {f"score_{k}": 5 for k in ["subject", "officers", "facts", "basis", "procedure", "documents", "recording"]})
    assert r.status_code == 400 and "已结案" in r.content.decode()
