import datetime
import hashlib

import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fazhi.core import audit, clock
from fazhi.core.errors import Conflict, DomainError, NotAllowed, TransitionNotAllowed
from fazhi.reports import documents, render, services
from fazhi.reports.models import ReportVersion

pytestmark = pytest.mark.django_db


def _finalise(report, users):
    report = services.report_transition(actor=users.office, report=report, name="submit", expected_version=report.version)
    return services.report_transition(actor=users.leader, report=report, name="finalise", expected_version=report.version)


def _clear_unknown_tokens(report, users):
    """Module figures may not all exist yet while developing: replace unknown tokens so the report can be finalised."""
    for s in report.sections.all():
        if render.token_errors(s.body) or render.token_errors(s.heading):
            text = render.TOKEN_RE.sub(lambda m: m.group(0) if not render.token_errors(m.group(0)) else "若干", s.body)
            services.section_update(actor=users.office, section=s, heading=s.heading, body=text, expected_version=s.version)


def test_create_uses_default_template_and_refuses_duplicates(users, tree, report):
    assert report.sections.filter(part=1).count() == 3 and report.sections.filter(part=2).count() == 3
    assert "{{disputes.resolved}}" in report.sections.get(part=1, order=3).body
    with pytest.raises(DomainError, match="已存在"):
        services.report_create(actor=users.office, node=tree.sub, year=2023)
    with pytest.raises(DomainError, match="年度"):
        services.report_create(actor=users.office, node=tree.sub, year=1990)
    with pytest.raises(NotAllowed):
        services.report_create(actor=users.judicial, node=tree.sub, year=2022)
    with clock.frozen(datetime.date(2025, 1, 5)):
        nxt = services.report_create(actor=users.office, node=tree.sub, year=2024)
    assert "2024年，我街道" in nxt.sections.get(part=1, order=3).body  # carried over from last year, year updated


def test_finalise_locks_hashes_and_export_keeps_last_final_while_editing(users, tree, report):
    _clear_unknown_tokens(report, users)
    report.refresh_from_db()
    report = _finalise(report, users)
    version = ReportVersion.objects.get(report=report)
    assert report.status == "final" and version.sha256 == hashlib.sha256(version.markdown.encode()).hexdigest()
    event = audit.timeline(report).last()
    assert event.changes["sha256"] == version.sha256 and event.action_label == "审核通过并定稿"
    section = report.sections.get(part=0)
    with pytest.raises(DomainError, match="不能修改"):
        services.section_update(actor=users.office, section=section, heading="", body="改", expected_version=section.version)
    report = services.report_transition(actor=users.leader, report=report, name="reopen", expected_version=report.version,
                                        reason="补充数据")
    services.section_update(actor=users.office, section=section, heading="", body="另一位同事正在修改的导语",
                            expected_version=section.version)
    content, name, _ = documents.export(report, "md")
    assert "另一位同事正在修改的导语" not in content and "定稿第1版" in name  # last finalised version wins
    content, name, _ = documents.export(report, "md", draft=True)
    assert "另一位同事正在修改的导语" in content and "草稿" in name  # nothing lost
    report.refresh_from_db()
    report = _finalise(report, users)
    assert ReportVersion.objects.filter(report=report).count() == 2
    content, name, _ = documents.export(report, "md")
    assert "另一位同事正在修改的导语" in content and "定稿第2版" in name
    with pytest.raises(Conflict):
        services.report_transition(actor=users.leader, report=report, name="report_up", expected_version=report.version - 1)


def test_transitions_need_reason_and_permission(users, tree, report):
    with pytest.raises(TransitionNotAllowed, match="不能执行"):
        services.report_transition(actor=users.leader, report=report, name="finalise", expected_version=report.version)
    _clear_unknown_tokens(report, users)
    report.refresh_from_db()
    report = services.report_transition(actor=users.office, report=report, name="submit", expected_version=report.version)
    with pytest.raises(TransitionNotAllowed, match="理由"):
        services.report_transition(actor=users.leader, report=report, name="return", expected_version=report.version)
    with pytest.raises(TransitionNotAllowed, match="权限"):
        services.report_transition(actor=users.judicial, report=report, name="finalise", expected_version=report.version)
    report = services.report_transition(actor=users.leader, report=report, name="finalise", expected_version=report.version)
    with pytest.raises(TransitionNotAllowed, match="权限"):
        services.report_transition(actor=users.office, report=report, name="publish", expected_version=report.version)


def test_publish_goes_through_the_disclosure_service(users, tree, report, monkeypatch):
    import sys
    import types

    _clear_unknown_tokens(report, users)
    report.refresh_from_db()
    report = _finalise(report, users)
    calls = []
    fake = types.SimpleNamespace(disclosure_publish=lambda **kw: calls.append(kw) or types.SimpleNamespace(pk=77))
    monkeypatch.setitem(sys.modules, "fazhi.governance.services", fake)
    report = services.report_transition(actor=users.leader, report=report, name="publish", expected_version=report.version)
    assert report.status == "published" and report.disclosure_ref == "77"
    assert calls[0]["category_code"] == "annual_report" and calls[0]["node"] == tree.sub
    assert calls[0]["title"] == report.title and "一、推进法治政府建设的主要举措和成效" in calls[0]["body"]


def test_unknown_token_refused_and_named(users, report):
    section = report.sections.get(part=1, order=1)
    with pytest.raises(DomainError) as exc:
        services.section_update(actor=users.office, section=section, heading="x", body="共{{disputes.typo}}起",
                                expected_version=section.version)
    assert "disputes.typo" in exc.value.message and "body" in exc.value.field_errors
    section.refresh_from_db()
    assert "disputes.typo" not in section.body


def test_docx_layout_four_sections_in_order(users, report):
    content, _, _ = documents.export(report, "docx", draft=True)
    from fazhi.core.tests.docx_checks import assert_official_layout

    doc = assert_official_layout(content, report.title)  # "— 1 —" page numbers and a centred title
    sec = doc.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(1) and abs(sec.page_height - Mm(297)) < Mm(1)
    assert [round(x / 36000) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == [37, 35, 28, 26]
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [t[:2] for t in h1] == ["一、", "二、", "三、", "四、", "五、"]  # 五、其他需要报告的情况
    assert h1[0] == "一、推进法治政府建设的主要举措和成效" and h1[2] == "三、推进法治政府建设存在的不足和原因"
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h2[0].startswith("（一）完善工作机制")
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text.startswith(report.title)

    def east_asia(style):
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    styles = doc.styles
    assert east_asia(styles["Title"]) == "方正小标宋简体" and styles["Title"].font.size == Pt(22)
    assert east_asia(styles["Normal"]) == "仿宋_GB2312" and styles["Normal"].font.size == Pt(16)
    assert east_asia(styles["Heading 1"]) == "黑体" and east_asia(styles["Heading 2"]) == "楷体_GB2312"
    assert abs(styles["Normal"].paragraph_format.line_spacing.pt - 28.95) < 0.01
    pdf, name, ctype = documents.export(report, "pdf", draft=True)
    assert pdf.startswith(b"%PDF") and ctype == "application/pdf"


def test_shortcomings_suggested_from_targets_and_kept(users, tree, report, temp_figures):
    from fazhi.reports.models import ReportTarget

    temp_figures("test.coverage", lambda node, s, e: 0.625, kind="rate")
    target = ReportTarget.objects.create(code="t_cov", label="测试覆盖率", figure_key="test.coverage", comparison="min",
                                         threshold=0.9, heading="覆盖不足", text="覆盖率仅{value}（目标{target}）。")
    ReportTarget.objects.create(code="t_ok", label="达标", figure_key="reports.plan_items", comparison="max", threshold=5,
                                heading="不会出现", text="{value}")
    suggestions = {s["target"].code: s for s in services.shortcoming_suggestions(report)}
    assert suggestions["t_cov"]["text"] == "覆盖率仅62.5%（目标90%）。"
    assert "t_ok" not in suggestions
    services.shortcoming_keep(actor=users.office, report=report, target=target, heading="覆盖不足",
                              text="覆盖率仅62.5%（目标90%），原因是设备不足。")
    kept = report.sections.get(part=3, target=target)
    assert "原因是设备不足" in kept.body
    assert {s["target"].code: s for s in services.shortcoming_suggestions(report)}["t_cov"]["kept"]
    with pytest.raises(DomainError):
        services.shortcoming_keep(actor=users.office, report=report, target=target, heading="", text="x")


def test_plan_items_tracked(users, tree, report):
    item = services.plan_item_create(actor=users.office, node=tree.sub, year=2024, heading="深入推进依法行政",
                                     title="配备执法记录仪", owner="执法办", due_date=datetime.date(2024, 9, 30))
    with pytest.raises(DomainError, match="计划年度"):
        services.plan_item_create(actor=users.office, node=tree.sub, year=2024, heading="", title="x", owner="y",
                                  due_date=datetime.date(2025, 1, 1))
    with pytest.raises(DomainError, match="落实情况"):
        services.plan_item_update(actor=users.office, item=item, expected_version=0, status="done")
    item = services.plan_item_update(actor=users.office, item=item, expected_version=0, status="done", note="已配备10台")
    with pytest.raises(Conflict):
        services.plan_item_update(actor=users.office, item=item, expected_version=0, status="planned")
    md = render.to_markdown(render.build_blocks(report)[0])
    assert "配备执法记录仪（责任：执法办；时限：2024年09月30日前）" in md


def test_publish_to_the_real_disclosure_portal(users, tree, report):
    pytest.importorskip("fazhi.governance.services")
    from fazhi.core.files import files_of
    from fazhi.governance.models import DisclosureItem

    _clear_unknown_tokens(report, users)
    report.refresh_from_db()
    report = _finalise(report, users)
    report = services.report_transition(actor=users.leader, report=report, name="publish", expected_version=report.version)
    item = DisclosureItem.objects.get(pk=report.disclosure_ref)
    assert item.category.code == "annual_report" and item.title == report.title and item.node == tree.sub
    assert "三、推进法治政府建设存在的不足和原因" in item.body
    assert {f.original_name.rsplit(".", 1)[1] for f in files_of(item)} == {"docx", "pdf"}
    deadlines = {d["deadline"].rule_code: d for d in services.report_deadlines(report)}
    assert deadlines["reports.publish"]["deadline"].due == datetime.date(2024, 3, 31)  # "4月1日之前"
    assert deadlines["reports.submit"]["deadline"].due == datetime.date(2024, 2, 29)  # "3月1日前" (leap year)


def test_published_report_on_the_public_site(users, tree, report, client):
    pytest.importorskip("fazhi.governance.services")
    _clear_unknown_tokens(report, users)
    report.refresh_from_db()
    report = _finalise(report, users)
    report = services.report_transition(actor=users.leader, report=report, name="publish", expected_version=report.version)
    html = client.get("/reports/").content.decode()
    assert report.title in html
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "四、2024年推进法治政府建设的主要计划安排" in html and "SHA-256" in html


def test_draft_report_command_md_docx_pdf(users, tree, report, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    call_command("draft_report", year=2023, node="稷下街道", format="md")
    out = capsys.readouterr().out
    assert out.startswith("# 稷下街道2023年法治政府建设年度报告") and "## 四、2024年推进法治政府建设的主要计划安排" in out
    for fmt in ("docx", "pdf"):
        target = tmp_path / f"r.{fmt}"
        call_command("draft_report", year=2023, node="稷下街道", format=fmt, output=str(target))
        assert target.stat().st_size > 1000
    call_command("draft_report", year=2022, node="敬仲街道", format="md")  # no saved report: default template, nothing written
    assert "敬仲街道2022年法治政府建设年度报告" in capsys.readouterr().out
    from fazhi.reports.models import ReportTemplate
    assert not ReportTemplate.objects.filter(node=tree.other).exists()
    with pytest.raises(CommandError, match="找不到组织"):
        call_command("draft_report", year=2023, node="不存在街道", format="md")
