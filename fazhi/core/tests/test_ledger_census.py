"""The ledger census (issue 14): every registered ledger, enumerated from the registry, so a new ledger is covered
the day it is registered.

For each ledger a sample is built through the services in the test tree (``SAMPLES``: ledger key → builder and one
editable cell). A ledger that imports is exported as its importer (a user of 稷下街道 holding its ``import_perm``)
and the .xlsx re-imported — dry run and real — as "nothing to do": every row 跳过, no audit event written. Then one
editable cell of one row is changed: exactly one 更新 (the rest 跳过), the record changed, one audit event on it (plus
the import's own summary event). A ledger that does not import must be on ``EXPORT_ONLY`` with its reason."""
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from fazhi.core import clock, ledger
from fazhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2023, 6, 30)

# Ledgers that only export, each with why. A ledger left without ``import_perm`` and not listed here fails the census.
EXPORT_ONLY = {
    "legalservice.consultations": (
        "在线法律咨询是群众本人通过公众网站提交的问题（本人的提问、为此提供的联系方式、是否同意公开为案例），"
        "答复期限自提交时起算，工作人员不能据纸质材料如实重建；当面或电话咨询按“法律咨询”类服务记录"
        "导入法律服务台账（legalservice.services，带原日期）。"),
}
# Ledgers whose import is being built on another branch: export-only until it lands, then checked like any other.
PENDING: dict[str, str] = {}  # a ledger whose import is being built elsewhere: key → why (none now)


@dataclass
class Sample:
    build: Callable  # build(users, tree): records through the services
    header: str | None = None  # the editable cell changed in the first data row …
    value: object = None  # … to this value


# ---- builders: records through each module's services --------------------------------------------------------------

def _grids(users, tree):
    pass  # the tree fixture's grids (刘家村第一网格…) are the sample


def _dispute(users, tree):
    from fazhi.disputes.tests import factories

    factories.dispute(users.clerk, tree, title="借款纠纷", kind_code="contract_debt")


def _subject(users, tree):
    from fazhi.core import services as core_services
    from fazhi.core.models import Unit
    from fazhi.enforcement import services

    unit = core_services.unit_create(actor="测试", node=tree.sub, kind=Unit.Kind.DEPARTMENT, name="综合行政执法办公室")
    return services.subject_save(actor=users.enforcement_head, unit=unit, legal_status="依法赋权的街道综合行政执法机构")


def _power(users, subject):
    from fazhi.enforcement import services

    return services.power_create(actor=users.enforcement_head, subject=subject, code="CF-001", name="对违法搭建的处罚",
                                 power_type="penalty", legal_basis="《城乡规划法》第六十五条")


def _officers(users, subject):
    from fazhi.enforcement import services

    valid = dict(issuing_authority="淄博市人民政府", valid_from=D(2021, 1, 1), valid_until=D(2025, 12, 31))
    return [services.officer_create(actor=users.enforcement_head, subject=subject, user=u, certificate_number=n, **valid)
            for u, n in ((users.officer, "37030001"), (users.officer2, "37030002"))]


def _enforcement_officers(users, tree):
    _officers(users, _subject(users, tree))


def _enforcement_powers(users, tree):
    _power(users, _subject(users, tree))


def _enforcement_case(users, tree):
    """A case decided through the workflow (filed, inspected on video, notified, statement waived, decided): its
    公示日期 is what the ledger may still add."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.core.validators import make_id_number
    from fazhi.enforcement import services as s

    subject = _subject(users, tree)
    o1, o2 = _officers(users, subject)
    officers = [o1.pk, o2.pk]
    s.officer_create(actor=users.enforcement_head, subject=subject, user=users.enforcement_head,
                     certificate_number="37030003", issuing_authority="淄博市人民政府", valid_from=D(2021, 1, 1),
                     valid_until=D(2025, 12, 31))
    case = s.case_create(actor=users.officer, subject=subject, power=_power(users, subject), node=tree.liu,
                         title="违法搭建彩钢棚", party_kind="person", party_name="张三丰",
                         party_id_number=make_id_number("37030519800101123"),
                         facts="当事人未经批准在自家院外搭建彩钢棚约20平方米。", officers=officers)
    case = s.case_transition(actor=users.enforcement_head, case=case, name="approve_filing")
    step = s.step_record(actor=users.officer, case=case, kind="inspection", content="现场检查，彩钢棚约20平方米。",
                         place="刘家村", officers=officers)
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    s.evidence_upload(actor=users.officer, step=step,
                      upload=SimpleUploadedFile("scene.mp4", video, content_type="video/mp4"))
    case = s.case_transition(actor=users.officer, case=case, name="notify", place="执法办", officers=officers,
                             content="告知拟作出的处罚及陈述申辩权。", proposed_fine="500")
    case = s.case_transition(actor=users.officer, case=case, name="record_statement", statement_waived=True)
    s.case_transition(actor=users.enforcement_head, case=case, name="decide", result="penalty", fine_amount="500",
                      decision_text="责令限期拆除，并处罚款500元。", decision_basis="《城乡规划法》第六十五条",
                      discretion_applied="一般情节")


def _advisor(users, tree):
    from fazhi.legalservice.tests import factories

    return factories.advisor(users.judicial, tree.liu)


def _service_record(users, tree):
    from fazhi.legalservice.tests import factories

    factories.record(users.judicial, tree.liu, _advisor(users, tree), date=D(2023, 5, 10))


def _station(users, tree):
    from fazhi.legalservice import services

    services.station_create(actor=users.judicial, node=tree.liu, name="刘家村公共法律服务站", address="刘家村村委会",
                            opening_hours="周一至周五 9:00–17:00", opened_on=D(2022, 1, 1))


def _demonstration_village(users, tree):
    from fazhi.legalservice import services

    services.demonstration_village_create(actor=users.judicial, node=tree.liu, level="district", year=2022)


def _consultation(users, tree):
    from fazhi.legalservice.tests import factories

    factories.consultation(tree.liu)


def _office_hour(users, tree):
    from fazhi.legalservice.tests import factories

    factories.slot(users.judicial, tree.liu, _advisor(users, tree), date=D(2023, 7, 5))


def _event(users, tree):
    from fazhi.publicity import services

    services.event_create(actor=users.judicial, node=tree.liu, title="普法宣传", date=D(2023, 3, 15), place="文化广场",
                          target="community", organiser_text="村委会", key_date=None, materials=10, slogans=1,
                          reach={"elderly": 20, "youth": 10})


def _site(users, tree):
    from fazhi.publicity import services

    services.site_create(actor=users.judicial, node=tree.yang, name="交通安全主题公园", kind="主题公园",
                         established_on=D(2023, 3, 18), investment=105000, population_served=61200)


def _leaders(users, tree):
    from fazhi.publicity import services
    from fazhi.publicity.models import Leader

    return [services.leader_create(actor=users.judicial, node=tree.liu, name=f"明白人{i}", kind=Leader.Kind.LITERATE,
                                   registered_on=D(2023, 1, 3), phone="") for i in range(2)]


def _leader_training(users, tree):
    from fazhi.publicity import services

    services.leader_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 5, 16), topic="培训会",
                                    attendees=_leaders(users, tree), hours=3)


def _study_session(users, tree):
    from fazhi.publicity import services

    services.study_session_create(actor=users.office, node=tree.sub, kind="study", date=D(2023, 3, 3), topic="学法",
                                  speaker="书记", attendees=[users.leader], attendee_names="班子成员")


def _staff_attendance(users, tree):
    from fazhi.publicity import services

    services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 3, 1), title="行政处罚法培训",
                                   attendance=[{"user": users.officer, "hours": 8}])


def _disclosure(users, tree):
    from fazhi.governance.tests import factories

    factories.draft(users, tree, title="待发布的办事指南", category="public_services")


def _request(users, tree):
    from fazhi.governance import services

    services.request_import(actor=users.disclosure, node=tree.sub, applicant_name="某商贸有限公司", phone="13905331234",
                            content="申请公开2022年低保资金发放情况", received_on=D(2023, 3, 1),
                            applicant_type="organisation", organisation_kind="business")


def _document(users, tree):
    from fazhi.governance import services

    services.document_create(actor=users.office, node=tree.sub, title="稷下街道临时救助办法", body="第一条……")


def _decision(users, tree):
    from fazhi.governance import services

    services.decision_create(actor=users.office, node=tree.sub, year=2023, title="老旧小区改造方案", description="",
                             sponsor_unit="城建办")


def _meeting(users, tree):
    from fazhi.governance.tests import factories

    factories.meeting(users, tree, day=D(2023, 3, 1))


SAMPLES = {
    "core.grids": Sample(_grids, "网格编码", "JX-LJ-01"),
    "disputes.mediation": Sample(_dispute, "事由", "借款纠纷（补正）"),
    "enforcement.cases": Sample(_enforcement_case, "公示日期", "2023-06-30"),
    "enforcement.officers": Sample(_enforcement_officers, "有效期至", "2027-12-31"),
    "enforcement.powers": Sample(_enforcement_powers, "事项名称", "对违法搭建建筑物的处罚"),
    "legalservice.advisors": Sample(_advisor, "律师事务所", "山东稷下第二律师事务所"),
    "legalservice.services": Sample(_service_record, "事项", "民法典讲座（补记）"),
    "legalservice.stations": Sample(_station, "开放时间", "周一至周六 9:00–17:00"),
    "legalservice.demonstration_villages": Sample(_demonstration_village, "称号", "区级民主法治示范村"),
    "legalservice.consultations": Sample(_consultation),
    "legalservice.office_hours": Sample(_office_hour, "说明", "改在村委会二楼"),
    "publicity.events": Sample(_event, "活动名称", "改名后的宣传活动"),
    "publicity.sites": Sample(_site, "辐射人口（人）", 70000),
    "publicity.leaders": Sample(_leaders, "联系电话", "13900139000"),
    "publicity.leader_trainings": Sample(_leader_training, "培训主题", "改后的培训主题"),
    "publicity.study_sessions": Sample(_study_session, "地点", "三楼会议室"),
    "publicity.staff_attendance": Sample(_staff_attendance, "证书编号", "ZS-2023-9"),
    "governance_disclosure": Sample(_disclosure, "标题", "待发布的办事指南（修订）"),
    "governance_requests": Sample(_request, "法人或其他组织类别", "法律服务机构"),
    "governance_documents": Sample(_document, "文件名称", "稷下街道临时救助办法（修订稿）"),
    "governance_decisions": Sample(_decision, "承办单位", "城市建设管理办公室"),
    "governance_meetings": Sample(_meeting, "地点", "三楼会议室"),
}


# ---- the census ----------------------------------------------------------------------------------------------------

def _importer(item, users, tree):
    """A user of 稷下街道 (the subdistrict itself, not a village) holding the ledger's import permission."""
    from fazhi.core import policy

    for user in vars(users).values():
        if policy.user_home_node(user) == tree.sub and item.can_import(user):
            return user
    return None


def _sheet(data):
    wb = load_workbook(io.BytesIO(data))
    return wb, wb.active, [c.value for c in wb.active[1]]


def _save(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _registry():
    return {item.key: item for item in ledger.all_ledgers()}


def test_every_registered_ledger_has_a_sample_builder():
    missing = sorted(set(_registry()) - set(SAMPLES))
    assert not missing, f"台账 {missing} 没有样本：请在 SAMPLES 中为它写一个通过服务建立记录的函数，普查才能检查其往返。"
    stale = sorted(set(SAMPLES) - set(_registry()))
    assert not stale, f"SAMPLES 中的 {stale} 已不是登记的台账"


def test_export_only_ledgers_are_exactly_the_reasoned_allow_list():
    export_only = {key for key, item in _registry().items() if not item.import_perm}
    unexplained = sorted(export_only - set(EXPORT_ONLY) - set(PENDING))
    assert not unexplained, f"不能导入的台账 {unexplained} 未在 EXPORT_ONLY 中说明理由"
    importing = sorted(set(EXPORT_ONLY) - export_only)
    assert not importing, f"{importing} 已可导入，请从 EXPORT_ONLY 删除"
    assert not set(EXPORT_ONLY) & set(PENDING)
    assert all(len(reason) > 20 for reason in (*EXPORT_ONLY.values(), *PENDING.values()))


def _census_keys():
    return sorted(_registry())


@pytest.mark.parametrize("key", _census_keys())
def test_ledger_round_trip_census(key, users, tree):
    item = ledger.get(key)
    sample = SAMPLES.get(key)
    assert sample is not None, f"台账 {key} 没有样本（SAMPLES）"
    with clock.frozen(clock.at_local(TODAY, 10)):
        sample.build(users, tree)
        if not item.import_perm:
            assert key in EXPORT_ONLY or key in PENDING
            viewer = next(u for u in (users.sub_admin, users.judicial, users.office, users.officer)
                          if item.can_export(u) and item.queryset(u, {}).exists())
            _, ws, headers = _sheet(ledger.export_xlsx(item, item.queryset(viewer, {})))
            assert ws.max_row >= 2 and all(headers)
            return
        _round_trip(item, sample, users, tree)


def _round_trip(item, sample, users, tree):
    user = _importer(item, users, tree)
    assert user is not None, f"{item.key}: 稷下街道没有持 {item.import_perm} 的用户"
    assert item.key_column, f"{item.key}: 可导入的台账须有对应列（key_column），否则重新导入会重复登记"
    assert sample.header, f"{item.key}: 样本须指明一个可通过台账修改的列（Sample.header）"
    rows = item.queryset(user, {}).count()
    assert rows >= 1, f"{item.key}: 样本没有建立导入人可见的记录"
    data = ledger.export_xlsx(item, item.queryset(user, {}))
    events = AuditEvent.objects.count()
    for dry_run in (True, False):
        result = ledger.run_import(item, data, actor=user, dry_run=dry_run)
        assert result.ok, (item.key, [str(e) for e in result.errors])
        assert result.nothing_to_do and result.imported == 0 and result.skipped == rows, (item.key, result.summary)
        assert {r.action for r in result.rows} == {ledger.SKIP}
        assert AuditEvent.objects.count() == events, f"{item.key}: 重新导入原样的台账写了审计记录"
    assert item.queryset(user, {}).count() == rows

    wb, ws, headers = _sheet(data)
    assert sample.header in headers, f"{item.key}: 没有“{sample.header}”列"
    column = headers.index(sample.header)
    ws.cell(row=2, column=column + 1).value = sample.value
    edited = _save(wb)
    dry = ledger.run_import(item, edited, actor=user, dry_run=True)
    assert dry.ok, (item.key, [str(e) for e in dry.errors])
    assert (dry.created, dry.updated, dry.skipped) == (0, 1, rows - 1), (item.key, dry.summary)
    changed = next(r for r in dry.rows if r.action == ledger.UPDATE)
    assert [c[0] for c in changed.changes] == [sample.header], (item.key, changed.changes)
    assert AuditEvent.objects.count() == events
    done = ledger.run_import(item, edited, actor=user, dry_run=False)
    assert done.ok and (done.created, done.updated, done.imported) == (0, 1, 1), (item.key, [str(e) for e in done.errors])
    new = list(AuditEvent.objects.filter(pk__gt=AuditEvent.objects.order_by("pk")[events - 1].pk if events else 0)
               .order_by("pk"))
    summary = [e for e in new if e.object_type == "core.ledger"]
    assert len(summary) == 1 and summary[0].actor == user and "更新 1 行" in summary[0].action_label
    # exactly one audit event on a record that existed before (the edited row's record, or the record it belongs to:
    # a staff-training attendance row is audited on its training); any other only on a record the update created
    # (an enforcement case's Publication)
    last = new[0].pk
    existing = [e for e in new if e.object_type != "core.ledger" and AuditEvent.objects.filter(
        pk__lt=last, object_type=e.object_type, object_id=e.object_id).exists()]
    assert len(existing) == 1, (item.key, [(e.object_type, e.action, e.action_label) for e in new])
    assert {e.actor for e in new} == {user}
    assert item.queryset(user, {}).count() == rows
    again = ledger.run_import(item, ledger.export_xlsx(item, item.queryset(user, {})), actor=user, dry_run=True)
    assert again.nothing_to_do, (item.key, again.summary)
    _, ws, headers = _sheet(ledger.export_xlsx(item, item.queryset(user, {})))
    spec = next(c for c in item.columns if c.header == sample.header)
    cells = {spec.parse(ws.cell(row=r, column=column + 1).value)[0] for r in range(2, ws.max_row + 1)}
    assert spec.parse(sample.value)[0] in cells, f"{item.key}: 改后的“{sample.header}”没有写入记录"
