import datetime

import pytest

from fazhi.core import clock
from fazhi.disputes.models import Dispute, DisputeKind

from . import factories as f
from .test_public_report import report

pytestmark = pytest.mark.django_db


def test_public_submit_track_and_escaping(tree, client):
    room = f.room("测试", tree) if False else None  # rooms need a manager; the order page is covered below
    r = client.get("/mediation/")
    assert r.status_code == 200 and "我要调解" in r.content.decode()
    form = {"name": "张三", "phone": "13900001234", "id_number": "", "village": tree.liu.pk,
            "kind": DisputeKind.objects.get(code="neighbour").pk, "title": "<script>alert('x')</script>",
            "description": "邻居堵了排水沟<script>alert(1)</script>", "other_name": "李四", "other_phone": "", "place": ""}
    r = report(client, form)
    assert r.status_code == 302
    r = client.get("/mediation/submitted/")
    code = Dispute.objects.get().tracking_code
    assert code in r.content.decode()
    r = report(client, form)  # the same form again: no second case
    assert Dispute.objects.count() == 1
    r = client.post("/mediation/track/", {"code": code, "phone": "13900001234"})
    html = r.content.decode()
    assert r.status_code == 200 and "已登记" in html and "&lt;script&gt;" in html and "<script>alert" not in html
    assert "13900001234" not in html and "张三" not in html and "张*" in html
    assert room is None


@pytest.mark.parametrize("change,message", [
    ({"description": "长" * 10000}, "不能超过5000个字"),
    ({"phone": "1234"}, "电话号码格式不正确"),
    ({"id_number": "370305199001011234"}, "校验位"),
    ({"title": "   "}, "必填"),
])
def test_public_bad_input_shows_chinese_error(tree, client, change, message):
    form = {"name": "张三", "phone": "13900001234", "village": tree.liu.pk,
            "kind": DisputeKind.objects.get(code="neighbour").pk, "title": "漏水", "description": "楼上漏水",
            "other_name": "李四", **change}
    r = report(client, form)
    assert r.status_code == 400 and message in r.content.decode()
    assert Dispute.objects.count() == 0


def test_public_track_throttles_guessing(tree, client):
    d = f.dispute(None, tree, contact="13900007777")
    for i in range(5):
        assert client.post("/mediation/track/", {"code": f"MTZZZZZZZ{i}", "phone": "13900007777"}).status_code == 404
    r = client.post("/mediation/track/", {"code": d.tracking_code, "phone": "13900007777"})
    assert r.status_code == 429 and "过多" in r.content.decode()


def test_public_rooms_and_order(users, tree, client):
    room = f.room(users.judicial, tree)
    r = client.get("/mediation/rooms/")
    assert "老赵劳动调解室" in r.content.decode()
    r = client.get(f"/mediation/rooms/{room.pk}/")
    assert f"?room={room.pk}" in r.content.decode()
    client.get(f"/mediation/?room={room.pk}")
    r = client.get("/mediation/report/room/")  # the steps before it come first
    assert r.status_code == 302


def test_workbench_flow_buttons_follow_workflow(users, tree, client_for):
    d = f.dispute(users.clerk, tree, title="<b>粗体</b>")
    c = client_for(users.clerk)
    html = c.get(f"/work/disputes/{d.pk}/").content.decode()
    assert "确认受理" in html and "确认不予受理" in html and "确认调解成功" not in html and "&lt;b&gt;" in html
    leader_html = client_for(users.leader).get(f"/work/disputes/{d.pk}/").content.decode()
    assert "确认受理" not in leader_html
    r = c.post(f"/work/disputes/{d.pk}/transition/", {"action": "accept", "version": d.version})
    assert r.status_code == 302
    r = c.post(f"/work/disputes/{d.pk}/transition/", {"action": "decline", "version": d.version, "reason": "x"})
    assert r.status_code == 409 and "已被他人修改" in r.content.decode()
    r = c.post(f"/work/disputes/{d.pk}/transition/", {"action": "assign", "version": d.version + 1, "level": "village"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == "assigned" and d.node == tree.liu
    html = client_for(users.mediator).get(f"/work/disputes/{d.pk}/").content.decode()
    assert "确认开始调解" in html
    assert c.get(f"/work/disputes/{d.pk}/documents/application/").status_code == 200


def test_workbench_intake_form(users, tree, client_for):
    c = client_for(users.grid)
    assert c.get("/work/disputes/new/").status_code == 200
    r = c.post("/work/disputes/new/", {
        "channel": "patrol", "village": tree.liu.pk, "grid": tree.liu1.pk, "kind": DisputeKind.objects.get(code="land").pk,
        "mediation_type": "people", "title": "宅基地边界", "description": "两户宅基地边界争议", "contact_phone": "13900002222",
        "applicant_kind": "person", "applicant_name": "刘一", "respondent_kind": "person", "respondent_name": "刘二"})
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dispute.objects.get()
    assert d.channel == "patrol" and d.level == "grid" and d.node == tree.liu1
    r = c.post("/work/disputes/new/", {"channel": "walk_in", "village": tree.yang.pk})
    assert r.status_code == 400


def test_scoping_other_village_and_subdistrict_get_404(users, tree, client_for, api_for):
    liu = f.dispute(users.grid, tree, channel="patrol", grid=tree.liu1)
    f.run(users.grid, liu, "accept") if False else None
    f.dispute(users.clerk, tree)  # at subdistrict level: village/grid staff don't see it
    for user in (users.grid_yang, users.mediator_yang, users.other_clerk, users.advisor):
        c = client_for(user)
        assert c.get(f"/work/disputes/{liu.pk}/").status_code in (403, 404)
        assert c.get(f"/work/disputes/{liu.pk}/documents/application/").status_code in (403, 404)
        assert api_for(user).get(f"/api/disputes/{liu.pk}/").status_code in (403, 404)
    assert client_for(users.grid_yang).get(f"/work/disputes/{liu.pk}/").status_code == 404
    assert api_for(users.other_clerk).get(f"/api/disputes/{liu.pk}/").status_code == 404
    assert api_for(users.grid_yang).get("/api/disputes/").json()["count"] == 0
    assert api_for(users.grid).get("/api/disputes/").json()["count"] == 1
    assert api_for(users.clerk).get("/api/disputes/").json()["count"] == 2
    export = client_for(users.other_clerk).get("/api/core/ledgers/disputes.mediation/export/")
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1  # headers only
    # a legal advisor sees only the cases they joined
    from fazhi.disputes import services

    services.advisor_join(actor=users.clerk, dispute=liu, advisor=users.advisor)
    assert api_for(users.advisor).get(f"/api/disputes/{liu.pk}/").status_code == 200
    assert api_for(users.advisor).get("/api/disputes/").json()["count"] == 1


def test_list_query_count_bounded_with_1000_cases(users, tree, client_for, django_assert_max_num_queries):
    kinds = list(DisputeKind.objects.all())
    now = clock.now()
    Dispute.objects.bulk_create([
        Dispute(node=tree.liu, village=tree.liu, tracking_code=f"MTB{i:07d}", kind=kinds[i % len(kinds)],
                channel="walk_in", title=f"纠纷{i}", description="情况", contact_phone="13900000000",
                received_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 300),
                due_date=datetime.date(2024, 2, 1), created_at=now, updated_at=now, search_text=f"纠纷 {i}")
        for i in range(1000)])
    c = client_for(users.clerk)
    with django_assert_max_num_queries(30):
        r = c.get("/work/disputes/", {"status": "open", "overdue": "1", "sort": "due"})
    assert r.status_code == 200 and "共 1000 条" in r.content.decode()
    with django_assert_max_num_queries(30):
        assert c.get("/work/disputes/", {"q": "纠纷", "page": 3}).status_code == 200
    with django_assert_max_num_queries(20):
        assert api_for_count(users.clerk) == 1000


def api_for_count(user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    return api.get("/api/disputes/").json()["count"]


def test_ledger_export_and_import_round_trip(users, tree, client_for):
    f.dispute(users.clerk, tree, title="借款纠纷", kind_code="contract_debt")
    c = client_for(users.clerk)
    r = c.get("/api/core/ledgers/disputes.mediation/export/")
    assert r.status_code == 200
    from fazhi.core import ledger

    lg = ledger.get("disputes.mediation")
    result = ledger.run_import(lg, r.content, actor=users.clerk, dry_run=False)
    assert result.ok and Dispute.objects.filter(title="借款纠纷").count() == 1  # same rows again: no duplicates
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.active
    headers = [cell.value for cell in ws[1]]
    ws.cell(row=2, column=headers.index("事由") + 1, value="借款纠纷（二）")
    ws.cell(row=2, column=headers.index("纠纷简要情况") + 1, value="另一笔借款")
    buf = io.BytesIO()
    wb.save(buf)
    result = ledger.run_import(lg, buf.getvalue(), actor=users.clerk, dry_run=False)
    assert result.ok, result
    new = Dispute.objects.get(title="借款纠纷（二）")
    assert new.status == "registered" and new.parties.count() == 2 and new.channel == "walk_in"
    ws.cell(row=2, column=headers.index("申请人身份证号") + 1, value="370305199001011234")
    ws.cell(row=2, column=headers.index("事由") + 1, value="坏行")
    buf = io.BytesIO()
    wb.save(buf)
    result = ledger.run_import(lg, buf.getvalue(), actor=users.clerk, dry_run=True)
    assert not result.ok and "校验位" in str(result.errors[0].message)


def _png():
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    buf.seek(0)
    buf.name = "现场照片.png"
    return buf


def test_attachment_upload_and_scoped_download(users, tree, client_for):
    d = f.dispute(users.grid, tree, channel="patrol", grid=tree.liu1)
    c = client_for(users.grid)
    r = c.post(f"/work/disputes/{d.pk}/attachments/", {"file": _png()})
    assert r.status_code == 302
    from fazhi.core import files

    stored = files.files_of(d).get()
    assert c.get(f"/files/{stored.uuid}/").status_code == 200
    assert client_for(users.grid_yang).get(f"/files/{stored.uuid}/").status_code == 404
    assert client_for(users.other_clerk).get(f"/files/{stored.uuid}/").status_code == 404
    import io

    fake = io.BytesIO(b"MZ\x90\x00 not an image")
    fake.name = "病毒.png"
    c.post(f"/work/disputes/{d.pk}/attachments/", {"file": fake})
    assert files.files_of(d).count() == 1


def test_room_photo_shown_on_public_page(users, tree, client):
    from fazhi.disputes import services

    room = services.room_save(actor=users.judicial, node=tree.sub, name="银领调解室", host_name="孙秀英",
                              photo=_upload_png())
    html = client.get(f"/mediation/rooms/{room.pk}/").content.decode()
    assert f"/files/{room.photo.uuid}/" in html
    assert client.get(f"/files/{room.photo.uuid}/").status_code == 200


def _upload_png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("room.png", _png().getvalue(), content_type="image/png")


def test_edit_basic_info_and_conflict(users, tree, client_for):
    d = f.dispute(users.clerk, tree)
    c = client_for(users.clerk)
    r = c.post(f"/work/disputes/{d.pk}/edit/", {"version": 0, "title": "新事由", "description": "补充情况", "amount": "1200"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.title == "新事由" and str(d.amount) == "1200.00"
    r = c.post(f"/work/disputes/{d.pk}/edit/", {"version": 0, "title": "旧页面提交"})
    assert r.status_code == 409 and "已被他人修改" in r.content.decode()
    r = c.post(f"/work/disputes/{d.pk}/edit/", {"version": 1, "amount": "abc"})
    assert r.status_code == 400 and "涉及金额应为数字" in r.content.decode()


def test_id_first_pages_match_plain_slices(users, tree):
    from django.core.paginator import Paginator

    from fazhi.disputes import paging, selectors

    kinds = list(DisputeKind.objects.all())
    now = clock.now()
    Dispute.objects.bulk_create([
        Dispute(node=tree.liu, village=tree.liu, tracking_code=f"IDP{i:07d}", kind=kinds[i % len(kinds)],
                channel="walk_in", title=f"纠纷{i}", description="情况", contact_phone="13900000000",
                received_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 7),  # ties: -id breaks them
                due_date=datetime.date(2024, 2, 1), created_at=now, updated_at=now, search_text=f"纠纷 {i}")
        for i in range(60)])
    for filters in ({}, {"sort": "due"}, {"q": "纠纷"}, {"date": "followup", "start": "2024-01-01"}):
        qs = selectors.dispute_list(user=users.clerk, filters=filters)
        plain, fast = Paginator(qs, 25), paging.IdFirstPaginator(qs, 25)
        assert fast.count == plain.count
        for n in plain.page_range:
            assert [d.pk for d in fast.page(n)] == [d.pk for d in plain.page(n)]
