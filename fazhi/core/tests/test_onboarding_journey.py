"""A new subdistrict from nothing, through the API only (issue 14): an empty database and one district
administrator become a subdistrict with its villages, units, accounts, enforcement subject, power list and officers
(the checklist says what is missing until 行政处罚法第四十二条's two officers hold a valid certificate), and the
subdistrict then takes a dispute, an enforcement case and a disclosure request."""
import datetime

import pytest
from django.urls import reverse

from fazhi.core import clock
from fazhi.core.models import AuditEvent, User
from fazhi.core.tests.helpers import STRONG, checklist, first_district_admin
from fazhi.enforcement.models import Subject

pytestmark = pytest.mark.django_db


def _items(api, sub):
    return checklist(api, sub, "行政执法")


def test_an_empty_database_and_a_district_administrator_become_a_working_subdistrict_through_the_api(api_for):
    """Issue 14: only the API; then the subdistrict takes a dispute, an enforcement case and a disclosure request."""
    district, admin, api = first_district_admin(api_for, "临淄区")
    with clock.frozen(clock.at_local(datetime.date(2024, 3, 1), 10)):
        sub = api.post("/api/core/nodes/", {"parent": district.pk, "name": "新街道", "short_name": "新街"},
                       format="json").json()["id"]
        village = api.post("/api/core/nodes/", {"parent": sub, "name": "东村"}, format="json").json()["id"]
        items = _items(api, sub)
        assert {label for label, i in items.items() if not i["ok"]} >= {
            "登记执法主体（综合行政执法办公室）", "导入或登记权责清单", "至少2名执法人员持有效执法证"}
        assert items["登记执法主体（综合行政执法办公室）"]["url"] == reverse("enforcement:subject_edit") + f"?node={sub}"
        assert "第四十二条" in items["至少2名执法人员持有效执法证"]["detail"]

        unit = api.post("/api/core/units/", {"node": sub, "kind": "department", "name": "综合行政执法办公室"},
                        format="json").json()["id"]
        bad = api.post(reverse("api_enforcement_subjects"), {"unit": 10**9, "legal_status": "x"}, format="json")
        assert bad.status_code == 400 and "所选机构" in bad.json()["detail"]
        r = api.post(reverse("api_enforcement_subjects"),
                     {"unit": unit, "legal_status": "依法赋权的街道综合行政执法机构", "reconsideration_body": "临淄区人民政府",
                      "litigation_court": "淄博市临淄区人民法院"}, format="json")
        assert r.status_code == 201, r.content
        subject = r.json()["id"]
        r = api.post(reverse("api_enforcement_powers"), {"subject": "新街道", "code": "CF-001", "name": "对违法搭建的处罚",
                                                         "power_type": "penalty", "legal_basis": "《城乡规划法》第六十五条"},
                     format="json")
        assert r.status_code == 201 and r.json()["subject"] == subject
        officers = []
        for n, until in ((1, "2026-12-31"), (2, "2023-12-31")):  # the second certificate has already expired
            account = api.post("/api/core/accounts/", {
                "username": f"xj_officer{n}", "full_name": f"执法员{n}", "password": STRONG,
                "memberships": [{"node": sub, "role": "enforcement_officer", "unit": unit}]}, format="json").json()["id"]
            r = api.post(reverse("api_enforcement_officers"), {
                "subject": subject, "user": account, "certificate_number": f"3703000{n}", "issuing_authority": "淄博市人民政府",
                "valid_from": "2021-01-01", "valid_until": until}, format="json")
            assert r.status_code == 201, r.content
            officers.append(r.json())
        items = _items(api, sub)
        assert items["登记执法主体（综合行政执法办公室）"]["ok"] and items["导入或登记权责清单"]["ok"]
        two = items["至少2名执法人员持有效执法证"]
        assert not two["ok"] and "仅 1 人" in two["detail"] and "已于2023-12-31过期" in two["detail"]

        expired = next(o for o in officers if o["certificate_number"] == "37030002")
        assert expired["certificate_valid"] is False
        officers.remove(expired)
        account = api.post("/api/core/accounts/", {
            "username": "xj_officer3", "full_name": "执法员3", "password": STRONG,
            "memberships": [{"node": sub, "role": "enforcement_officer", "unit": unit}]}, format="json").json()["id"]
        officers.append(api.post(reverse("api_enforcement_officers"), {
            "subject": subject, "user": account, "certificate_number": "37030003", "issuing_authority": "淄博市人民政府",
            "valid_from": "2024-01-01", "valid_until": "2028-12-31"}, format="json").json())
        items = _items(api, sub)
        assert all(i["ok"] for i in items.values() if i["required"]), items
        # the subdistrict can now take an enforcement case
        r = api.post(reverse("api_enforcement_cases"), {
            "power": api.get(reverse("api_enforcement_powers")).json()["results"][0]["id"],
            "node": village, "title": "违法搭建", "party_kind": "person", "party_name": "张三", "facts": "搭建彩钢棚",
            "officers": [o["id"] for o in officers]}, format="json")
        assert r.status_code == 201, r.content

        # the clerk of the new centre registers a walk-in dispute
        centre = api.post("/api/core/units/", {"node": sub, "kind": "centre_body", "name": "司法所"},
                          format="json").json()["id"]
        for username, role, unit_id in (("xj_clerk", "clerk", centre), ("xj_office", "disclosure_officer", None)):
            r = api.post("/api/core/accounts/", {"username": username, "full_name": username, "password": STRONG,
                                                 "memberships": [{"node": sub, "role": role, "unit": unit_id}]},
                         format="json")
            assert r.status_code == 201, r.content
        clerk = api_for(User.objects.get(username="xj_clerk"))
        r = clerk.post("/api/disputes/", {
            "channel": "walk_in", "village": village, "kind": "邻里", "title": "邻里排水纠纷", "description": "雨水排放引发争执",
            "contact_phone": "13900001111", "parties": [{"role": "applicant", "name": "李四"},
                                                        {"role": "respondent", "name": "王五"}]}, format="json")
        assert r.status_code == 201, r.content
        assert clerk.get(f"/api/disputes/{r.json()['id']}/").status_code == 200

        # the office registers a disclosure request received at the window
        office = api_for(User.objects.get(username="xj_office"))
        r = office.post("/api/governance/requests/", {
            "channel": "counter", "applicant_type": "person", "applicant_name": "赵六", "phone": "13900002222",
            "content": "申请公开本街道2023年度道路维修经费使用情况", "received_on": "2024-03-01"}, format="json")
        assert r.status_code == 201, r.content
        assert office.get(f"/api/governance/requests/{r.json()['id']}/").json()["status"] == "registered"
    node_subject = Subject.objects.get(pk=subject)
    assert AuditEvent.objects.filter(object_type="enforcement.subject", object_id=str(node_subject.pk),
                                     actor=admin).exists()
