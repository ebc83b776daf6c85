"""政府信息公开条例 rules at their edges on the working-day calendar (issue 12)."""
import datetime
import io

import pytest
from docx import Document

from fazhi.core import clock
from fazhi.core.errors import TransitionNotAllowed
from fazhi.governance import documents, selectors, services
from fazhi.governance.models import DisclosureRequest

from . import factories as f

pytestmark = pytest.mark.django_db
RECEIVED = datetime.date(2024, 3, 1)  # a Friday; working days 7 and 8 after it: 3月12日, 3月13日


def _act(req, user, name, day, **kwargs):
    with clock.frozen(day):
        return services.request_transition(actor=user, request_id=req.pk, name=name, **kwargs)


def test_correction_notice_on_working_day_7_is_on_time_day_8_is_flagged_and_a_second_is_refused(users, tree):
    on_time = f.request(tree, day=RECEIVED)
    on_time = _act(on_time, users.disclosure, "request_correction", datetime.date(2024, 3, 12), reason="请写明年份")
    assert on_time.correction_late is False
    late = f.request(tree, day=RECEIVED, phone="13905330002")
    late = _act(late, users.disclosure, "request_correction", datetime.date(2024, 3, 13), reason="请写明年份")
    assert late.correction_late is True
    late = _act(late, users.disclosure, "submit_correction", datetime.date(2024, 3, 14))
    with pytest.raises(TransitionNotAllowed, match="一次性告知"):
        _act(late, users.disclosure, "request_correction", datetime.date(2024, 3, 15), reason="再补正")
    assert DisclosureRequest.objects.get(pk=late.pk).clock_start == datetime.date(2024, 3, 14)


def test_extension_after_the_due_date_is_refused(users, tree):
    req = f.request(tree, day=RECEIVED)
    assert req.due_date == datetime.date(2024, 3, 29)
    with pytest.raises(TransitionNotAllowed, match="原答复期限已于2024年03月29日届满"):
        _act(req, users.disclosure, "request_extension", datetime.date(2024, 4, 1), reason="情况复杂")
    req = _act(req, users.disclosure, "request_extension", datetime.date(2024, 3, 29), reason="情况复杂")
    with pytest.raises(TransitionNotAllowed, match="届满"):
        _act(req, users.leader, "approve_extension", datetime.date(2024, 4, 1))
    assert DisclosureRequest.objects.get(pk=req.pk).extended is False


def test_third_party_consultation_pauses_the_clock_across_a_holiday(users, tree):
    req = f.request(tree, day=datetime.date(2024, 9, 20))
    plain_due = req.due_date
    req = _act(req, users.disclosure, "start_consultation", datetime.date(2024, 9, 26), reason="涉及企业商业秘密",
               consultation_party="淄博某建材公司")
    assert req.status == "consulting"
    with clock.frozen(datetime.date(2030, 1, 1)):
        assert not selectors.request_list(user=users.disclosure, filters={"due": "overdue"}).filter(pk=req.pk).exists()
    # 9月26日 → 10月10日 spans the National Day holiday (10月1日-7日, make-up day 9月29日): 9月27日、29日、30日、
    # 10月8日、9日、10日 — 6 working days, not 14 calendar days
    req = _act(req, users.disclosure, "end_consultation", datetime.date(2024, 10, 10), consultation_opinion="不同意公开")
    assert req.paused_days == 6
    deadline = services.request_deadline(req)
    assert deadline.due > plain_due and req.due_date == deadline.due
    assert "6个工作日不计入答复期限" in deadline.explain() and "第三十二条" in deadline.explain()


def test_waiting_for_correction_is_not_overdue(users, tree):
    req = f.request(tree, day=RECEIVED)
    _act(req, users.disclosure, "request_correction", datetime.date(2024, 3, 4), reason="请写明年份")
    with clock.frozen(datetime.date(2024, 6, 1)):
        assert selectors.request_list(user=users.disclosure, filters={"due": "overdue"}).count() == 0


def _letter(req):
    from fazhi.core.tests.docx_checks import assert_official_layout

    content = documents.reply_letter(req)
    assert_official_layout(content, "政府信息公开申请答复书")  # "— 1 —" page numbers and a centred title
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.mark.parametrize("reply_type, first, basis", [
    ("not_disclosed", "应当先", "第二十三条第一款第（四）项"),
    ("partial", "应当先", "第二十三条"),
    ("disclosed", "或者自知道", "行政诉讼法》第四十六条"),
    ("repeat", "或者自知道", "第三十六条第（六）项"),
    ("other_law", "或者自知道", "第三十六条第（七）项"),
    ("no_identity", "或者自知道", "第二十九条"),
])
def test_each_reply_form_states_its_lawful_remedy(users, tree, reply_type, first, basis):
    req = f.request(tree, day=RECEIVED)
    req = _act(req, users.disclosure, "answer", datetime.date(2024, 3, 5), reply_type=reply_type, reply_text="答复",
               reply_reason="依法说明的理由")
    text = _letter(req)
    assert first in text and basis in text
    if first == "应当先":
        assert "或者自知道" not in text


def test_reply_letters_are_numbered_per_year_and_subdistrict(users, tree):
    numbers = []
    for i, day in enumerate((datetime.date(2023, 12, 28), datetime.date(2024, 1, 3), datetime.date(2024, 1, 4))):
        req = f.request(tree, day=day, phone=f"1390533{i:04d}")
        numbers.append(_act(req, users.disclosure, "answer", day, reply_type="disclosed", reply_text="公开").reply_number)
    assert numbers == ["稷下〔2023〕1号", "稷下〔2024〕1号", "稷下〔2024〕2号"]
    assert numbers[2] in _letter(DisclosureRequest.objects.get(reply_number=numbers[2]))


def test_records_link_lists_exactly_the_figures_records(users, tree, client_for):
    from fazhi.core import figures

    f.item(users, tree, day=datetime.date(2023, 3, 1))
    f.item(users, tree, day=datetime.date(2023, 5, 1), title="五月信息")
    f.item(users, tree, day=datetime.date(2022, 5, 1), title="去年信息")
    fig = figures.get("governance.disclosure_published")
    start, end = datetime.date(2023, 4, 1), datetime.date(2023, 12, 31)
    assert fig.value(tree.sub, start, end) == 1
    page = client_for(users.admin).get(fig.records_url(tree.sub, start, end))
    assert [i.title for i in page.context["page_obj"]] == ["五月信息"]
    page = client_for(users.admin).get(fig.records_url(tree.other, start, end))
    assert fig.value(tree.other, start, end) == 0 and list(page.context["page_obj"]) == []


def test_applicant_downloads_the_reply_letter_from_the_tracking_page(users, tree, client):
    req = f.request(tree, day=RECEIVED)
    r = client.post("/open/track/", {"code": req.tracking_code, "phone": "13905331234"})
    token = r.context["token"]
    assert client.post("/open/track/letter/", {"token": token}).status_code == 302  # not answered yet
    _act(req, users.disclosure, "answer", datetime.date(2024, 3, 5), reply_type="disclosed", reply_text="公开")
    r = client.post("/open/track/", {"code": req.tracking_code, "phone": "13905331234"})
    assert "稷下〔2024〕1号" in r.content.decode()
    r = client.post("/open/track/letter/", {"token": r.context["token"]})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "政府信息公开申请答复书" in "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert client.post("/open/track/letter/", {"token": "forged"}).status_code == 302


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_applicant_downloads_the_reply_attachments_of_their_own_request_only(users, tree, client):
    from fazhi.core.validators import make_id_number

    id_number = make_id_number("37030519800101123")
    req = f.request(tree, day=RECEIVED)
    other = f.request(tree, day=RECEIVED, phone="13905330002")
    _act(req, users.disclosure, "answer", datetime.date(2024, 3, 5), reply_type="disclosed", reply_text="公开",
         attachments=[(f"低保名单-{id_number}.pdf", PDF)])
    _act(other, users.disclosure, "answer", datetime.date(2024, 3, 5), reply_type="disclosed", reply_text="公开",
         attachments=[("他人的附件.pdf", PDF + b"other")])
    from fazhi.core.files import files_of

    mine, theirs = files_of(req, "reply").get(), files_of(other, "reply").get()
    r = client.post("/open/track/", {"code": req.tracking_code, "phone": "13905331234"})
    html = r.content.decode()
    assert "低保名单" in html and "他人的附件" not in html
    # no personal numbers in the page: neither the ID number in the file name nor the phone (not even in the token)
    assert id_number not in html and "13905331234" not in html
    import base64

    token = r.context["token"]
    assert "13905331234" not in base64.urlsafe_b64decode(token.split(":")[0] + "==").decode("latin-1")
    got = client.post(f"/open/track/attachments/{mine.uuid}/", {"token": token})
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    # another request's attachment with this request's token: 404; a forged or missing token: back to the form
    assert client.post(f"/open/track/attachments/{theirs.uuid}/", {"token": token}).status_code == 404
    assert client.post(f"/open/track/attachments/{mine.uuid}/", {"token": "forged"}).status_code == 302
    assert client.post(f"/open/track/attachments/{mine.uuid}/",
                       {"token": token.replace(req.tracking_code, other.tracking_code)}).status_code == 302
    assert client.get(f"/open/track/attachments/{mine.uuid}/").status_code == 302
    # the file itself is not public: the plain download route refuses an anonymous visitor
    assert client.get(f"/files/{mine.uuid}/").status_code == 404


def test_no_correction_by_the_period_end_closes_the_request_as_abandoned(users, tree, client, api_for):
    """第三十条: 申请人无正当理由逾期不补正的，视为放弃申请 — only after the period the notice gave, with a reason; the
    request leaves the open lists, is not a reply (figures), and counts in the annual report's 其他处理 row."""
    from fazhi.core import workdays
    from fazhi.governance import annual, figures  # noqa: F401 - figures registered

    rule = workdays.rule(services.RULE_CORRECTION_PERIOD)
    assert rule.amount == 15 and rule.unit == "working_days" and "第三十条" in rule.legal_basis
    req = f.request(tree, day=RECEIVED)
    req = _act(req, users.disclosure, "request_correction", datetime.date(2024, 3, 4), reason="请写明年份")
    assert req.correction_due == datetime.date(2024, 3, 25)  # 15 working days after 3月4日
    api = api_for(users.disclosure)
    assert api.get(f"/api/governance/requests/{req.pk}/").json()["correction_due"] == "2024-03-25"
    with clock.frozen(datetime.date(2024, 3, 25)):  # the API refuses it too, with the table's reason
        r = api.post(f"/api/governance/requests/{req.pk}/transition/",
                     {"action": "close_uncorrected", "reason": "未补正"}, format="json")
    assert r.status_code == 400 and "补正期限至2024年03月25日" in r.json()["detail"]
    with pytest.raises(TransitionNotAllowed, match="补正期限至2024年03月25日"):
        _act(req, users.disclosure, "close_uncorrected", datetime.date(2024, 3, 25), reason="未补正")
    with clock.frozen(datetime.date(2024, 3, 26)):
        assert not selectors.request_list(user=users.disclosure, filters={"due": "overdue"}).exists()
        assert list(selectors.request_list(user=users.disclosure, filters={"due": "uncorrected"})) == [req]
    with pytest.raises(TransitionNotAllowed, match="需要填写理由"):
        _act(req, users.disclosure, "close_uncorrected", datetime.date(2024, 3, 26))
    req = _act(req, users.disclosure, "close_uncorrected", datetime.date(2024, 3, 26),
               reason="经电话联系，申请人未说明理由")
    assert req.status == "abandoned" and req.answered_on == datetime.date(2024, 3, 26)
    assert req.table_reason == "other_no_correction" and "视为放弃申请" in req.reply_text
    with pytest.raises(TransitionNotAllowed):  # closed: the applicant cannot correct any more
        _act(req, users.disclosure, "submit_correction", datetime.date(2024, 3, 27))
    with clock.frozen(datetime.date(2024, 3, 27)):
        assert not selectors.request_list(user=users.disclosure, filters={"due": "uncorrected"}).exists()
    # the annual report: handled in 2024 in its row, and the table still reconciles
    tables = annual.compute(tree.sub, 2024)
    rows = {r["key"]: r["cells"][-1]["n"] for r in tables["requests"]["rows"] if r.get("key")}
    assert rows["other_no_correction"] == 1 and rows["handled"] == 1 and rows["forward"] == 0
    assert annual.identity_problems(tables) == []
    # not a reply: the reply figures do not count it
    from fazhi.core import figures as core_figures

    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    assert core_figures.compute("governance.requests_answered", tree.sub, start, end) == 0
    assert core_figures.compute("governance.requests_on_time_rate", tree.sub, start, end) is None
    # the applicant sees it on the tracking page
    html = client.post("/open/track/", {"code": req.tracking_code, "phone": req.phone}).content.decode()
    assert "视为放弃申请" in html and "第三十条" in html


def test_the_correction_period_counts_working_days_across_qingming(users, tree):
    """A notice on Monday 2024-04-01: 清明 4–6 April is off and Sunday 7 April is a make-up working day, so the 15
    working days end on Tuesday 23 April (15 calendar days would end on 16 April)."""
    req = f.request(tree, day=datetime.date(2024, 3, 29))
    req = _act(req, users.disclosure, "request_correction", datetime.date(2024, 4, 1), reason="请写明年份")
    assert req.correction_due == datetime.date(2024, 4, 23)
    with pytest.raises(TransitionNotAllowed, match="补正期限至2024年04月23日"):
        _act(req, users.disclosure, "close_uncorrected", datetime.date(2024, 4, 23), reason="未补正")
    assert _act(req, users.disclosure, "close_uncorrected", datetime.date(2024, 4, 24),
                reason="申请人逾期未补正").status == "abandoned"


def test_numbers_in_the_request_text_are_not_stored_in_plain_text(tree):
    """The applicant's phone has its own encrypted field; one typed into the description is replaced."""
    req = f.request(tree, content="申请公开2023年低保名单，联系我13905331234或身份证370305197001011118核对")
    req.refresh_from_db()
    assert "13905331234" not in req.content and "370305197001011118" not in req.content
    assert "［电话已隐去］" in req.content and "申请公开2023年低保名单" in req.content
