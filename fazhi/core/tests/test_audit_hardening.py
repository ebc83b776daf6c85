"""Tamper evidence beyond the log: record snapshots, anchors outside the database, file re-hashing, and writers
that do not wait behind a long transaction."""
import base64
import io
import json
import os
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from fazhi.core import audit, audit_guard, files, services
from fazhi.core.models import AuditChainHead, AuditEvent, OrgNode
from fazhi.core.tests.helpers import committed_subdistrict, postgres_only
from fazhi.core.tests.test_views import PNG, _store

KEY = base64.b64encode(b"k" * 32).decode()


def run_verify(*args):
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
        return 0, out.getvalue()
    except SystemExit as exc:
        return exc.code, out.getvalue()


def _raw(sql, params=()):
    with audit_guard.unlocked(), connection.cursor() as cursor:  # SQLite: the guard function opened (tests only)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # a superuser bypassing the triggers
        cursor.execute(sql, params)


@pytest.fixture
def anchored(tmp_path):
    with override_settings(FAZHI_ANCHOR_LOG=str(tmp_path / "anchors.log"), FAZHI_ANCHOR_KEY=KEY):
        yield tmp_path / "anchors.log"


def test_sealing_snapshots_the_record_and_verify_records_passes_when_untouched(tree):
    audit.seal_all()
    event = AuditEvent.objects.filter(object_type="core.orgnode", object_id=str(tree.liu.pk)).order_by("-seq").first()
    assert event.seq and event.hash and set(event.state) >= {"name", "parent", "path"}
    assert "刘家村" not in json.dumps(event.state, ensure_ascii=False), "digests, not a copy of the values"
    code, out = run_verify("--records")
    assert code == 0, out
    assert "记录核对通过" in out


def test_raw_sql_edit_of_a_record_is_reported(tree):
    audit.seal_all()
    _raw("UPDATE core_orgnode SET name = %s WHERE id = %s", ["被改的村", tree.liu.pk])
    code, out = run_verify("--records")
    assert code == 1
    assert f"core.orgnode #{tree.liu.pk}" in out and "name" in out and "在平台之外被改动" in out
    assert f"#{tree.yang.pk}（" not in out, "only the changed row is reported"


def test_a_row_deleted_outside_the_platform_is_reported(tree):
    audit.seal_all()
    grid = tree.liu1
    _raw("DELETE FROM core_orgnode WHERE id = %s", [grid.pk])
    code, out = run_verify("--records")
    assert code == 1 and f"core.orgnode #{grid.pk}" in out and "已从数据库中消失" in out


def test_a_change_through_the_platform_is_not_reported(tree):
    audit.seal_all()
    with transaction.atomic():
        _rename_through_platform(tree.liu)
    audit.seal_all()
    code, out = run_verify("--records")
    assert code == 0, out


def _rename_through_platform(node):
    node.name = "刘家社区"
    node.save()
    audit.record(actor="测试", action="update", obj=node, changes={"name": ["刘家村", "刘家社区"]})


def test_truncating_both_audit_tables_is_reported_by_the_anchor(tree, anchored):
    entries = audit.anchor()
    assert {e["chain"] for e in entries} >= {tree.sub.path, audit.ROOT_CHAIN}
    assert run_verify()[0] == 0
    _raw("DELETE FROM core_auditevent")
    _raw("DELETE FROM core_auditchainhead")
    code, out = run_verify()
    assert code == 1
    assert "审计链完整" in out, "the chains alone look consistent (empty)…"
    assert "已不在数据库中" in out and tree.sub.path in out, "…but the anchors outside the database do not"


def test_a_recomputed_chain_is_reported_by_the_anchor(tree, anchored):
    audit.anchor()
    events = list(AuditEvent.objects.filter(chain=tree.sub.path).order_by("seq"))
    target = events[2]
    prev = events[1].hash
    for ev in events[2:]:  # rewrite one event and re-hash everything after it, as a superuser could
        if ev.pk == target.pk:
            ev.object_repr = "改写的事件"
        ev.prev_hash = prev
        ev.hash = prev = audit.compute_hash(**{f: getattr(ev, f) for f in audit.HASH_FIELDS})
        _raw("UPDATE core_auditevent SET object_repr = %s, prev_hash = %s, hash = %s WHERE id = %s",
             [ev.object_repr, ev.prev_hash, ev.hash, ev.pk])
    _raw("UPDATE core_auditchainhead SET last_hash = %s WHERE chain = %s", [prev, tree.sub.path])
    code, out = run_verify()
    assert code == 1
    assert "审计链完整" in out
    assert "哈希与锚点不符" in out and "审计链被重算" in out


def test_a_forged_anchor_line_is_reported(tree, anchored):
    audit.anchor()
    lines = anchored.read_text().splitlines()
    forged = json.loads(lines[0])
    forged["hash"] = "f" * 64
    anchored.write_text("\n".join(lines + [json.dumps(forged)]) + "\n")
    code, out = run_verify()
    assert code == 1 and "签名无效" in out


def test_anchor_key_file_is_private_and_outside_the_database(tmp_path, tree):
    with override_settings(FAZHI_ANCHOR_LOG=str(tmp_path / "a.log"), FAZHI_ANCHOR_KEY_FILE=str(tmp_path / "anchor.key")):
        os.environ.pop("FAZHI_ANCHOR_KEY", None)
        out = io.StringIO()
        call_command("anchor_audit", stdout=out)
        assert "已锚定" in out.getvalue()
        assert oct(os.stat(tmp_path / "anchor.key").st_mode & 0o777) == "0o600"
        assert (tmp_path / "a.log").read_text().count("\n") == AuditChainHead.objects.count()


def test_a_tampered_file_is_refused_with_a_chinese_409_and_an_alert(users, tree, client_for, tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        stored = _store(tree.liu1, tree.liu1, users.grid)
        url = f"/files/{stored.uuid}/"
        assert client_for(users.grid).get(url).status_code == 200
        blob = files.blob_path(stored.sha256)
        os.chmod(blob, 0o644)
        blob.write_bytes(PNG + b"tampered")
        response = client_for(users.grid).get(url)
    assert response.status_code == 409
    page = response.content.decode()
    assert "文件暂不能提供" in page and "SHA-256" in page
    alert = AuditEvent.objects.get(action="integrity_alert")
    assert alert.changes["sha256"] == stored.sha256 and alert.changes["actual_sha256"] != stored.sha256


@postgres_only
def test_a_writer_does_not_wait_behind_a_long_transaction_holding_audit_events():
    sub = committed_subdistrict("长事务区", "长事务街道")
    long_has_written, release, waits, errors = threading.Event(), threading.Event(), [], []

    def long_import():
        from django.db import connections
        try:
            with transaction.atomic():
                for i in range(200):
                    audit.record(actor="导入", action="import", object_type="test.row", object_id=f"imp-{i}", node=sub)
                long_has_written.set()
                release.wait(10)  # an import still working, its audit events uncommitted
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connections.close_all()

    def clerk(n):
        from django.db import connections
        try:
            long_has_written.wait(10)
            started = time.monotonic()
            with transaction.atomic():
                node = OrgNode.objects.get(pk=sub.pk)
                audit.record(actor="办事员", action="update", obj=node, changes={"n": n})
            waits.append(time.monotonic() - started)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connections.close_all()

    importer = threading.Thread(target=long_import)
    importer.start()
    clerks = [threading.Thread(target=clerk, args=(n,)) for n in range(4)]
    for t in clerks:
        t.start()
    for t in clerks:
        t.join(15)
    release.set()
    importer.join(15)
    assert not errors
    assert len(waits) == 4 and max(waits) < 1.0, waits
    assert AuditEvent.objects.filter(chain=sub.path, seq__isnull=True).count() == 0, "all sealed after commit"
    assert AuditEvent.objects.filter(chain=sub.path, object_type="test.row").count() == 200
    code, out = run_verify("--records")
    assert code == 0, out


@postgres_only
def test_postgres_refuses_truncate_and_rewinding_a_chain_head_outside_test_databases():
    from django.db import DatabaseError

    with transaction.atomic():
        services.org_node_create(actor="测试", parent=None, name="区", check_scope=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditevent'::regclass AND NOT tgisinternal")
        assert {"core_auditevent_no_update", "core_auditevent_no_truncate"} <= {r[0] for r in cursor.fetchall()}
    with pytest.raises(DatabaseError, match="只能前进|only move forward|回退"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditchainhead SET last_seq = 0")
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditchainhead")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET hash = 'x' WHERE seq IS NOT NULL")
