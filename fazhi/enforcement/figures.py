"""Figures of the enforcement module, computed from records (never stored totals). fn(node, start, end), dates
inclusive. "records" points at the list page behind each figure."""
import datetime
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, Subquery
from django.db.models.lookups import Exact

from fazhi.core import clock
from fazhi.core.figures import figure, within
from fazhi.core.models import StoredFile

from .models import Case, CaseStep, Evaluation, LegalReview, Officer, PowerType, Publication, Result
from .selectors import expired_before_entry

CASES = "enforcement:case_list"
REVIEWS = "enforcement:review_records"
AV_STEPS = "enforcement:av_steps"
OFFICERS = "enforcement:officer_list"


def _current(node, start, end):
    """The officers a figure counts: all but those whose certificate is revoked."""
    return {"current": "1"}


def training_hours_for(user_ids, start, end):
    """{user_id: Decimal hours} from the publicity module's staff-training ledger.

    The enforcement module does not keep a second training ledger: hours come from the publicity module's selector
    (an app reads another app's rows only through its selectors)."""
    from fazhi.publicity.selectors import training_hours_by_user

    if start is None or end is None:
        year = clock.today().year
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return training_hours_by_user(list(user_ids), start, end)


def _cases(node):
    return within(Case.objects.all(), node)


def _filed(node, start, end):
    return _cases(node).filter(filed_on__range=(start, end))


@figure("enforcement.cases_filed", "立案查处行政执法案件", unit="件", records=CASES)
def cases_filed(node, start, end):
    return _filed(node, start, end).count()


@figure("enforcement.cases_by_type", "执法案件（按权力类型）", unit="件", kind="breakdown", records=CASES)
def cases_by_type(node, start, end):
    counts = dict(_filed(node, start, end).values_list("power__power_type").annotate(n=Count("id")))
    return {label: counts.get(value, 0) for value, label in PowerType.choices}


@figure("enforcement.cases_by_power", "执法案件（按执法事项）", unit="件", kind="breakdown", records=CASES)
def cases_by_power(node, start, end):
    rows = _filed(node, start, end).values_list("power__name").annotate(n=Count("id")).order_by("-n", "power__name")
    return {name: n for name, n in rows}


@figure("enforcement.cases_by_result", "执法决定（按处理结果）", unit="件", kind="breakdown", records=CASES,
        records_params=lambda n, s, e: {"period": "decided"})
def cases_by_result(node, start, end):
    counts = dict(_cases(node).filter(decided_on__range=(start, end)).values_list("result").annotate(n=Count("id")))
    return {label: counts.get(value, 0) for value, label in Result.choices}


@figure("enforcement.cases_closed", "办结执法案件", unit="件", records=CASES,
        records_params=lambda n, s, e: {"period": "closed"})
def cases_closed(node, start, end):
    return _cases(node).filter(closed_on__range=(start, end)).count()


def _reviews(node, start, end):
    return within(LegalReview.objects.all(), node).filter(reviewed_at__date__range=(start, end))


@figure("enforcement.legal_reviews", "重大执法决定法制审核", unit="次", records=REVIEWS)
def legal_reviews(node, start, end):
    return _reviews(node, start, end).count()


@figure("enforcement.legal_review_rejection_rate", "法制审核退回率", kind="rate", records=REVIEWS)
def legal_review_rejection_rate(node, start, end):
    qs = _reviews(node, start, end)
    total = qs.count()
    if not total:
        return None
    return qs.filter(opinion=LegalReview.Opinion.REJECT).count() / total


@figure("enforcement.publication_timeliness", "执法决定按期公示率", kind="rate", records="enforcement:publications",
        description="期间内作出的执法决定中，在期限内（处罚决定7个工作日、其他决定20个工作日）公示的比例；尚未到期且未公示的不计入。")
def publication_timeliness(node, start, end):
    # A published decision counts by its first publication's on_time (fixed when it was published); an unpublished
    # one only once its stored deadline (Case.publication_due, computed with the working-day calendar when the
    # decision was made and recomputed on calendar changes) has passed before min(today, end). One query.
    # A decision entered after its publication limit had run out (history from a paper ledger) and not published
    # through the platform is not known to be late: it is not counted (selectors.expired_before_entry).
    cutoff = min(clock.today(), end)
    pubs = Publication.objects.filter(case=OuterRef("pk"))
    first_on_time = Subquery(pubs.order_by("published_on", "-id").values("on_time")[:1])
    row = _cases(node).filter(decided_on__range=(start, end)).aggregate(
        counted=Count("pk", filter=Q(Exists(pubs)) | (Q(publication_due__lt=cutoff)
                                                      & ~expired_before_entry("publication_due"))),
        timely=Count("pk", filter=Q(Exact(first_on_time, True))),
    )
    return row["timely"] / row["counted"] if row["counted"] else None


def _av_steps(node, start, end):
    return within(CaseStep.objects.filter(av_required=True), node).filter(occurred_at__date__range=(start, end))


@figure("enforcement.av_required_steps", "应音像记录的执法环节", unit="个", records=AV_STEPS)
def av_required_steps(node, start, end):
    return _av_steps(node, start, end).count()


@figure("enforcement.av_coverage", "执法环节音像记录覆盖率", kind="rate", records=AV_STEPS,
        description="现场检查、调查取证、听证、现场送达等应音像记录的环节中，附有至少一个录音或录像证据文件的比例。")
def av_coverage(node, start, end):
    qs = _av_steps(node, start, end)
    total = qs.count()
    if not total:
        return None
    from django.db.models import CharField
    from django.db.models.functions import Cast

    av = StoredFile.objects.filter(owner_type="enforcement.casestep", owner_id=Cast(OuterRef("pk"), CharField()),
                                   content_type__regex=r"^(audio|video)/")
    return qs.filter(Exists(av)).count() / total


def _officers(node):
    return within(Officer.objects.all(), node)


@figure("enforcement.officers_total", "行政执法人员", unit="人", records=OFFICERS, records_params=_current)
def officers_total(node, start, end):
    return _officers(node).exclude(status=Officer.Status.REVOKED).count()


@figure("enforcement.officers_valid_cert_rate", "执法人员持有效执法证比例", kind="rate", records=OFFICERS, records_params=_current,
        description="期末日执法证在有效期内且未暂扣、注销的人员比例。")
def officers_valid_cert_rate(node, start, end):
    # Officer.cert_valid(end) as a database condition: a certificate number, active, valid_from (if any) ≤ end ≤ valid_until.
    valid = (Q(status=Officer.Status.ACTIVE, valid_until__gte=end) & ~Q(certificate_number="")
             & (Q(valid_from__isnull=True) | Q(valid_from__lte=end)))
    row = _officers(node).exclude(status=Officer.Status.REVOKED).aggregate(total=Count("pk"), valid=Count("pk", filter=valid))
    return row["valid"] / row["total"] if row["total"] else None


@figure("enforcement.training_hours", "执法人员参加法律培训", unit="学时", kind="amount", records=OFFICERS, records_params=_current,
        description="取自普法模块的干部法律培训台账（fazhi.publicity）。")
def training_hours(node, start, end):
    ids = list(_officers(node).exclude(status=Officer.Status.REVOKED).values_list("user_id", flat=True))
    hours = training_hours_for(ids, start, end)
    return float(sum(hours.values(), Decimal("0")))


@figure("enforcement.training_hours_per_officer", "执法人员人均培训学时", unit="学时", kind="amount", records=OFFICERS,
        records_params=_current)
def training_hours_per_officer(node, start, end):
    n = officers_total(node, start, end)
    return round(training_hours(node, start, end) / n, 1) if n else None


@figure("enforcement.evaluation_score_avg", "案卷评查平均得分", unit="分", kind="amount", records="enforcement:supervision")
def evaluation_score_avg(node, start, end):
    value = within(Evaluation.objects.all(), node).filter(evaluated_on__range=(start, end)).aggregate(a=Avg("total"))["a"]
    return round(float(value), 1) if value is not None else None
