"""Personal numbers of parties (PIPL 第五十一条): encrypted at rest, found by keyed hash, masked on staff pages and in
the API, shown in full only through an audited "显示" with a reason, pseudonymised after the retention period."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from fazhi.core import clock, personal
from fazhi.core.models import AuditEvent
from fazhi.core.retention import RetentionRule
from fazhi.disputes import selectors, services
from fazhi.disputes.models import Dispute, Party

from . import factories as f

pytestmark = pytest.mark.django_db


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_numbers_are_stored_encrypted_and_read_back_plain(tree, users):
    d = f.dispute(users.clerk, tree, contact="13912345678")
    p = d.parties.get(role="applicant")
    stored_id, stored_phone, id_hash = _raw("SELECT id_number, phone, id_number_hash FROM disputes_party WHERE id = %s",
                                            [p.pk])
    assert p.id_number and p.id_number not in stored_id and stored_id.startswith("p1:")
    assert "13912345678" not in stored_phone and stored_phone.startswith("p1:")
    assert len(id_hash) == 64 and p.id_number not in id_hash
    (contact,) = _raw("SELECT contact_phone FROM disputes_dispute WHERE id = %s", [d.pk])
    assert "13912345678" not in contact
    assert Party.objects.get(pk=p.pk).id_number == p.id_number  # the application reads the plain number


def test_exact_match_search_and_duplicate_detection_still_work(tree, users, client_for):
    id_number = f.id_number(901)
    first = f.dispute(users.clerk, tree, contact="13900009011")
    services.party_add(actor=users.clerk, dispute=first, version=first.version, role="respondent", name="王五",
                       id_number=id_number)
    second = f.dispute(users.clerk, tree, contact="13900009012", respondent="")
    services.party_add(actor=users.clerk, dispute=second, version=Dispute.objects.get(pk=second.pk).version,
                       role="respondent", name="王五", id_number=id_number)
    second.refresh_from_db()
    assert second.is_flagged and any(first.tracking_code in r for r in second.risk_reasons)  # repeat party found
    assert Party.objects.filter(personal.match("id_number", id_number)).count() == 2
    spaced = f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}"
    assert Party.objects.filter(personal.match("id_number", spaced)).count() == 2
    assert selectors.dispute_track(code=first.tracking_code, phone="13900009011").pk == first.pk
    assert selectors.dispute_track(code=first.tracking_code, phone="13900009012") is None
    listed = client_for(users.clerk).get("/work/disputes/", {"q": spaced}).content.decode()
    assert first.tracking_code in listed and second.tracking_code in listed  # the list's search box finds the party
    assert selectors.dispute_list(user=users.clerk, filters={"q": "13900009011"}).get() == first
    assert not selectors.dispute_list(user=users.other_clerk, filters={"q": id_number}).exists()  # still scoped
    with pytest.raises(Exception, match="personal.match"):
        list(Party.objects.filter(id_number=id_number))  # a plain lookup would silently find nothing: refused


def test_detail_page_masks_numbers_and_the_audited_show_reveals_them(tree, users, client_for):
    d = f.dispute(users.clerk, tree, contact="13912345678")
    p = d.parties.get(role="applicant")
    page = client_for(users.clerk).get(f"/work/disputes/{d.pk}/").content.decode()
    assert p.id_number not in page and "13912345678" not in page
    assert personal.mask(p.id_number, "id") in page and "139****5678" in page and "查看理由" in page
    before = AuditEvent.objects.filter(action="reveal_personal").count()
    r = client_for(users.clerk).post("/work/core/personal/reveal/",
                                     {"target": "disputes.party", "id": p.pk, "reason": "电话联系当事人", "field": "id_number"},
                                     HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and p.id_number in r.content.decode() and r["Cache-Control"] == "no-store"
    event = AuditEvent.objects.filter(action="reveal_personal").latest("id")
    assert AuditEvent.objects.filter(action="reveal_personal").count() == before + 1
    assert event.actor_id == users.clerk.pk and event.reason == "电话联系当事人"
    assert event.object_id == str(d.pk) and p.name in event.changes["对象"]
    assert p.id_number not in str(event.changes)  # the log says who saw whose number, not the number


def test_show_needs_a_reason_the_permission_and_the_scope(tree, users, client_for):
    d = f.dispute(users.clerk, tree)
    p = d.parties.get(role="applicant")
    body = {"target": "disputes.party", "id": p.pk, "reason": "核对身份"}
    assert client_for(users.clerk).post("/work/core/personal/reveal/", {**body, "reason": ""}).status_code == 302
    page = client_for(users.leader).get(f"/work/disputes/{d.pk}/").content.decode()
    assert p.id_number not in page and "查看理由" not in page  # the leader sees the case, masked, no 显示
    assert client_for(users.leader).post("/work/core/personal/reveal/", body).status_code == 403
    assert client_for(users.other_clerk).post("/work/core/personal/reveal/", body).status_code == 404
    assert client_for(users.clerk).post("/work/core/personal/reveal/", {**body, "target": "core.user"}).status_code == 404
    assert not AuditEvent.objects.filter(action="reveal_personal").exists()


def test_api_masks_numbers_unless_revealed_with_a_reason(tree, users, api_for):
    d = f.dispute(users.clerk, tree, contact="13912345678")
    p = d.parties.get(role="applicant")
    api = api_for(users.clerk)
    listed = api.get(f"/api/disputes/{d.pk}/").json()
    text = str(listed)
    assert p.id_number not in text and "13912345678" not in text and "139****5678" in text
    r = api.post("/api/core/personal/reveal/", {"object": "disputes.party", "id": p.pk, "reason": "送达文书"},
                 format="json")
    assert r.status_code == 200 and r.json()["numbers"]["身份证号/统一社会信用代码"] == p.id_number
    assert AuditEvent.objects.filter(action="reveal_personal", actor=users.clerk, changes__途径="API").exists()
    assert api.post("/api/core/personal/reveal/", {"object": "disputes.party", "id": p.pk}, format="json").status_code == 400
    assert api_for(users.leader).post("/api/core/personal/reveal/",
                                      {"object": "disputes.party", "id": p.pk, "reason": "看看"}, format="json").status_code == 403


def test_editing_a_party_with_the_masked_number_keeps_the_number(tree, users, client_for):
    d = f.dispute(users.clerk, tree)
    p = d.parties.get(role="applicant")
    d.refresh_from_db()
    r = client_for(users.clerk).post(f"/work/disputes/{d.pk}/parties/{p.pk}/", {
        "version": d.version, "role": "applicant", "kind": "person", "name": "张改名",
        "id_number": personal.mask(p.id_number, "id"), "phone": personal.mask(p.phone, "phone"), "address": ""})
    assert r.status_code == 302, r.content.decode()[:500]
    p2 = Party.objects.get(pk=p.pk)
    assert p2.name == "张改名" and p2.id_number == p.id_number and p2.phone == p.phone


def test_retention_pseudonymises_closed_disputes_after_the_rule_years(tree, users):
    rule = RetentionRule.objects.get(code="disputes.closed")
    old = f.dispute(users.clerk, tree, contact="13900007771", applicant="赵大明",
                    description="赵大明（电话13900007771）与邻居因排水沟争执。")
    recent = f.dispute(users.clerk, tree, contact="13900007772")
    Dispute.objects.filter(pk=old.pk).update(status="closed", closed_on=datetime.date(2019, 5, 1))
    Dispute.objects.filter(pk=recent.pk).update(status="closed", closed_on=clock.today())
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "将去标识化 1 条记录" in out.getvalue() and "试运行" in out.getvalue()
    assert Party.objects.get(dispute=old, role="applicant").name == "赵大明"  # dry run: nothing changed
    assert not AuditEvent.objects.filter(action="pseudonymise").exists()
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "已去标识化 1 条记录" in out.getvalue()
    party = Party.objects.get(dispute=old, role="applicant")
    assert party.name == "赵**" and party.id_number == "" and party.phone == "" and party.id_number_hash == ""
    old.refresh_from_db()
    assert old.contact_phone == "" and "赵大明" not in old.description and "13900007771" not in old.description
    assert Party.objects.get(dispute=recent, role="applicant").id_number  # inside the period: untouched
    event = AuditEvent.objects.get(action="pseudonymise")
    assert event.object_id == str(old.pk) and str(rule.years) in event.reason
    out = io.StringIO()
    call_command("apply_retention", stdout=out)  # run again: nothing left to do
    assert "没有到期的个人信息" in out.getvalue()


def _export_cells(client, header):
    from openpyxl import load_workbook

    r = client.get("/work/ledgers/disputes.mediation/export/")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    headers = [c.value for c in ws[1]]
    return [row[headers.index(header)] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_ledger_export_is_audited_and_masked_without_the_export_permission(tree, users, client_for):
    d = f.dispute(users.clerk, tree, contact="13912345678")
    id_number = d.parties.get(role="applicant").id_number
    assert _export_cells(client_for(users.clerk), "申请人身份证号") == [id_number]  # 矛调中心: may export in full
    event = AuditEvent.objects.filter(action="export_personal").latest("id")
    assert event.actor_id == users.clerk.pk and event.changes["行数"] == 1 and event.changes["完整号码行数"] == 1
    assert "申请人身份证号" in event.changes["个人信息列"]
    assert _export_cells(client_for(users.leader), "联系电话") == ["139****5678"]  # no export permission: masked
    assert _export_cells(client_for(users.leader), "申请人身份证号") == [personal.mask(id_number, "id")]
    event = AuditEvent.objects.filter(action="export_personal").latest("id")
    assert event.actor_id == users.leader.pk and event.changes["完整号码行数"] == 0


def test_downloading_a_document_with_the_parties_numbers_is_audited(tree, users, client_for):
    d = f.dispute(users.clerk, tree)
    r = client_for(users.clerk).get(f"/work/disputes/{d.pk}/documents/application/")
    assert r.status_code == 200
    event = AuditEvent.objects.get(action="export_personal")
    assert event.actor_id == users.clerk.pk and event.object_id == str(d.pk) and event.changes["文书"]


def test_the_data_migration_encrypts_rows_stored_in_plain_text(tree, users):
    """Rows written before encryption (plain text in the column, no hash) are encrypted and hashed by the
    migration's ``encrypt_rows``, and ``decrypt_rows`` (unapplying it) puts the plain text back."""
    d = f.dispute(users.clerk, tree)
    p = d.parties.get(role="applicant")
    with connection.cursor() as cursor:  # the state before migration disputes 0008
        cursor.execute("UPDATE disputes_party SET id_number = %s, phone = %s, id_number_hash = '', phone_hash = '' "
                       "WHERE id = %s", ["370305199001011237", "13900005555", p.pk])
    assert Party.objects.get(pk=p.pk).id_number == "370305199001011237"  # plain text still reads (no prefix)
    assert personal.encrypt_rows(Party, ("id_number", "phone")) >= 1
    stored = _raw("SELECT id_number, phone FROM disputes_party WHERE id = %s", [p.pk])
    assert "370305199001011237" not in stored[0] and "13900005555" not in stored[1]
    assert Party.objects.filter(personal.match("id_number", "370305199001011237")).get().pk == p.pk
    assert personal.encrypt_rows(Party, ("id_number", "phone")) >= 1  # twice: still readable, not double-encrypted
    assert Party.objects.get(pk=p.pk).phone == "13900005555"
    personal.decrypt_rows(Party, ("id_number", "phone"))
    assert _raw("SELECT id_number FROM disputes_party WHERE id = %s", [p.pk])[0] == "370305199001011237"


def test_numbers_pasted_into_the_case_text_are_not_stored_in_plain_text(tree, users):
    """The intake invites pasting a whole complaint; its numbers go to the (encrypted) party fields, and the case's
    own text keeps a placeholder — in the database, on the page and on a later edit."""
    text = "申请人王秀英，电话139 0533 1234，身份证370305197001011118，住刘家村3组，邻居堵塞排水沟。"
    d = f.dispute(users.clerk, tree, description=text, place="刘家村3组（联系13905339999）")
    raw = _raw("SELECT description, place FROM disputes_dispute WHERE id = %s", [d.pk])
    for stored in raw:
        assert "139 0533 1234" not in stored and "370305197001011118" not in stored and "13905339999" not in stored
    assert "［电话已隐去］" in raw[0] and "［身份证号已隐去］" in raw[0] and "邻居堵塞排水沟" in raw[0]
    d = services.dispute_update(actor=users.clerk, dispute=d, version=d.version, description="补充：对方电话13805331111。")
    assert "13805331111" not in _raw("SELECT description FROM disputes_dispute WHERE id = %s", [d.pk])[0]
