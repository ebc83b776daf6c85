"""Core of personal-number protection: the cipher and keyed hash (fazhi/core/personal.py) and the SQLite audit guard
(fazhi/core/audit_guard.py)."""
import base64
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from fazhi.core import audit, audit_guard, personal, services
from fazhi.core.models import AuditEvent


@pytest.fixture
def data_key(settings):
    settings.FAZHI_DATA_KEY = base64.b64encode(b"k" * 64).decode()
    personal.reset_keys()
    yield settings
    personal.reset_keys()


def test_cipher_round_trip_is_authenticated_and_keyed(data_key):
    stored = personal.encrypt("370305199001011237")
    assert stored.startswith("p1:") and "370305199001011237" not in stored
    assert personal.decrypt(stored) == "370305199001011237"
    assert personal.encrypt("") == "" and personal.decrypt("13900001111") == "13900001111"  # legacy plain text
    tampered = stored[:-2] + ("A" if stored[-2] != "A" else "B") + stored[-1]
    assert personal.decrypt(tampered) == personal.UNREADABLE
    digest = personal.blind_index("370305199001011237")
    data_key.FAZHI_DATA_KEY = base64.b64encode(b"z" * 64).decode()
    personal.reset_keys()
    assert personal.decrypt(stored) == personal.UNREADABLE  # another key cannot read it
    assert personal.blind_index("370305199001011237") != digest  # nor find it


def test_keyed_hash_ignores_spacing_dashes_case_and_full_width(data_key):
    h = personal.blind_index("37030519900101123X")
    assert h == personal.blind_index("370305 19900101 123x") == personal.blind_index("３７０３０５１９９００１０１１２３Ｘ")
    assert personal.blind_index("139-1234-5678") == personal.blind_index("13912345678")
    assert personal.blind_index("") == ""


def test_short_key_is_refused(settings):
    settings.FAZHI_DATA_KEY = "short"
    personal.reset_keys()
    try:
        with pytest.raises(RuntimeError, match="至少 32 字节"):
            personal.encrypt("13900001111")
    finally:
        personal.reset_keys()


def test_development_key_file_is_private(settings, tmp_path):
    settings.FAZHI_DATA_KEY = None
    settings.FAZHI_DATA_KEY_FILE = str(tmp_path / "data.key")
    personal.reset_keys()
    try:
        stored = personal.encrypt("13900001111")
        assert (tmp_path / "data.key").stat().st_mode & 0o777 == 0o600
        personal.reset_keys()
        assert personal.decrypt(stored) == "13900001111"  # the same key is read back
    finally:
        personal.reset_keys()


def test_masks():
    assert personal.mask("370305199001011237", "id") == "3703**********1237"
    assert personal.mask("13912345678", "phone") == "139****5678"
    assert personal.mask("", "id") == ""


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted_on_this_database(tree):
    """On SQLite the guard triggers (migration core 0008), on PostgreSQL those of 0002/0007."""
    assert audit.seal_all()  # chain heads exist, events sealed (sealing is the one UPDATE let through)
    event = AuditEvent.objects.filter(seq__isnull=False).first() or AuditEvent.objects.first()
    assert event is not None
    assert audit_guard.expected_triggers(connection) <= audit_guard.installed_triggers(connection)
    for sql in ("UPDATE core_auditevent SET object_repr = 'x' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    with pytest.raises(DatabaseError, match="only move forward"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditchainhead SET last_seq = 0")
    services.org_node_create(actor="测试", parent=tree.sub, name="新村", check_scope=False)  # appending still works
    assert AuditEvent.objects.filter(object_repr__contains="新村").exists()


@pytest.mark.django_db
def test_verify_audit_reports_a_missing_guard_trigger(tree):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite 专项：PostgreSQL 的触发器由 test_audit_hardening 检查")
    out = io.StringIO()
    call_command("verify_audit", "--no-anchors", stdout=out)
    assert "保护触发器齐全" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER core_auditevent_no_update")  # rolled back with the test's transaction
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_audit", "--no-anchors", stdout=out)
    assert "保护触发器缺失：core_auditevent_no_update" in out.getvalue()
