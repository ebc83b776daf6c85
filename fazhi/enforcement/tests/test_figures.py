"""Figures against hand counts."""
import datetime
from decimal import Decimal
from unittest import mock

from fazhi.core import clock, figures
from fazhi.enforcement import services
from fazhi.enforcement.models import StepKind

from .conftest import PNG, advance, ready_to_decide, upload

Y0, Y1 = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
KEYS = ["enforcement.cases_filed", "enforcement.cases_by_type", "enforcement.cases_by_power", "enforcement.cases_by_result",
        "enforcement.cases_closed", "enforcement.legal_reviews", "enforcement.legal_review_rejection_rate",
        "enforcement.publication_timeliness", "enforcement.av_required_steps", "enforcement.av_coverage", "enforcement.officers_total",
        "enforcement.officers_valid_cert_rate", "enforcement.training_hours", "enforcement.training_hours_per_officer",
        "enforcement.evaluation_score_avg"]


def fig(key, node, start=Y0, end=Y1):
    return figures.compute(key, node, start, end)


def test_all_keys_registered():
    for key in KEYS:
        assert figures.get(key) is not None, key


def test_figures_match_hand_counts(enf, users, tree, make_case):
    # case A: closed penalty 500 (1 inspection with video → AV covered; notice; service (AV required, none))
    a = advance(make_case(), users, enf, to="closed")
    # case B: major (20000) — one rejected then approved review; decided; published late
    b = advance(make_case(title="倾倒建筑垃圾"), users, enf, to="notified", fine="20000")
    b = services.case_transition(actor=users.officer, case=b, name="submit_review")
    services.legal_review_record(actor=users.reviewer, case=b, opinion="reject", checklist={}, reasons="证据不足")
    b.refresh_from_db()
    b = services.case_transition(actor=users.officer, case=b, name="notify", place="执法办", officers=[enf.o1.pk, enf.o2.pk], proposed_fine="20000")
    b = services.case_transition(actor=users.officer, case=b, name="submit_review")
    services.legal_review_record(actor=users.reviewer, case=b, opinion="approve", checklist={k: True for k in
                                 ["subject", "qualification", "procedure", "facts", "basis", "powers", "documents", "criminal"]})
    b.refresh_from_db()
    b = ready_to_decide(b, users)
    b = services.case_transition(actor=users.enforcement_head, case=b, name="decide", result="no_penalty", decision_text="不予处罚",
                                 discretion_applied="")
    # case C: inspection power, filed only; one inspection step with a photo only (AV lacking)
    c = make_case(power=enf.inspection, title="检查")
    c = services.case_transition(actor=users.enforcement_head, case=c, name="approve_filing")
    s = services.step_record(actor=users.officer, case=c, kind=StepKind.INSPECTION, content="检查", place="村", officers=[enf.o1.pk, enf.o2.pk])
    services.evidence_upload(actor=users.officer, step=s, upload=upload("p.png", PNG, "image/png"))
    # publications: A on time (today = decision day), B late (published after 20 working days? no: other decision → 20 wd)
    services.publication_publish(actor=users.disclosure, case=a)
    with clock.frozen(clock.at_local(datetime.date(2023, 7, 20))):
        services.publication_publish(actor=users.disclosure, case=b)  # due 2023-06-29 (20 working days, Dragon Boat skipped) → late
    # a case in the other subdistrict never counts; a 2022 case never counts in 2023
    services.evaluation_record(actor=users.supervisor, case=a, scores={"subject": 10, "officers": 10, "facts": 20, "basis": 20,
                               "procedure": 20, "documents": 10, "recording": 0}, findings="缺音像")

    sub = tree.sub
    assert fig("enforcement.cases_filed", sub) == 3
    assert fig("enforcement.cases_filed", tree.liu) == 3
    assert fig("enforcement.cases_filed", tree.yang) == 0
    assert fig("enforcement.cases_filed", tree.other) == 0
    assert fig("enforcement.cases_filed", sub, datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)) == 0
    assert fig("enforcement.cases_by_type", sub) == {"行政处罚": 2, "行政检查": 1, "行政强制": 0}
    assert fig("enforcement.cases_by_power", sub) == {"对违法搭建的处罚": 2, "对占道经营的检查": 1}
    assert fig("enforcement.cases_by_result", sub)["给予行政处罚"] == 1
    assert fig("enforcement.cases_by_result", sub)["不予行政处罚"] == 1
    assert fig("enforcement.cases_closed", sub) == 1
    assert fig("enforcement.legal_reviews", sub) == 2
    assert fig("enforcement.legal_review_rejection_rate", sub) == 0.5
    assert fig("enforcement.publication_timeliness", sub) == 0.5
    # AV-required steps: A inspection, A service, B inspection, C inspection = 4; with audio/video: A and B inspections (MP4) = 2
    assert fig("enforcement.av_required_steps", sub) == 4
    assert fig("enforcement.av_coverage", sub) == 0.5
    assert fig("enforcement.officers_total", sub) == 3
    assert fig("enforcement.officers_valid_cert_rate", sub) == 1.0
    assert fig("enforcement.officers_valid_cert_rate", sub, Y0, datetime.date(2026, 6, 30)) == 0.0  # all expire 2025-12-31
    assert fig("enforcement.evaluation_score_avg", sub) == 90.0
    assert fig("enforcement.legal_review_rejection_rate", tree.other) is None


def test_training_hours_come_from_publicity(enf, users, tree):
    with mock.patch("fazhi.publicity.selectors.training_hours_by_user",
                    return_value={users.officer.pk: Decimal("12"), users.officer2.pk: Decimal("6"), users.enforcement_head.pk: Decimal("0")}):
        assert fig("enforcement.training_hours", tree.sub) == 18.0
        assert fig("enforcement.training_hours_per_officer", tree.sub) == 6.0


def test_publication_due_stored_on_decision_and_recomputed_on_calendar_change(enf, users, tree, make_case):
    from fazhi.core import services as core_services

    case = advance(make_case(), users, enf, to="decided")  # penalty decided Thu 2023-06-01: 7 working days
    assert case.publication_due == services.publication_deadline(case).due == datetime.date(2023, 6, 12)
    june = (datetime.date(2023, 6, 1), datetime.date(2023, 6, 30))
    with clock.frozen(clock.at_local(datetime.date(2023, 6, 12), 10)):
        assert fig("enforcement.publication_timeliness", tree.sub, *june) is None  # due today: not yet counted
    with clock.frozen(clock.at_local(datetime.date(2023, 6, 13), 10)):
        assert fig("enforcement.publication_timeliness", tree.sub, *june) == 0.0  # overdue and unpublished
        assert fig("enforcement.publication_timeliness", tree.sub, june[0], datetime.date(2023, 6, 12)) is None  # period end caps it
    _, changed = core_services.calendar_override_set(actor=users.admin, date=datetime.date(2023, 6, 5), is_working_day=False, name="测试假日")
    assert changed["fazhi.enforcement.services.recompute_publication_due"] == 1
    case.refresh_from_db()
    assert case.publication_due == datetime.date(2023, 6, 13)
    with clock.frozen(clock.at_local(datetime.date(2023, 6, 13), 10)):
        assert fig("enforcement.publication_timeliness", tree.sub, *june) is None
        services.publication_publish(actor=users.disclosure, case=case)
        assert fig("enforcement.publication_timeliness", tree.sub, *june) == 1.0
    # published: the publication's own on-time judgement counts, the stored date is no longer recomputed
    _, changed = core_services.calendar_override_set(actor=users.admin, date=datetime.date(2023, 6, 6), is_working_day=False, name="测试假日")
    assert changed["fazhi.enforcement.services.recompute_publication_due"] == 0


def test_valid_cert_rate_matches_cert_valid(enf, tree):
    from fazhi.enforcement.models import Officer

    Officer.objects.filter(pk=enf.o1.pk).update(status=Officer.Status.SUSPENDED)
    Officer.objects.filter(pk=enf.o2.pk).update(valid_from=datetime.date(2023, 7, 1))
    Officer.objects.filter(pk=enf.oh.pk).update(certificate_number="", valid_from=None)
    for day in (datetime.date(2023, 6, 30), datetime.date(2023, 7, 1), datetime.date(2025, 12, 31), datetime.date(2026, 1, 1)):
        officers = list(Officer.objects.exclude(status=Officer.Status.REVOKED))
        expected = sum(o.cert_valid(day) for o in officers) / len(officers)
        assert fig("enforcement.officers_valid_cert_rate", tree.sub, Y0, day) == expected
    Officer.objects.filter(pk=enf.oh.pk).update(certificate_number="37030003")
    assert fig("enforcement.officers_valid_cert_rate", tree.sub, Y0, datetime.date(2023, 7, 1)) == 2 / 3
    assert fig("enforcement.officers_valid_cert_rate", tree.other) is None
