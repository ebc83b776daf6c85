"""Ledger round trip: export from 稷下街道, import into an empty subdistrict with villages of the same names → same figures."""
import datetime
import io

import pytest

from fazhi.core import clock, figures, ledger
from fazhi.core import services as core_services
from fazhi.core.roles import Role
from fazhi.legalservice import services
from fazhi.legalservice.models import Advisor, ServiceRecord

from . import factories as f

pytestmark = pytest.mark.django_db
Y0, Y1 = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
KEYS = ["legalservice.advisors_fulltime", "legalservice.advisors_village", "legalservice.villages_without_advisor",
        "legalservice.lectures", "legalservice.residents_served", "legalservice.services", "legalservice.services_by_type",
        "legalservice.services_by_village", "legalservice.stations", "legalservice.demonstration_villages",
        "legalservice.demonstration_village_names"]


def test_round_trip(tree, users, legal):
    j = users.judicial
    f.advisor(j, kind=Advisor.Kind.FULLTIME, node=tree.sub, appointed_on=datetime.date(2022, 1, 1))
    for i, (v, adv) in enumerate([(tree.liu, legal.liu), (tree.yang, legal.yang)] * 3):
        f.record(j, v, adv, kind=["lecture", "consultation", "drafting"][i % 3], people=10 + i, date=datetime.date(2023, 1 + i, 3))
    services.station_create(actor=j, node=tree.liu, name="刘家村站", address="刘家村一号", opened_on=datetime.date(2021, 1, 1))
    services.demonstration_village_create(actor=j, node=tree.liu, level="provincial", year=2020)
    before = {k: figures.compute(k, tree.sub, Y0, Y1) for k in KEYS}
    assert before["legalservice.residents_served"] == sum(10 + i for i in range(6))

    new_sub = core_services.org_node_create(actor="测试", parent=tree.district, name="新建街道", check_scope=False)
    for name in ("刘家村", "大杨村"):
        core_services.org_node_create(actor="测试", parent=new_sub, name=name, check_scope=False)
    new_staff = core_services.user_create(actor="测试", username="new_judicial", full_name="新司法", password="x-pass-123",
                                          memberships=[(new_sub, Role.JUDICIAL_STAFF, None)])
    assert all(figures.compute(k, new_sub, Y0, Y1) in (0, {}) for k in KEYS if k != "legalservice.villages_without_advisor")

    with clock.frozen(datetime.date(2024, 2, 1)):
        for key in ("legalservice.advisors", "legalservice.stations", "legalservice.demonstration_villages", "legalservice.services"):
            item = ledger.get(key)
            data = ledger.export_xlsx(item, item.queryset(j, {}))
            dry = ledger.run_import(item, data, actor=new_staff, dry_run=True)
            assert dry.ok, (key, [str(e) for e in dry.errors])
            result = ledger.run_import(item, data, actor=new_staff, dry_run=False)
            assert result.ok and result.imported == dry.total, key
    after = {k: figures.compute(k, new_sub, Y0, Y1) for k in KEYS}
    assert after == before
    # and the original subdistrict is untouched
    assert {k: figures.compute(k, tree.sub, Y0, Y1) for k in KEYS} == before


def test_import_bad_rows_import_nothing(tree, users, legal):
    item = ledger.get("legalservice.services")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in item.import_columns()])
    ws.append(["2023-03-01", "刘家村", "孙立法", legal.liu.licence_number, "普法讲座", "宪法讲座", 50, 2, ""])
    ws.append(["2023-03-02", "刘家村", "孙立法", legal.liu.licence_number, "普法讲座", "宪法讲座", -5, 2, ""])
    ws.append(["2023-03-03", "东齐村", "孙立法", legal.liu.licence_number, "普法讲座", "宪法讲座", 5, 2, ""])
    ws.append(["2023-03-04", "刘家村", "孙立法", "000", "普法讲座", "宪法讲座", 5, 2, ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = ledger.run_import(item, buffer.getvalue(), actor=users.judicial, dry_run=False)
    assert not result.ok and not ServiceRecord.objects.exists()
    text = " ".join(str(e) for e in result.errors)
    assert "第3行" in text and "第4行" in text and "第5行" in text
    assert "东齐村" in text
