"""The report's own clocks (督察规定 第二十四条, as issue 17 cites it): "每年4月1日之前" is published by 31 March —
1 April is late; reporting up "3月1日前" is by the last day of February; and the fifth required content
("其他需要报告的情况") has its place in the default template."""
import datetime

import pytest

from fazhi.core import clock
from fazhi.reports import render, services
from fazhi.reports.models import ReportTemplate

pytestmark = pytest.mark.django_db


def _statuses(report, *, reported_on=None, published_on=None, today):
    ReportTemplate.objects.filter(pk=report.pk).update(reported_on=reported_on, published_on=published_on)
    report.refresh_from_db()
    with clock.frozen(today):
        return {d["deadline"].rule_code: (d["deadline"].due, d["status"]) for d in services.report_deadlines(report)}


@pytest.mark.parametrize(("published_on", "expected"), [
    (datetime.date(2024, 3, 31), "done_on_time"),
    (datetime.date(2024, 4, 1), "done_late"),  # "4月1日之前": 1 April itself is late
])
def test_publishing_on_31_march_is_on_time_and_on_1_april_is_late(report, published_on, expected):
    got = _statuses(report, published_on=published_on, today=datetime.date(2024, 4, 2))
    assert got["reports.publish"] == (datetime.date(2024, 3, 31), expected)


def test_an_unpublished_report_is_overdue_on_1_april_not_before(report):
    assert _statuses(report, today=datetime.date(2024, 3, 31))["reports.publish"][1] == "due_soon"
    assert _statuses(report, today=datetime.date(2024, 4, 1))["reports.publish"][1] == "overdue"


@pytest.mark.parametrize(("reported_on", "expected"), [
    (datetime.date(2024, 2, 29), "done_on_time"),  # 2024 is a leap year: the last day before 1 March
    (datetime.date(2024, 3, 1), "done_late"),
])
def test_reporting_up_is_due_by_the_last_day_of_february(report, reported_on, expected):
    got = _statuses(report, reported_on=reported_on, today=datetime.date(2024, 3, 5))
    assert got["reports.submit"] == (datetime.date(2024, 2, 29), expected)


def test_in_a_common_year_reporting_up_is_due_by_28_february(users, tree):
    with clock.frozen(datetime.date(2023, 1, 5)):
        report = services.report_create(actor=users.office, node=tree.sub, year=2022)
    got = _statuses(report, reported_on=datetime.date(2023, 2, 28), today=datetime.date(2023, 3, 2))
    assert got["reports.submit"] == (datetime.date(2023, 2, 28), "done_on_time")
    assert got["reports.publish"][0] == datetime.date(2023, 3, 31)
    late = _statuses(report, reported_on=datetime.date(2023, 3, 1), today=datetime.date(2023, 3, 2))
    assert late["reports.submit"][1] == "done_late"


def test_the_rule_text_an_administrator_reads_names_the_last_days(report):
    deadlines = {d["deadline"].rule_code: d["deadline"] for d in services.report_deadlines(report)}
    assert "3月31日" in deadlines["reports.publish"].legal_basis and "4月1日公开即为逾期" in deadlines[
        "reports.publish"].legal_basis
    assert "2月末日" in deadlines["reports.submit"].legal_basis


def test_registering_report_up_on_the_deadline_records_the_day(users, report):
    """The workflow's report_up stamps today; on 29 February 2024 that is on time."""
    for s in report.sections.all():
        if render.token_errors(s.body):
            services.section_update(actor=users.office, section=s, heading=s.heading, body="正文",
                                    expected_version=s.version)
    report.refresh_from_db()
    report = services.report_transition(actor=users.office, report=report, name="submit",
                                        expected_version=report.version)
    report = services.report_transition(actor=users.leader, report=report, name="finalise",
                                        expected_version=report.version)
    with clock.frozen(datetime.date(2024, 2, 29)):
        report = services.report_transition(actor=users.leader, report=report, name="report_up",
                                            expected_version=report.version)
        statuses = {d["deadline"].rule_code: d["status"] for d in services.report_deadlines(report)}
    assert report.reported_on == datetime.date(2024, 2, 29) and statuses["reports.submit"] == "done_on_time"


def test_default_template_has_part_five_other_matters(report):
    fifth = report.sections.filter(part=5)
    assert fifth.count() == 1 and fifth.get().heading == "其他需要报告的情况"
    blocks, _ = render.build_blocks(report)
    h1 = [b["text"] for b in blocks if b["kind"] == "h1"]
    assert h1[-1] == "五、其他需要报告的情况" and len(h1) == 5
    text = render.to_markdown(blocks)
    assert text.index("四、2024年推进法治政府建设的主要计划安排") < text.index("五、其他需要报告的情况")
    assert "2023年度无其他需要报告的情况" in text


def test_next_years_report_gets_a_fresh_part_five_not_last_years_text(users, tree, report):
    section = report.sections.get(part=5)
    services.section_update(actor=users.office, section=section, heading=section.heading,
                            body="2023年接受上级督察一次，反馈问题已整改。", expected_version=section.version)
    with clock.frozen(datetime.date(2025, 1, 5)):
        nxt = services.report_create(actor=users.office, node=tree.sub, year=2024)
    assert [s.body for s in nxt.sections.filter(part=5)] == [
        "2024年度无其他需要报告的情况。（如有上级交办事项落实、重大法治事件处置等其他需要报告的情况，请在此据实填写。）"]


def test_a_section_can_be_added_to_part_five_and_not_to_part_six(users, report):
    from fazhi.core.errors import DomainError

    services.section_add(actor=users.office, report=report, part="5", heading="上级交办事项", body="已落实。")
    assert report.sections.filter(part=5).count() == 2
    with pytest.raises(DomainError, match="一至五"):
        services.section_add(actor=users.office, report=report, part=6, heading="x", body="")
