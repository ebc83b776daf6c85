"""Publishing is a decision (issue 12): saving makes a draft; the preview shows exactly what the public will see;
only the confirmation publishes, and a publication after the 20-working-day due date needs its reason."""
import datetime

import pytest

from fazhi.core import clock
from fazhi.governance import services
from fazhi.governance.models import DisclosureItem

from . import factories as f

pytestmark = pytest.mark.django_db
API = "/api/governance"
FORMED = datetime.date(2023, 3, 1)  # due 20 working days later: 2023-03-29
LATE_DAY = datetime.date(2023, 4, 10)


def test_saving_does_not_publish(client, client_for, users, tree):
    c = client_for(users.disclosure)
    with clock.frozen(datetime.date(2023, 3, 2)):
        r = c.post("/work/governance/items/new/", {"category": "work_news", "title": "稷下街道春耕通知",
                                                   "body": "正文", "formed_on": "2023-03-01"})
    item = DisclosureItem.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/work/governance/items/{item.pk}/preview/"
    assert item.status == "draft" and item.published_on is None
    assert "稷下街道春耕通知" not in client.get("/open/").content.decode()
    assert client.get(f"/open/items/{item.pk}/").status_code == 404
    assert "稷下街道春耕通知" not in client.get("/open/feed.atom").content.decode()
    from fazhi.governance.figures import disclosure_published
    assert disclosure_published(tree.sub, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)) == 0


def test_preview_shows_what_the_public_will_see_scrubbed(client_for, users, tree):
    item = f.draft(users, tree, title="低保公示", body="联系人电话13905331234，身份证370305199001011234，标准每月800元")
    with clock.frozen(datetime.date(2023, 3, 2)):
        html = client_for(users.disclosure).get(f"/work/governance/items/{item.pk}/preview/").content.decode()
    assert "发布前预览" in html and "低保公示" in html and "标准每月800元" in html
    assert "13905331234" not in html and "370305199001011234" not in html and "已自动遮蔽" in html
    assert "确认发布" in html and "2023年3月29日" in html
    # the API preview is the same text
    with clock.frozen(datetime.date(2023, 3, 2)):
        data = f"{API}/items/{item.pk}/preview/"
        body = __import__("json").loads(client_for(users.disclosure).get(data).content)
    assert "13905331234" not in body["body"] and body["scrubbed"] is True and body["late"] is False
    item.refresh_from_db()
    assert item.status == "draft"


def test_confirming_publishes(client, client_for, users, tree):
    item = f.draft(users, tree, title="稷下街道防汛通知")
    c = client_for(users.disclosure)
    with clock.frozen(datetime.date(2023, 3, 6)):
        r = c.post(f"/work/governance/items/{item.pk}/preview/", {"version": item.version})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == "published" and item.published_on == datetime.date(2023, 3, 6) and item.is_timely
    assert item.publisher == users.disclosure
    assert "稷下街道防汛通知" in client.get("/open/").content.decode()
    assert client.get(f"/open/items/{item.pk}/").status_code == 200
    # confirmed once: a second confirmation is refused, the table decides
    with clock.frozen(datetime.date(2023, 3, 6)):
        r = client_for(users.disclosure).post(f"{API}/items/{item.pk}/publish/", {}, content_type="application/json")
    assert r.status_code == 400


def test_late_without_a_reason_refused(client_for, api_for, users, tree):
    item = f.draft(users, tree, formed=FORMED, title="迟到的公告")
    c = client_for(users.disclosure)
    with clock.frozen(LATE_DAY):
        html = c.get(f"/work/governance/items/{item.pk}/preview/").content.decode()
        assert "今天发布已逾期" in html
        r = c.post(f"/work/governance/items/{item.pk}/preview/", {"version": item.version, "late_reason": "  "})
        assert r.status_code == 400 and "逾期公开须填写理由" in r.content.decode() and "2023年3月29日" in r.content.decode()
        item.refresh_from_db()
        assert item.status == "draft"
        r = api_for(users.disclosure).post(f"{API}/items/{item.pk}/publish/", {"version": item.version}, format="json")
        assert r.status_code == 400 and r.json()["errors"]["late_reason"]
        item.refresh_from_db()
        assert item.status == "draft" and item.version == 0
        r = api_for(users.disclosure).post(f"{API}/items/{item.pk}/publish/",
                                           {"version": 0, "late_reason": "承办科室移交材料延误"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "published" and r.json()["is_timely"] is False
    assert r.json()["late_reason"] == "承办科室移交材料延误"


def test_draft_edit_and_refusals(client_for, api_for, users, tree):
    item = f.draft(users, tree, title="草稿")
    api = api_for(users.disclosure)
    with clock.frozen(datetime.date(2023, 3, 2)):
        r = api.patch(f"{API}/items/{item.pk}/", {"title": "改过的标题", "version": 0}, format="json")
        assert r.status_code == 200 and r.json()["title"] == "改过的标题" and r.json()["status"] == "draft"
        assert api.patch(f"{API}/items/{item.pk}/", {"title": "x", "version": 0}, format="json").status_code == 409
        assert api.patch(f"{API}/items/{item.pk}/", {"title": ["x"], "version": 1}, format="json").status_code == 400
        assert api.patch(f"{API}/items/{item.pk}/", {"formed_on": "2023-02-30", "version": 1},
                         format="json").status_code == 400
        # others: the office (no disclosure function) may not confirm; another 街道 does not see it
        assert api_for(users.office).post(f"{API}/items/{item.pk}/publish/", {}, format="json").status_code == 403
        assert api_for(users.other_admin).get(f"{API}/items/{item.pk}/preview/").status_code == 404
        r = api.post(f"{API}/items/{item.pk}/publish/", {"version": 1}, format="json")
        assert r.status_code == 200
        r = api.patch(f"{API}/items/{item.pk}/", {"title": "发布后改", "version": 2}, format="json")
    assert r.status_code == 400 and "撤回" in r.json()["detail"]


def test_normative_document_publication_is_its_own_decision(users, tree):
    """A document's "publish" publishes its item at once (the decision is the document's), on time or with reason."""
    item = f.item(users, tree, title="随文公布")
    assert item.status == "published"
    with clock.frozen(LATE_DAY):
        with pytest.raises(Exception, match="逾期公开理由"):
            services.disclosure_publish(actor=users.office, node=tree.sub, category_code="normative", title="迟发文件",
                                        body="", formed_on=FORMED)
    assert not DisclosureItem.objects.filter(title="迟发文件").exists()


def test_the_rule_of_law_report_published_late_from_the_reports_module_carries_its_reason(users, tree, client_for):
    """The reports module publishes its annual report through governance.disclosure_publish: a publication more than
    20 working days after finalising needs the late reason (第二十六条), typed on the report page and passed on."""
    from fazhi.reports import render
    from fazhi.reports import selectors as reports_selectors
    from fazhi.reports import services as reports

    with clock.frozen(datetime.date(2024, 1, 10)):
        report = reports.report_create(actor=users.office, node=tree.sub, year=2023)
        for section in (s for s in report.sections.all() if render.token_errors(s.body)):
            reports.section_update(actor=users.office, section=section, heading=section.heading, body="正文",
                                   expected_version=section.version)
        for name, actor in (("submit", users.office), ("finalise", users.leader)):
            report = reports.report_transition(actor=actor, name=name, report=reports_selectors.report_get_for_user(
                user=actor, pk=report.pk))
    page = client_for(users.leader)
    with clock.frozen(datetime.date(2024, 3, 20)):  # finalised 1月10日: due 20 working days later, long past
        html = page.get(f"/work/reports/{report.pk}/").content.decode()
        assert "逾期公开理由" in html
        r = page.post(f"/work/reports/{report.pk}/transition/publish/", {"version": report.version}, follow=True)
        assert "请填写逾期公开理由" in r.content.decode()
        assert not DisclosureItem.objects.exists()
        r = page.post(f"/work/reports/{report.pk}/transition/publish/",
                      {"version": report.version, "reason": "等待区政府审定后公开"})
    assert r.status_code == 302
    item = DisclosureItem.objects.get()
    assert item.status == "published" and item.is_timely is False and item.late_reason == "等待区政府审定后公开"
