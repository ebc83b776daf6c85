"""Every read of the enforcement module, already scoped by fazhi.core.policy."""
import datetime

from django.db.models import Prefetch, Q

from fazhi.core import clock, policy
from fazhi.core.models import StoredFile
from fazhi.core.search import search_q

from .models import (
    OPEN_STATUSES,
    Accountability,
    Case,
    CaseStatus,
    CaseStep,
    CustodyEvent,
    Evaluation,
    MajorCaseRule,
    Officer,
    Power,
    Publication,
    Subject,
)

VIEW = "enforcement.view"
STEP_OWNER = "enforcement.casestep"


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def subject_list(*, user):
    return policy.scope(Subject.objects.select_related("unit", "node"), user, VIEW)


def power_list(*, user, filters=None):
    f = filters or {}
    qs = policy.scope(Power.objects.select_related("subject__unit"), user, VIEW)
    if f.get("power_type"):
        qs = qs.filter(power_type=f["power_type"])
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]))
    if f.get("active") != "all":
        qs = qs.filter(is_active=True)
    return qs.order_by("code")


def power_get_for_user(*, user, pk):
    return policy.get_for_user(Power.objects.select_related("subject__unit"), user, VIEW, pk=pk)


def officer_list(*, user, filters=None):
    f = filters or {}
    qs = policy.scope(Officer.objects.select_related("subject__unit", "user"), user, VIEW)
    today = clock.today()
    cert = f.get("cert")
    if cert == "valid":
        qs = qs.filter(status=Officer.Status.ACTIVE, valid_until__gte=today).exclude(certificate_number="")
    elif cert == "expiring":
        qs = qs.filter(status=Officer.Status.ACTIVE, valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=60))
    elif cert == "invalid":
        qs = qs.filter(Q(valid_until__lt=today) | Q(valid_until__isnull=True) | Q(certificate_number="") | ~Q(status=Officer.Status.ACTIVE))
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(certificate_number__icontains=f["q"]))
    return qs.order_by("name", "id")


def officer_get_for_user(*, user, pk):
    return policy.get_for_user(Officer.objects.select_related("subject__unit", "user"), user, VIEW, pk=pk)


def officers_expiring(*, user, days=60):
    today = clock.today()
    return officer_list(user=user).filter(status=Officer.Status.ACTIVE, valid_until__gte=today,
                                          valid_until__lte=today + datetime.timedelta(days=days))


def case_list(*, user, filters=None):
    f = filters or {}
    qs = policy.scope(Case.objects.select_related("power", "node", "subject__unit"), user, VIEW)
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("power"):
        qs = qs.filter(power_id=f["power"]) if str(f["power"]).isdigit() else qs.none()
    if f.get("power_type"):
        qs = qs.filter(power__power_type=f["power_type"])
    if f.get("result"):
        qs = qs.filter(result=f["result"])
    if f.get("major") == "1":
        qs = qs.filter(is_major=True)
    if f.get("node") and str(f["node"]).isdigit():
        from fazhi.core.models import OrgNode

        node = OrgNode.objects.filter(pk=f["node"]).first()
        qs = qs.filter(node__path__startswith=node.path) if node else qs.none()
    start, end = _date(f.get("start")), _date(f.get("end"))
    if start:
        qs = qs.filter(filed_on__gte=start)
    if end:
        qs = qs.filter(filed_on__lte=end)
    today = clock.today()
    due = f.get("due")
    if due == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, decision_due__lt=today)
    elif due == "soon":
        qs = qs.filter(status__in=OPEN_STATUSES, decision_due__gte=today, decision_due__lte=today + datetime.timedelta(days=7))
    elif due == "service":
        qs = qs.filter(status=CaseStatus.DECIDED)
    if f.get("q"):
        q = search_q(f["q"])
        if q is not None:
            qs = qs.filter(q | Q(number__icontains=f["q"]))
    return qs.order_by("-created_at", "-id")


def case_get_for_user(*, user, pk):
    return policy.get_for_user(Case.objects.select_related("power", "node", "subject__unit", "subject__node", "created_by"),
                               user, VIEW, pk=pk)


def case_steps(case):
    files_by_step = {}
    step_ids = list(case.steps.values_list("pk", flat=True))
    for f in StoredFile.objects.filter(owner_type=STEP_OWNER, owner_id__in=[str(i) for i in step_ids]).order_by("uploaded_at", "id"):
        files_by_step.setdefault(int(f.owner_id), []).append(f)
    steps = list(case.steps.select_related("recorded_by", "corrects").prefetch_related("officers").order_by("occurred_at", "id"))
    for s in steps:
        s.evidence = files_by_step.get(s.pk, [])
        s.has_av = any(f.content_type.startswith(("audio/", "video/")) for f in s.evidence)
        s.lacks_av = s.av_required and not s.has_av
    return steps


def steps_lacking_av(steps):
    return [s for s in steps if s.lacks_av]


def step_get_for_user(*, user, pk):
    return policy.get_for_user(CaseStep.objects.select_related("case", "case__subject"), user, VIEW, pk=pk)


def custody_of(case):
    return CustodyEvent.objects.filter(step__case=case).select_related("stored_file", "user", "step").order_by("-at", "-id")


def reviews_of(case):
    return case.reviews.select_related("reviewer").order_by("reviewed_at", "id")


def review_queue(*, user):
    return case_list(user=user).filter(status=CaseStatus.REVIEWING)


def major_rules():
    return MajorCaseRule.objects.all()


def publication_list(*, user, filters=None):
    f = filters or {}
    qs = policy.scope(Publication.objects.select_related("case"), user, VIEW)
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs.order_by("-published_on", "-id")


def publications_to_withdraw(*, user):
    """Publications whose decision was revoked or changed and that are still on the public site."""
    return publication_list(user=user).filter(status=Publication.Status.PUBLISHED, revoked_on__isnull=False).order_by("withdraw_due")


def publication_get_for_user(*, user, pk):
    return policy.get_for_user(Publication.objects.select_related("case"), user, VIEW, pk=pk)


def unpublished_decisions(*, user):
    """Decided cases not yet published (with the publication deadline computed by the view)."""
    return case_list(user=user).filter(status__in=[CaseStatus.DECIDED, CaseStatus.SERVED, CaseStatus.EXECUTED, CaseStatus.CLOSED]) \
        .exclude(publications__status=Publication.Status.PUBLISHED).exclude(publications__status=Publication.Status.WITHDRAWN)


def evaluation_list(*, user):
    return policy.scope(Evaluation.objects.select_related("case", "evaluator"), user, VIEW).order_by("-evaluated_on", "-id")


def accountability_list(*, user):
    return policy.scope(Accountability.objects.select_related("officer", "case"), user, VIEW).order_by("-decided_on", "-id")


# ---- public (no login): only what the three systems require to be public --------------------------------------

def public_subjects():
    return Subject.objects.select_related("unit", "node").filter(node__is_active=True).prefetch_related(
        Prefetch("powers", queryset=Power.objects.filter(is_active=True).order_by("code")))


def public_officers(on=None):
    on = on or clock.today()
    return Officer.objects.select_related("subject__unit").filter(
        status=Officer.Status.ACTIVE, valid_until__gte=on).exclude(certificate_number="").order_by("subject", "name")


def public_publications(filters=None):
    f = filters or {}
    qs = Publication.objects.filter(status=Publication.Status.PUBLISHED)
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(body__icontains=f["q"]))
    return qs.order_by("-published_on", "-id")


def public_publication(pk):
    from django.http import Http404

    pub = Publication.objects.filter(pk=pk, status=Publication.Status.PUBLISHED).first() if str(pk).isdigit() else None
    if pub is None:
        raise Http404("公示不存在或已撤回。")
    return pub
