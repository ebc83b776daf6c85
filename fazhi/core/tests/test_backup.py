"""Back up, destroy, restore, verify."""
import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings

from fazhi.core import audit, audit_guard, backup, files
from fazhi.core.models import AuditEvent, OrgNode, StoredFile
from fazhi.core.tests.test_views import PNG, _store

KEY = "YmFja3VwLXRlc3Qta2V5LWJhY2t1cC10ZXN0LWtleSE="


@pytest.fixture
def isolated(tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path / "media"), FAZHI_ANCHOR_LOG=str(tmp_path / "anchors.log"),
                           FAZHI_ANCHOR_KEY=KEY):
        yield tmp_path


def _destroy_and_restore(tree, users, isolated):
    stored = _store(tree.liu1, tree.liu1, users.grid)
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("backup", "--dest", str(isolated / "backups"), stdout=out)
    assert "备份完成" in out.getvalue()
    path = next((isolated / "backups").glob("fazhi-*"))
    manifest = json.loads((path / "manifest.json").read_text())
    assert set(manifest["files"]) == {"database", "media"} and manifest["audit_heads"]

    # disaster: rows, audit history and the uploaded blob gone
    with transaction.atomic(), audit_guard.unlocked(), connection.cursor() as cursor:  # SQLite: the guard opened
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM core_storedfile")
        cursor.execute("DELETE FROM core_auditevent")
        cursor.execute("DELETE FROM core_auditchainhead")
        cursor.execute("UPDATE core_orgnode SET name = '损坏' WHERE id = %s", [tree.liu.pk])
    shutil.rmtree(isolated / "media")
    assert run_verify()[0] == 1, "the damage is visible before the restore"

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    out = io.StringIO()
    call_command("restore", str(path), "--yes", stdout=out)
    text = out.getvalue()
    assert "恢复后校验通过" in text and "审计链完整" in text and "记录核对通过" in text
    assert OrgNode.objects.get(pk=tree.liu.pk).name == "刘家村"
    assert AuditEvent.objects.count() == events
    restored = StoredFile.objects.get(pk=stored.pk)
    assert files.blob_path(restored.sha256).read_bytes() == PNG
    assert run_verify()[0] == 0
    return path


def run_verify():
    out = io.StringIO()
    try:
        call_command("verify_audit", "--records", stdout=out)
        return 0, out.getvalue()
    except SystemExit as exc:
        return exc.code, out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_destroy_restore_verify(tree, users, isolated):
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump 不在 PATH 上")
    _destroy_and_restore(tree, users, isolated)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_backup_is_refused(tree, users, isolated):
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump 不在 PATH 上")
    call_command("backup", "--dest", str(isolated / "b"), stdout=io.StringIO())
    path = next((isolated / "b").glob("fazhi-*"))
    with open(path / backup.MEDIA, "ab") as f:
        f.write(b"x")
    with pytest.raises(CommandError, match="SHA-256 与清单不符"):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())


def test_retention_keeps_daily_and_monthly_copies(tmp_path):
    names = ["fazhi-20260101-020000", "fazhi-20260201-020000", "fazhi-20260301-020000", "fazhi-20260302-020000",
             "fazhi-20260303-020000", "fazhi-20260303-120000"]
    for n in names:
        (tmp_path / n).mkdir()
    removed = {p.name for p in backup.prune(tmp_path, keep_daily=2, keep_monthly=2)}
    kept = {p.name for p in tmp_path.iterdir()}
    assert kept == {"fazhi-20260303-120000", "fazhi-20260302-020000", "fazhi-20260201-020000"}
    assert removed == set(names) - kept


def test_sealing_is_idempotent_and_pending_events_never_verify_as_broken(tree):
    assert AuditEvent.objects.filter(seq__isnull=True).exists()
    first = audit.seal_all()
    assert first > 0 and audit.seal_all() == 0
    assert audit.verify()[1] is None
