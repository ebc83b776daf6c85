"""On PostgreSQL the database itself refuses UPDATE and DELETE on audit events, so not even a direct SQL session
can rewrite history silently (an administrator would have to drop the trigger first, which is itself visible)."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计事件不可修改或删除（audit events are append-only）';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
