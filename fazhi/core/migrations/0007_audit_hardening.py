"""Audit hardening: events are appended pending (seq null) and sealed into the hash chain right after commit
(see fazhi/core/audit.py); a per-field digest snapshot of the audited record (``state``); on PostgreSQL the
append-only trigger lets exactly one UPDATE through — sealing a pending event, content unchanged — and TRUNCATE of
the audit tables is refused, as is deleting or rewinding a chain head."""
from django.db import migrations, models

CREATE = r"""
CREATE OR REPLACE FUNCTION core_auditevent_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND OLD.hash = '' AND NEW.hash <> ''
       AND NEW.id = OLD.id AND NEW.chain = OLD.chain AND NEW.at = OLD.at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.actor_label = OLD.actor_label AND NEW.ip = OLD.ip
       AND NEW.action = OLD.action AND NEW.action_label = OLD.action_label AND NEW.object_type = OLD.object_type
       AND NEW.object_id = OLD.object_id AND NEW.object_repr = OLD.object_repr
       AND NEW.node_id IS NOT DISTINCT FROM OLD.node_id AND NEW.changes = OLD.changes AND NEW.reason = OLD.reason
       AND NEW.is_public = OLD.is_public THEN
        RETURN NEW;  -- sealing a pending event
    END IF;
    RAISE EXCEPTION '审计事件不可修改或删除（audit events are append-only）';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION core_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    -- Django's test runner empties tables with TRUNCATE between transactional tests; only test_* databases.
    IF left(current_database(), 5) = 'test_' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计表不可清空（audit tables cannot be truncated）';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION core_auditchainhead_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.chain = OLD.chain AND NEW.last_seq >= OLD.last_seq THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '审计链头不可删除或回退（audit chain heads only move forward）';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_no_truncate();
DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;
CREATE TRIGGER core_auditchainhead_no_truncate BEFORE TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_no_truncate();
DROP TRIGGER IF EXISTS core_auditchainhead_guard ON core_auditchainhead;
CREATE TRIGGER core_auditchainhead_guard BEFORE UPDATE OR DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION core_auditchainhead_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_auditchainhead_guard ON core_auditchainhead;
DROP FUNCTION IF EXISTS core_audit_no_truncate();
DROP FUNCTION IF EXISTS core_auditchainhead_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_security'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='state',
            field=models.JSONField(blank=True, null=True, verbose_name='记录快照'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='序号'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['chain', 'id'], name='audit_pending_idx'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
