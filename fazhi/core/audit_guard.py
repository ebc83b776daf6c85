"""The audit tables are append-only on SQLite too (as the PostgreSQL triggers of migrations 0002/0007 make them).

SQLite has no stored procedures, so its triggers call ``fazhi_audit_unlocked()``, a function each Django connection
registers: it answers 0, so an UPDATE that is not the sealing of a pending event, any DELETE of an audit event and
deleting or rewinding a chain head are refused. A connection that has not registered it (the sqlite3 shell, another
program) fails on the same statements with "no such function" — closed, not open. Only ``unlocked()`` — the test
runner emptying tables between transactional tests, tests that simulate tampering — opens it, for this process.
"""
from __future__ import annotations

import contextlib
import threading

from django.db.backends.signals import connection_created

_state = threading.local()

SEALING = """(OLD.seq IS NULL AND NEW.seq IS NOT NULL AND OLD.hash = '' AND NEW.hash <> ''
    AND NEW.id = OLD.id AND NEW.chain = OLD.chain AND NEW.at = OLD.at AND NEW.actor_id IS OLD.actor_id
    AND NEW.actor_label = OLD.actor_label AND NEW.ip = OLD.ip AND NEW.action = OLD.action
    AND NEW.action_label = OLD.action_label AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
    AND NEW.object_repr = OLD.object_repr AND NEW.node_id IS OLD.node_id AND NEW.changes = OLD.changes
    AND NEW.reason = OLD.reason AND NEW.is_public = OLD.is_public)"""

TRIGGERS = {
    "core_auditevent_no_update": f"""CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
        WHEN NOT fazhi_audit_unlocked() AND NOT {SEALING}
        BEGIN SELECT RAISE(ABORT, '审计事件不可修改或删除（audit events are append-only）'); END""",
    "core_auditevent_no_delete": """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
        WHEN NOT fazhi_audit_unlocked()
        BEGIN SELECT RAISE(ABORT, '审计事件不可修改或删除（audit events are append-only）'); END""",
    "core_auditchainhead_guard": """CREATE TRIGGER IF NOT EXISTS core_auditchainhead_guard BEFORE UPDATE ON core_auditchainhead
        WHEN NOT fazhi_audit_unlocked() AND NOT (NEW.chain = OLD.chain AND NEW.last_seq >= OLD.last_seq)
        BEGIN SELECT RAISE(ABORT, '审计链头不可删除或回退（audit chain heads only move forward）'); END""",
    "core_auditchainhead_no_delete": """CREATE TRIGGER IF NOT EXISTS core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead
        WHEN NOT fazhi_audit_unlocked()
        BEGIN SELECT RAISE(ABORT, '审计链头不可删除或回退（audit chain heads only move forward）'); END""",
}


def _unlocked() -> int:
    return 1 if getattr(_state, "depth", 0) else 0


@contextlib.contextmanager
def unlocked():
    """Let this thread's connections change the audit tables (tests only: flush, simulated tampering)."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1


def register_function(sender=None, connection=None, **kwargs) -> None:
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function("fazhi_audit_unlocked", 0, _unlocked)


def install(schema_editor) -> None:
    for sql in TRIGGERS.values():
        schema_editor.execute(sql)


def uninstall(schema_editor) -> None:
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def installed_triggers(connection) -> set[str]:
    """The guard triggers present in the database (for verify_audit and the tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def expected_triggers(connection) -> set[str]:
    if connection.vendor == "sqlite":
        return set(TRIGGERS)
    return {"core_auditevent_no_update", "core_auditevent_no_truncate", "core_auditchainhead_guard"}


connection_created.connect(register_function, dispatch_uid="fazhi_audit_guard")
