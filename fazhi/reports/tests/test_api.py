import datetime

import pytest

from fazhi.reports.models import PlanItem

pytestmark = pytest.mark.django_db


def _items(tree):
    rows = [(tree.liu, 3), (tree.yang1, 2), (tree.dongqi, 4)]
    for node, n in rows:
        for i in range(n):
            PlanItem.objects.create(node=node, year=2023, heading="h", title=f"t{i}", owner="o",
                                    due_date=datetime.date(2023, 3, 1), status="done" if i % 2 == 0 else "planned")
    PlanItem.objects.create(node=tree.liu, year=2022, heading="h", title="old", owner="o", due_date=datetime.date(2022, 3, 1))


def test_figure_registry_listed(users, api_for):
    r = api_for(users.leader).get("/api/figures/")
    assert r.status_code == 200
    keys = {f["key"]: f for f in r.json()["figures"]}
    assert keys["reports.plan_items"]["label"] == "年度计划任务" and keys["reports.plan_items"]["unit"] == "项"
    assert {"key", "label", "unit", "kind"} <= set(keys["reports.plan_items"])


def test_district_figure_equals_sum_of_subdistricts(users, tree, api_for):
    _items(tree)
    api = api_for(users.admin)  # admin of the district
    values = {}
    for node in (tree.district, tree.sub, tree.other, tree.liu):
        r = api.get("/api/figures/", {"keys": "reports.plan_items,reports.plan_items_done", "node": node.pk, "year": 2023})
        assert r.status_code == 200, r.content
        values[node.name] = {k: v["value"] for k, v in r.json()["values"].items()}
    for key in ("reports.plan_items", "reports.plan_items_done"):
        assert values["临淄区"][key] == values["稷下街道"][key] + values["敬仲街道"][key]
    assert values["稷下街道"]["reports.plan_items"] == 5 and values["敬仲街道"]["reports.plan_items"] == 4
    assert values["刘家村"] == {"reports.plan_items": 3, "reports.plan_items_done": 2}
    r = api.get("/api/figures/", {"keys": "reports.plan_items", "node": tree.sub.pk, "start": "2022-01-01", "end": "2023-12-31"})
    assert r.json()["values"]["reports.plan_items"]["value"] == 6
    assert "/work/reports/plans/?node=" in r.json()["values"]["reports.plan_items"]["records_url"]


def test_node_outside_scope_is_404(users, tree, api_for):
    r = api_for(users.leader).get("/api/figures/", {"keys": "reports.plan_items", "node": tree.other.pk, "year": 2023})
    assert r.status_code == 404 and "管辖范围" in r.json()["detail"]
    r = api_for(users.leader).get("/api/figures/", {"keys": "reports.plan_items", "node": tree.district.pk, "year": 2023})
    assert r.status_code == 404
    r = api_for(users.clerk).get("/api/figures/")  # no dashboard permission at all: the role lacks it (403)
    assert r.status_code == 403


def test_bad_parameters_give_chinese_400(users, tree, api_for):
    api = api_for(users.leader)
    r = api.get("/api/figures/", {"keys": "nosuch.figure", "node": tree.sub.pk})
    assert r.status_code == 400 and "nosuch.figure" in r.json()["detail"]
    r = api.get("/api/figures/", {"keys": "reports.plan_items", "node": tree.sub.pk, "year": "abc"})
    assert r.status_code == 400 and "年度" in r.json()["detail"]
    r = api.get("/api/figures/", {"keys": "reports.plan_items", "node": tree.sub.pk, "start": "2023-05-01", "end": "2023-01-01"})
    assert r.status_code == 400
    r = api.get("/api/figures/", {"keys": "reports.plan_items", "node": "x"})
    assert r.status_code == 404


def test_report_api_flow_conflict_and_forbidden_transition(users, tree, api_for, report):
    api = api_for(users.office)
    r = api.get(f"/api/reports/{report.pk}/")
    assert r.status_code == 200 and r.json()["rendered"][0]["text"] == "稷下街道2023年法治政府建设年度报告"
    section = r.json()["sections"][1]
    url = f"/api/reports/{report.pk}/sections/{section['id']}/"
    ok = api.patch(url, {"heading": "新标题", "body": "共{{reports.plan_items}}项", "version": section["version"]}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == section["version"] + 1
    stale = api.patch(url, {"heading": "别人的修改", "body": "x", "version": section["version"]}, format="json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    bad = api.patch(url, {"heading": "x", "body": "共{{nosuch.key}}起", "version": section["version"] + 1}, format="json")
    assert bad.status_code == 400 and "nosuch.key" in bad.json()["detail"]
    r = api.post(f"/api/reports/{report.pk}/transition/", {"action": "publish"}, format="json")
    assert r.status_code == 400 and "不能执行" in r.json()["detail"]
    report.refresh_from_db()
    assert report.status == "draft"
    judicial = api_for(users.judicial).patch(url, {"heading": "x", "body": "", "version": section["version"] + 1}, format="json")
    assert judicial.status_code == 403
    other = api_for(users.other_admin).get(f"/api/reports/{report.pk}/")
    assert other.status_code == 404
    assert api_for(users.other_admin).get(f"/api/reports/{report.pk}/export/docx/").status_code == 404


def test_dashboard_api_scoped(users, tree, api_for):
    r = api_for(users.leader).get("/api/dashboard/", {"year": 2023})
    assert r.status_code == 200 and r.json()["node"]["name"] == "稷下街道"
    assert {c["name"] for c in r.json()["children"]} == {"刘家村", "大杨村"}
    assert api_for(users.leader).get("/api/dashboard/", {"node": tree.other.pk}).status_code == 404


def test_report_create_and_jobs_through_api(users, tree, api_for, django_capture_on_commit_callbacks):
    api = api_for(users.office)
    r = api.post("/api/reports/", {"node": tree.sub.pk, "year": 2022}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "draft"
    r = api.post("/api/reports/", {"node": tree.sub.pk, "year": 2022}, format="json")
    assert r.status_code == 400 and "已存在" in r.json()["detail"]
    r = api.post("/api/reports/", {"node": tree.other.pk, "year": 2022}, format="json")
    assert r.status_code == 404
    r = api.post("/api/reports/", {"year": "x"}, format="json")
    assert r.status_code == 400
    assert [x["year"] for x in api.get("/api/reports/").json()["results"]] == [2022]  # paged like every list
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post("/api/reports/jobs/", {"kind": "figure_export", "node": tree.sub.pk, "year": 2022}, format="json")
    assert r.status_code == 202
    r = api.get(f"/api/reports/jobs/{r.json()['id']}/")
    assert r.json()["status"] == "done" and r.json()["percent"] == 100 and r.json()["download"]
    r = api.post("/api/reports/jobs/", {"kind": "bogus", "node": tree.sub.pk, "year": 2022}, format="json")
    assert r.status_code == 400 and "未知的任务类型" in r.json()["detail"]
    assert api_for(users.other_admin).get("/api/reports/jobs/1/").status_code == 404


def test_workbench_home_shows_report_todo(users, tree, client_for):
    from fazhi.core import clock

    with clock.frozen(datetime.date(2024, 2, 20)):
        r = client_for(users.office).get("/work/")
    assert "起草稷下街道2023年法治政府建设年度报告" in r.content.decode()
