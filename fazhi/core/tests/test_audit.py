import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from fazhi.core import audit, audit_guard, services
from fazhi.core.models import AuditChainHead, AuditEvent
from fazhi.core.tests.helpers import committed_subdistrict, postgres_only


def run_verify():
    import io

    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
        return 0, out.getvalue()
    except SystemExit as exc:
        return exc.code, out.getvalue()


def test_every_write_leaves_a_chained_event_with_who_and_what(users, tree):
    audit.seal_all()  # under the test transaction nothing commits, so seal as the on-commit hook would
    events = list(AuditEvent.objects.filter(chain=tree.sub.path).order_by("seq"))
    assert events, "creating the subdistrict's nodes writes events in its chain"
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for prev, current in zip(events, events[1:]):
        assert current.prev_hash == prev.hash
    liu = AuditEvent.objects.get(object_type="core.orgnode", object_id=str(tree.liu.pk), action="create")
    assert liu.changes["name"] == "刘家村"
    assert liu.actor_label == "测试"


def test_chains_are_per_subdistrict(tree):
    chains = set(AuditEvent.objects.values_list("chain", flat=True))
    assert {tree.sub.path, tree.other.path, audit.ROOT_CHAIN} <= chains


def test_verify_passes_on_an_intact_chain(tree):
    code, out = run_verify()
    assert code == 0, out
    assert "审计链完整" in out


def _tamper(sql, params):
    with audit_guard.unlocked(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_update")


def test_verify_names_exactly_the_changed_event(tree):
    audit.seal_all()
    target = AuditEvent.objects.get(object_type="core.orgnode", object_id=str(tree.yang.pk))
    _tamper("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["篡改后的名称", target.pk])
    code, out = run_verify()
    assert code == 1
    assert f"id={target.pk}" in out
    assert f"第 {target.seq} 号" in out
    assert "内容与哈希不符" in out


def test_verify_detects_a_deleted_event(tree):
    audit.seal_all()
    target = AuditEvent.objects.filter(chain=tree.sub.path).order_by("seq")[1]
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    code, out = run_verify()
    assert code == 1
    assert "序号不连续" in out


def test_verify_detects_a_truncated_tail(tree):
    audit.seal_all()
    last = AuditEvent.objects.filter(chain=tree.sub.path).order_by("-seq").first()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    code, out = run_verify()
    assert code == 1
    assert "链尾与链头记录不符" in out


def test_admin_cannot_change_or_delete_events(users, tree, client_for):
    event = AuditEvent.objects.first()
    c = client_for(users.admin)
    users.admin.is_staff = users.admin.is_superuser = True
    users.admin.save()
    c.force_login(users.admin)
    assert c.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code in (302, 403)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    page = c.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert b'name="_save"' not in page.content


@postgres_only
def test_database_refuses_update_and_delete_on_postgres():
    with transaction.atomic():
        node = services.org_node_create(actor="测试", parent=None, name="区", check_scope=False)
    event = AuditEvent.objects.get(object_id=str(node.pk), object_type="core.orgnode")
    from django.db import DatabaseError

    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


@postgres_only
def test_parallel_writers_leave_a_chain_that_verifies():
    sub = committed_subdistrict("并发区", "并发街道")
    errors = []

    def writer(n):
        from django.db import connections

        try:
            for i in range(15):
                with transaction.atomic():
                    audit.record(actor="并发测试", action="update", object_type="test.thing", object_id=f"{n}-{i}", node=sub)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.filter(chain=sub.path, object_type="test.thing").count() == 90
    head = AuditChainHead.objects.get(chain=sub.path)
    assert head.last_seq == AuditEvent.objects.filter(chain=sub.path).count()
    code, out = run_verify()
    assert code == 0, out
