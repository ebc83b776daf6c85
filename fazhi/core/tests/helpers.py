"""Pieces the tests share: PostgreSQL-only tests, a committed org tree for threads, a first district administrator
on the API and the onboarding checklist as the API gives it."""
import pytest
from django.db import connection, transaction

from fazhi.core import services
from fazhi.core.roles import Role

STRONG = "Xinjie-2024-ok"  # a password the account rules accept


def postgres_only(test):
    """A test of PostgreSQL's own behaviour (row locks, triggers, concurrent writers): on a transactional database
    (the rows data migrations seed restored after it), skipped when the suite runs on SQLite."""
    marks = (pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True),
             pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL 专项：SQLite 运行时跳过，PostgreSQL 运行时执行"))
    for mark in marks:
        test = mark(test)
    return test


def committed_subdistrict(district_name: str, name: str):
    """A new district with one subdistrict, committed (other connections, a test's threads, see them)."""
    with transaction.atomic():
        district = services.org_node_create(actor="测试", parent=None, name=district_name, check_scope=False)
        return services.org_node_create(actor="测试", parent=district, name=name, check_scope=False)


def first_district_admin(api_for, district_name: str):
    """An empty tree's first district and its administrator ``qu_admin``: (district, admin, the admin's API client)."""
    district = services.org_node_create(actor="测试", parent=None, name=district_name, check_scope=False)
    admin = services.user_create(actor="测试", username="qu_admin", full_name="区管理员", password=STRONG,
                                 memberships=[(district, Role.ADMIN)])
    return district, admin, api_for(admin)


def checklist(api, node, module: str) -> dict:
    """The onboarding checklist of ``node`` through the API: one module's items by label."""
    r = api.get(f"/api/core/nodes/{node}/onboarding/")
    assert r.status_code == 200
    return {i["label"]: i for i in r.json()["items"] if i["module"] == module}


def open_sheet(data: bytes):
    """An exported .xlsx as (workbook, its first sheet, the header row's values)."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    return wb, ws, [c.value for c in ws[1]]


def sheet_bytes(wb) -> bytes:
    """A workbook saved to bytes, as an upload."""
    import io

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
