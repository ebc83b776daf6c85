"""The seed reproduced: with the demo data, the 2023 report of 稷下街道 carries every figure of the real report,
each computed from records; change the records and the report changes. Loads the full demo once (slow)."""
import importlib.util
import re

import pytest
from django.core.management import call_command

from fazhi.core import figures
from fazhi.core.models import OrgNode
from fazhi.reports import render
from fazhi.reports.models import ReportTemplate

# (figure, check on the value, how the seed report phrases it — {v} is the value, {a} its |approx form)
SEED = [
    ("disputes.resolved", lambda v: v == 198, "化解矛盾纠纷{v}起"),
    ("disputes.centre_bodies", lambda v: v == 7, "整合{v}个机构"),
    ("governance.disclosure_published", lambda v: v == 141, "主动公开政府信息{v}条"),
    ("legalservice.lectures", lambda v: v == 20, "累计举办普法讲座{v}场"),
    ("legalservice.residents_served", lambda v: 5000 <= v < 6000, "为{a}名居民提供法律服务"),
    ("legalservice.advisors_fulltime", lambda v: v == 2, "聘请街道专职法律顾问{v}名"),
    ("legalservice.advisors_village", lambda v: v == 13, "村居法律顾问{v}名"),
    ("publicity.events_into_organs", lambda v: v == 4, "法律宣传进机关活动{v}次"),
    ("publicity.study_sessions", lambda v: v == 6, "领导班子学法{v}次"),
    ("publicity.seminars", lambda v: v == 4, "专题研讨{v}次"),
    ("publicity.party_lectures", lambda v: v == 10, "专题党课{v}次"),
    ("publicity.leaders_trained", lambda v: v == 160, "组织街道{v}名法治带头人"),
    ("publicity.materials", lambda v: 1000 <= v < 2000, "发放各类宣传资料{a}份"),
    ("publicity.events", lambda v: 50 <= v < 60, "举办普法宣传活动{a}次"),
    ("publicity.slogans", lambda v: 20 <= v < 30, "张贴宣传标语{a}条"),
    ("publicity.people_reached", lambda v: 3000 <= v < 4000, "受教育{a}人次"),
    ("publicity.sites_investment", lambda v: 100000 <= v < 200000, "投入{a}元"),
    ("publicity.sites_population", lambda v: 61000 <= v < 62000, "共计{a}人"),
]

# While the other modules are being built, their figures may be missing; set to True when all have landed.
REQUIRE_ALL_MODULES = True


@pytest.mark.demo
@pytest.mark.django_db
def test_seed_report_reproduced_from_records_and_follows_the_records():
    call_command("load_demo", quiet=True)
    sub = OrgNode.objects.get(name="稷下街道")
    report = ReportTemplate.objects.get(node=sub, year=2023)
    blocks, ctx = render.build_blocks(report)
    text = render.plain_text(blocks)
    missing, checked = [], []
    for key, ok, phrase in SEED:
        if figures.get(key) is None or importlib.util.find_spec(f"fazhi.demo.{key.split('.')[0]}") is None:
            missing.append(key)
            continue
        value = ctx.value(key)
        assert ok(value), f"{key} = {value}"
        expected = phrase.format(v=value, a=render.approx(value))
        assert expected in text, f"{key}: “{expected}” not in the drafted report"
        checked.append(key)
    assert not re.search(r"\b(198|141)\b", open(render.__file__.replace("render.py", "defaults.py"), encoding="utf-8").read())
    if REQUIRE_ALL_MODULES:
        assert not missing, f"figures not provided: {missing}"
    assert "legalservice.lectures" in checked or "legalservice.lectures" in missing

    # A modified dataset gives a different report: remove three 2023 lectures and the report says so.
    if "legalservice.lectures" in checked:
        from fazhi.legalservice.models import ServiceRecord

        pks = list(ServiceRecord.objects.filter(kind=ServiceRecord.Kind.LECTURE, date__year=2023,
                                                node__path__startswith=sub.path).values_list("pk", flat=True)[:3])
        ServiceRecord.objects.filter(pk__in=pks).delete()
        text2 = render.plain_text(render.build_blocks(report)[0])
        assert "累计举办普法讲座17场" in text2 and "累计举办普法讲座20场" not in text2
    if missing:
        pytest.skip(f"其余模块尚未提供指标：{', '.join(missing)}（已核对 {len(checked)} 项）")
