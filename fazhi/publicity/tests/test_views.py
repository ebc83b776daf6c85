
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fazhi.core.errors import DomainError
from fazhi.publicity import services
from fazhi.publicity.models import Event, Leader, Target

from .conftest import D, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_2023")]

PAGES = ["publicity:calendar", "publicity:events", "publicity:sites", "publicity:leaders", "publicity:leader_trainings",
         "publicity:study", "publicity:staff_trainings", "publicity:figures"]


@pytest.mark.parametrize("username", ["judicial", "office", "leader", "mediator", "grid", "admin"])
def test_every_page_renders_in_chinese_for_each_role(client_for, users, make_event, username):
    make_event()
    client = client_for(getattr(users, username))
    for name in PAGES:
        response = client.get(reverse(name) + "?year=2023")
        assert response.status_code == 200, name
        assert "普法" in response.content.decode() or "学法" in response.content.decode() or "培训" in response.content.decode()


def test_roles_without_publicity_get_403(client_for, users):
    assert client_for(users.officer).get(reverse("publicity:events")).status_code == 403
    assert client_for(users.leader).get(reverse("publicity:event_create")).status_code == 403
    assert client_for(users.mediator).get(reverse("publicity:study_create")).status_code == 403


def post_event(client, node, **extra):
    data = {"node": node.pk, "title": "民法典宣传", "date": "2023-06-01", "place": "文化广场", "target": Target.VILLAGE,
            "organiser_text": "村委会", "materials": "30", "slogans": "2", "reach_elderly": "40", "reach_migrant_workers": "6"}
    return client.post(reverse("publicity:event_create"), data | extra)


def test_mediator_records_event_through_the_form(client_for, users, tree):
    response = post_event(client_for(users.mediator), tree.liu, photo=SimpleUploadedFile("a.png", png_bytes(), "image/png"))
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.node == tree.liu and event.status == "held"
    page = client_for(users.mediator).get(response.url).content.decode()
    assert "46" in page and "外出务工人员/农民工" in page and "登记宣传活动" in page  # total reached, group, timeline


@pytest.mark.parametrize("extra,message", [
    ({"reach_elderly": "-3"}, "应在0至"), ({"materials": "99999999"}, "之间（填写的是"), ({"slogans": "abc"}, "请填写整数"),
])
def test_bad_numbers_in_form_show_chinese_message(client_for, users, tree, extra, message):
    response = post_event(client_for(users.judicial), tree.liu, **extra)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Event.objects.count() == 0


def test_photo_not_image_in_form(client_for, users, tree):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is an exe" * 50, "image/png")
    response = post_event(client_for(users.judicial), tree.liu, photo=fake)
    assert response.status_code == 400 and "未保存" in response.content.decode()
    assert Event.objects.count() == 0


def test_script_tags_are_shown_as_text(client_for, users, tree, make_event):
    event = make_event(title="<script>alert(1)</script>宣传", content="<b>x</b>")
    body = client_for(users.judicial).get(reverse("publicity:event_detail", args=[event.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    public = client_for(users.judicial).get(reverse("publicity_public:events")).content.decode()
    assert "<script>alert(1)" not in public


def test_out_of_scope_event_is_404_on_page_api_export_and_photo(client_for, api_for, users, tree, make_event):

    event = make_event(node=tree.liu, title="刘家村活动")
    stored = services.event_add_photo(actor=users.judicial, event=event, upload=SimpleUploadedFile("a.png", png_bytes(), "image/png"))
    for user in (users.mediator_yang, users.grid_yang, users.other_admin):
        assert client_for(user).get(reverse("publicity:event_detail", args=[event.pk])).status_code == 404
        assert client_for(user).get(reverse("publicity:event_edit", args=[event.pk])).status_code == 404
        assert api_for(user).get(f"/api/publicity/events/{event.pk}/").status_code == 404
        assert api_for(user).post(f"/api/publicity/events/{event.pk}/transition/", {"name": "cancel", "reason": "x"}, format="json").status_code == 404
        assert client_for(user).get(reverse("file_download", args=[stored.uuid])).status_code == 404
        export = client_for(user).get(reverse("core:ledger_export", args=["publicity.events"]))
        assert export.status_code == 200 and "刘家村活动".encode() not in _xlsx_text(export.content)
    assert client_for(users.mediator).get(reverse("file_download", args=[stored.uuid])).status_code == 200
    assert "刘家村活动".encode() in _xlsx_text(client_for(users.judicial).get(reverse("core:ledger_export", args=["publicity.events"])).content)


def _xlsx_text(content):
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None).encode()


def test_other_records_are_scoped_too(client_for, api_for, users, tree):
    leader = services.leader_create(actor=users.judicial, node=tree.liu, name="刘明白", kind=Leader.Kind.LITERATE, phone="13800138000")
    site = services.site_create(actor=users.judicial, node=tree.liu, name="法治广场", kind="广场", established_on=D(2023, 1, 1))
    training = services.leader_training_create(actor=users.judicial, node=tree.liu, date=D(2023, 5, 1), topic="培训", attendees=[leader])
    study = services.study_session_create(actor=users.office, node=tree.sub, kind="study", date=D(2023, 4, 1), topic="学法", speaker="书记",
                                          attendee_names="班子")
    staff = services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 3, 1), title="培训",
                                           attendance=[{"user": users.officer, "hours": 2}])
    checks = [("publicity:leader_detail", f"leaders/{leader.pk}/", leader), ("publicity:site_detail", f"sites/{site.pk}/", site),
              ("publicity:leader_training_detail", f"leader-trainings/{training.pk}/", training),
              ("publicity:study_detail", f"study-sessions/{study.pk}/", study),
              ("publicity:staff_training_detail", f"staff-trainings/{staff.pk}/", staff)]
    for name, api_path, obj in checks:
        assert client_for(users.judicial).get(reverse(name, args=[obj.pk])).status_code == 200
        assert api_for(users.other_admin).get(f"/api/publicity/{api_path}").status_code == 404
        assert client_for(users.other_admin).get(reverse(name, args=[obj.pk])).status_code == 404
    for name, _, obj in checks[:3]:
        assert client_for(users.mediator_yang).get(reverse(name, args=[obj.pk])).status_code == 404


def test_public_page_lists_held_events_without_personal_data(client, users, tree, make_event):
    make_event(title="反诈宣传", content="联系人电话13800138000")
    make_event(title="咨询电话13700137000宣传", place="王家13600136000")
    services.leader_create(actor=users.judicial, node=tree.liu, name="刘明白", kind=Leader.Kind.LITERATE, phone="13900139000")
    make_event(title="计划中的活动", date=D(2024, 2, 1), reach={}, materials=0, slogans=0)
    body = client.get(reverse("publicity_public:events")).content.decode()
    assert "反诈宣传" in body and "计划中的活动" not in body
    for number in ("13800138000", "13900139000", "13700137000", "13600136000"):
        assert number not in body
    assert "刘明白" not in body and "电话已隐去" in body


def test_event_list_query_count_is_bounded(client_for, users, tree, make_event, django_assert_max_num_queries):
    for i in range(40):
        make_event(title=f"活动{i}", reach={"elderly": i, "youth": 1})
    client = client_for(users.judicial)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("publicity:events") + "?year=2023")
    assert response.status_code == 200 and "第 1 / 2 页" in response.content.decode()
    with django_assert_max_num_queries(15):
        assert client.get(reverse("publicity:calendar")).status_code == 200


def test_record_and_cancel_through_workbench_buttons(client_for, users, tree, make_event):
    from fazhi.core import clock

    plan = make_event(date=D(2024, 1, 3), reach={}, materials=0, slogans=0)
    client = client_for(users.judicial)
    page = client.get(reverse("publicity:event_detail", args=[plan.pk])).content.decode()
    assert "do/record/" not in page  # not offered before the event date (wf.available)
    assert "取消活动" in page and "期限怎么算的" in page
    with clock.frozen(D(2024, 1, 4)):
        page = client.get(reverse("publicity:event_detail", args=[plan.pk])).content.decode()
        assert 'action="/work/publicity/events/%d/do/record/"' % plan.pk in page
        response = client.post(reverse("publicity:event_transition", args=[plan.pk, "record"]),
                               {"version": 0, "materials": "12", "reach_youth": "33"})
        assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "held" and plan.materials == 12


def test_stale_edit_gives_409_and_message(client_for, users, tree, make_event):
    event = make_event()
    client = client_for(users.judicial)
    data = {"title": "新名称", "date": "2023-03-15", "place": "广场", "target": "village", "organiser_text": "村委会",
            "reach_elderly": "5", "version": "0"}
    assert client.post(reverse("publicity:event_edit", args=[event.pk]), data).status_code == 302
    response = client.post(reverse("publicity:event_edit", args=[event.pk]), data | {"title": "再改"})
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()


def test_todos_for_key_dates_and_overdue_records(users, tree, make_event):
    from fazhi.core import clock
    from fazhi.core.todos import todos_for

    with clock.frozen(D(2024, 3, 1)):
        labels = [t.label for t in todos_for(users.judicial)]
        assert any("宣传节点尚无活动计划" in label for label in labels)
        make_event(date=D(2024, 3, 8), reach={}, materials=0, slogans=0, key_date=__import__("fazhi.publicity.models", fromlist=["KeyDate"]).KeyDate.objects.get(code="womens_day"))
        make_event(date=D(2024, 3, 15), reach={}, materials=0, slogans=0, key_date=__import__("fazhi.publicity.models", fromlist=["KeyDate"]).KeyDate.objects.get(code="consumer_day"))
        make_event(date=D(2024, 3, 5), reach={}, materials=0, slogans=0, key_date=__import__("fazhi.publicity.models", fromlist=["KeyDate"]).KeyDate.objects.get(code="lei_feng"))
        assert not any("宣传节点尚无活动计划" in t.label for t in todos_for(users.judicial))
    with clock.frozen(D(2024, 3, 20)):
        overdue = [t for t in todos_for(users.judicial) if t.level == "danger"]
        assert overdue and overdue[0].count == 2  # 3.5 and 3.8 plans past their 5-working-day limit
        from django.test import Client

        c = Client()
        c.force_login(users.judicial)
        body = c.get(overdue[0].url).content.decode()
        assert "共 2 条" in body and "已超期" in body
        assert [t for t in todos_for(users.mediator) if t.level == "danger"][0].count == 2  # events are in 刘家村
        assert not [t for t in todos_for(users.mediator_yang) if "普法" in t.label]


def test_calendar_shows_coming_and_past_key_dates(client_for, users, make_event):
    from fazhi.core import clock
    from fazhi.publicity.models import KeyDate

    kd = KeyDate.objects.get(code="constitution_day")
    make_event(key_date=kd, date=D(2023, 12, 4), title="宪法日宣传")
    with clock.frozen(D(2024, 5, 20)):
        body = client_for(users.judicial).get(reverse("publicity:calendar")).content.decode()
    coming, past = body.split('id="past"')
    assert "6月禁毒宣传月" in coming and "6.1国际儿童节" in coming and "端午节" in coming
    assert "12.4国家宪法日" in past and "宪法日宣传" in past


def test_upload_views_keep_csrf_and_refuse_huge_photos(users, tree, settings, client_for):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(users.judicial)
    assert post_event(csrf_client, tree.liu).status_code == 403
    assert Event.objects.count() == 0
    settings.FAZHI = settings.FAZHI | {"UPLOAD_MAX_BYTES": 2000}
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * 50_000, "image/png")
    response = post_event(client_for(users.judicial), tree.liu, photo=big)
    assert response.status_code == 413 and "过大" in response.content.decode()
    assert Event.objects.count() == 0


def test_key_dates_are_data_kept_by_administrators(client_for, users):
    from fazhi.core import clock
    from fazhi.core.todos import todos_for
    from fazhi.publicity.models import KeyDate

    assert client_for(users.judicial).get(reverse("publicity:key_dates")).status_code == 403
    admin = client_for(users.admin)
    assert "春节" in admin.get(reverse("publicity:key_dates")).content.decode()
    response = admin.post(reverse("publicity:key_date_create"), {"code": "anti_fraud", "name": "反诈宣传日", "theme": "反电信网络诈骗法",
                                                                 "calendar": "solar", "month": "2", "day": "30", "duration_days": "1"})
    assert response.status_code == 400 and "月、日" in response.content.decode()
    response = admin.post(reverse("publicity:key_date_create"), {"code": "anti_fraud", "name": "反诈宣传日", "theme": "反电信网络诈骗法",
                                                                 "calendar": "solar", "month": "6", "day": "15", "duration_days": "1"})
    assert response.status_code == 302 and KeyDate.objects.get(code="anti_fraud").start_in(2024) == D(2024, 6, 15)
    spring = KeyDate.objects.get(code="spring_festival")
    with clock.frozen(D(2028, 10, 8)):
        assert any("农历节日" in t.label for t in todos_for(users.admin))
    admin.post(reverse("publicity:key_date_lunar", args=[spring.pk]), {"year": "2029", "date": "2029-02-13"})
    spring.refresh_from_db()
    assert spring.start_in(2029) == D(2029, 2, 13)
    with pytest.raises(DomainError):
        services.key_date_set_lunar(actor=users.judicial, key_date=spring, year=2030, date="2030-02-03")


def test_site_edit_with_version(client_for, users, tree):
    site = services.site_create(actor=users.judicial, node=tree.yang, name="主题公园", kind="主题公园", established_on=D(2023, 9, 1))
    client = client_for(users.judicial)
    data = {"name": "交通安全主题公园", "kind": "主题公园", "established_on": "2023-09-01", "investment": "105000",
            "population_served": "61200", "version": "0"}
    assert client.post(reverse("publicity:site_edit", args=[site.pk]), data).status_code == 302
    assert client.post(reverse("publicity:site_edit", args=[site.pk]), data | {"population_served": "-1", "version": "1"}).status_code == 400
    assert client.post(reverse("publicity:site_edit", args=[site.pk]), data).status_code == 409
    site.refresh_from_db()
    assert site.population_served == 61200 and site.version == 1
    assert client_for(users.mediator).get(reverse("publicity:site_edit", args=[site.pk])).status_code == 404


def test_other_lists_query_count_is_bounded(client_for, users, tree, django_assert_max_num_queries):
    people = [services.leader_create(actor=users.judicial, node=tree.liu if i % 2 else tree.yang, name=f"人{i}", kind=Leader.Kind.LITERATE)
              for i in range(30)]
    for i in range(3):
        services.leader_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 5, 1 + i), topic=f"培训{i}", attendees=people)
        services.study_session_create(actor=users.office, node=tree.sub, kind="study", date=D(2023, 4, 1 + i), topic="学法", speaker="书记",
                                      attendees=[users.leader, users.office], attendee_names="班子")
        services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 3, 1 + i), title="培训",
                                       attendance=[{"user": users.officer, "hours": 2}, {"user": users.officer2, "hours": 2}])
        services.site_create(actor=users.judicial, node=tree.liu, name=f"阵地{i}", kind="宣传栏", established_on=D(2023, 1, 1 + i))
    client = client_for(users.judicial)
    for name in ["publicity:leaders", "publicity:leader_trainings", "publicity:study", "publicity:staff_trainings", "publicity:sites",
                 "publicity:figures"]:
        with django_assert_max_num_queries(40 if name == "publicity:figures" else 15):
            assert client.get(reverse(name)).status_code == 200


def test_leader_registry_edit_and_removal_keeps_training_history(client_for, users, tree):
    from fazhi.core import figures

    leader = services.leader_create(actor=users.judicial, node=tree.liu, name="刘明白", kind=Leader.Kind.LITERATE, registered_on=D(2023, 1, 2))
    services.leader_training_create(actor=users.judicial, node=tree.liu, date=D(2023, 5, 1), topic="培训", attendees=[leader])
    client = client_for(users.judicial)
    data = {"name": "刘明白", "kind": "leader", "gender": "女", "position": "村干部", "phone": "12345"}
    response = client.post(reverse("publicity:leader_edit", args=[leader.pk]), data)
    assert response.status_code == 400 and "电话号码格式不正确" in response.content.decode()
    assert client.post(reverse("publicity:leader_edit", args=[leader.pk]), data | {"phone": ""}).status_code == 302
    leader.refresh_from_db()
    assert leader.kind == "leader" and not leader.is_active
    page = client.get(reverse("publicity:leader_detail", args=[leader.pk])).content.decode()
    assert "已移出名册" in page and "移出名册" in page
    year = (D(2023, 1, 1), D(2023, 12, 31))
    assert leader.removed_on == D(2023, 12, 31)
    assert figures.compute("publicity.leaders_registered", tree.sub, *year) == 0  # removed on 12-31
    assert figures.compute("publicity.leaders_registered", tree.sub, D(2023, 1, 1), D(2023, 12, 30)) == 1
    assert figures.compute("publicity.leaders_trained", tree.sub, *year) == 1
    assert client_for(users.mediator).get(reverse("publicity:leader_edit", args=[leader.pk])).status_code == 403
    assert client_for(users.mediator_yang).get(reverse("publicity:leader_edit", args=[leader.pk])).status_code == 404
