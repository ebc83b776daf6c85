"""Every read of the enforcement module, scoped through its access policies (policies.py)."""
from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate

from fazhi.core import clock, orgkinds, personal, policy
from fazhi.core.errors import DomainError
from fazhi.core.models import StoredFile, User
from fazhi.core.search import search_q
from fazhi.core.selectors import within_dates
from fazhi.core.validators import clean_date

from .models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    CaseStep,
    CustodyEvent,
    MajorCaseRule,
    Officer,
    Power,
    Publication,
    Subject,
)
from .policies import (
    accountability_policy,
    case_policy,
    evaluation_policy,
    officer_policy,
    power_policy,
    publication_policy,
    step_policy,
    subject_policy,
)

VIEW = "enforcement.view"
STEP_OWNER = "enforcement.casestep"


def _date(value) -> datetime.date | None:
    """A list filter's date: a bad value filters nothing (never an error page)."""
    try:
        return clean_date(value, field="date", label="日期", required=False)
    except DomainError:
        return None


def subject_list(*, user) -> QuerySet:
    return subject_policy.instances_for(user)


def subjects_by_node(*, user, filters=None) -> QuerySet:
    """The subjects in the user's scope in the order of the org tree (the API's list)."""
    return subject_list(user=user).order_by("node__path", "id")


def subject_for(*, user, subject=None, action: str = "manage", node=None) -> Subject:
    """The enforcement subject a new record is filed under. ``subject`` (an id, or a subdistrict's id or name) chooses
    it; a ``node`` (where a case happened) implies its subdistrict's subject; otherwise only a user whose scope is one
    subdistrict gets that subdistrict's subject — a district-level user must choose (never the first subdistrict
    silently)."""
    subjects = subject_policy.instances_for(user, action)
    if subject in (None, "") and node is not None:
        tenant = node.tenant()
        found = list(subjects.filter(node=tenant)[:1]) if tenant is not None else []
        if not found:
            raise DomainError(f"{tenant.name if tenant else node.name}尚未登记执法主体（综合行政执法办公室）。",
                              field_errors={"node": "该街道尚未登记执法主体。"})
        return found[0]
    if subject not in (None, ""):
        text = str(getattr(subject, "pk", subject)).strip()
        match = subjects.filter(pk=int(text)) if text.isdigit() and len(text) < 12 else subjects.none()
        if not match.exists():
            match = subjects.filter(Q(node__name=text) | Q(node__short_name=text) | Q(unit__name=text)
                                    | (Q(node_id=int(text)) if text.isdigit() and len(text) < 12 else Q(pk__in=[])))
        found = list(match[:2])
        if len(found) != 1:
            raise DomainError("所选执法主体（街道）不存在或不在您的管辖范围内。",
                              field_errors={"subject": "所选执法主体不存在或不在您的管辖范围内。"})
        return found[0]
    above_tenant = _holds_above_tenant(user, subject_policy.perm(action))
    found = list(subjects[:2])
    if above_tenant or len(found) > 1:
        raise DomainError("您的管辖范围包含多个街道，请选择执法主体（街道）。",
                          field_errors={"subject": "请选择执法主体（街道）。"})
    if not found:
        raise DomainError("尚未登记执法主体（综合行政执法办公室），请执法办负责人先登记。",
                          field_errors={"subject": "尚未登记执法主体。"})
    return found[0]


def department_for(*, user, pk):
    """A subdistrict's internal department (the comprehensive enforcement office) the user may manage, by id: the unit
    an enforcement subject is registered for. Outside the scope or not a department → a clear refusal."""
    from fazhi.core.models import Unit

    nodes = policy.scoped_nodes(user, "enforcement.manage")
    unit = Unit.objects.filter(pk=pk, kind=Unit.Kind.DEPARTMENT, is_active=True, node__in=nodes).select_related("node") \
        .first() if str(pk).isdigit() and len(str(pk)) < 12 else None
    if unit is None:
        message = "所选机构不存在、不在您的管辖范围内，或不是街道的内设机构（综合行政执法办公室）。"
        raise DomainError(message, field_errors={"unit": message})
    return unit


def subject_of_unit(unit) -> Subject | None:
    return Subject.objects.filter(unit=unit).first()


def departments_of(node) -> list:
    """The subdistrict's active internal departments (where its enforcement office may be)."""
    from fazhi.core.models import Unit

    return list(Unit.objects.filter(node=node, kind=Unit.Kind.DEPARTMENT, is_active=True).order_by("sort_order", "id"))


def must_choose_subject(*, user, action: str = "manage") -> bool:
    """Does a new record of this user need an explicit subject (a district-level scope, or several subjects)?"""
    return _holds_above_tenant(user, subject_policy.perm(action)) or \
        subject_policy.instances_for(user, action).count() > 1


def user_by_id(pk) -> User | None:
    """An account by id (the officer form's choice; the service checks it belongs to the subject's subdistrict)."""
    if pk in (None, "") or not str(pk).isdigit() or len(str(pk)) > 12:
        return None
    return User.objects.filter(pk=int(pk)).first()


def _holds_above_tenant(user, perm: str) -> bool:
    from fazhi.core.models import OrgNode

    paths = policy.scope_paths(user, perm)
    return any(n.level < orgkinds.TENANT for n in OrgNode.objects.filter(path__in=paths))


def power_list(*, user, filters=None):
    f = filters or {}
    qs = _equal(power_policy.instances_for(user), f, power_type="power_type")
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]))
    if f.get("active") != "all":
        qs = qs.filter(is_active=True)
    return _in_node(qs, user, f).order_by("code")


def power_get_for_user(*, user, pk, action: str = "view") -> Power:
    return power_policy.get_for_user(user, action, pk)


def powers_of(subject: Subject) -> QuerySet:
    """The subject's active powers (form choices)."""
    return Power.objects.filter(subject=subject, is_active=True).order_by("code")


def officers_of(subject: Subject) -> QuerySet:
    return Officer.objects.filter(subject=subject).order_by("name")


def staff_of(subject: Subject) -> QuerySet:
    """Active accounts of the subject's subdistrict (hearing hosts, legal reviewers)."""
    return User.objects.filter(memberships__node__path__startswith=subject.node.path, memberships__is_active=True,
                               is_active=True).distinct().order_by("username")


def reviewers(*, user, filters=None) -> QuerySet:
    from .policies import reviewer_policy

    return reviewer_policy.instances_for(user).select_related("user")


def officer_candidates(subject: Subject) -> QuerySet:
    """Active accounts of the subject's subdistrict not yet registered as officers (the officer form's choices)."""
    return User.objects.filter(memberships__node__path__startswith=subject.node.path, memberships__is_active=True,
                               is_active=True).exclude(pk__in=Officer.objects.values("user_id")).distinct().order_by("username")


def officer_list(*, user, filters=None):
    f = filters or {}
    qs = officer_policy.instances_for(user)
    today = clock.today()
    cert = f.get("cert")
    if cert == "valid":
        qs = qs.filter(status=Officer.Status.ACTIVE, valid_until__gte=today).exclude(certificate_number="")
    elif cert == "expiring":
        qs = qs.filter(status=Officer.Status.ACTIVE, valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=60))
    elif cert == "invalid":
        qs = qs.filter(Q(valid_until__lt=today) | Q(valid_until__isnull=True) | Q(certificate_number="") | ~Q(status=Officer.Status.ACTIVE))
    if f.get("current") == "1":
        qs = qs.exclude(status=Officer.Status.REVOKED)
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(certificate_number__icontains=f["q"]))
    return _in_node(qs, user, f).order_by("name", "id")


def officer_get_for_user(*, user, pk, action: str = "view") -> Officer:
    return officer_policy.get_for_user(user, action, pk)


def officers_expiring(*, user, days=60):
    today = clock.today()
    return officer_list(user=user).filter(status=Officer.Status.ACTIVE, valid_until__gte=today,
                                          valid_until__lte=today + datetime.timedelta(days=days))


def expired_before_entry(field: str) -> Q:
    """A time limit (``field``: a due date of the case) that had already run out before the case was entered in the
    platform — history brought in from a paper ledger with its own dates. The platform could never have warned of it,
    so it raises no alarm (overdue lists, to-dos, reminders); a limit still running at entry is watched as usual."""
    return Q(**{f"{field}__lt": TruncDate("created_at")})


# ``?period=`` of the case list: which date ``start``/``end`` bound (a figure's records link names its own date)
PERIODS = {"filed": "filed_on", "decided": "decided_on", "closed": "closed_on"}


def _in_node(qs, user, f, field="node"):
    """``?node=``: rows inside that node of the user's scope (a node outside it lists nothing)."""
    if f.get("node") and str(f["node"]).isdigit() and len(str(f["node"])) < 12:
        node = policy.scoped_nodes(user, VIEW).filter(pk=f["node"]).first()
        qs = qs.filter(**{f"{field}__path__startswith": node.path}) if node else qs.none()
    return qs


def _in_period(qs, f, field):
    """``?start=&end=`` (dates, inclusive) on ``field``; a bad date filters nothing."""
    return within_dates(qs, field, _date(f.get("start")), _date(f.get("end")))


def _equal(qs, f, **fields):
    """``?<param>=<value>`` for each ``param=field`` given: rows whose field equals it (an empty value: no filter)."""
    return qs.filter(**{field: f[param] for param, field in fields.items() if f.get(param)})


def case_list(*, user, filters=None):
    f = filters or {}
    qs = _equal(case_policy.instances_for(user), f, status="status", power_type="power__power_type", result="result")
    if f.get("power"):
        qs = qs.filter(power_id=f["power"]) if str(f["power"]).isdigit() else qs.none()
    if f.get("major") == "1":
        qs = qs.filter(is_major=True)
    qs = _in_node(qs, user, f)
    qs = _in_period(qs, f, PERIODS.get(f.get("period"), "filed_on"))
    today = clock.today()
    due = f.get("due")
    if due == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, decision_due__lt=today).exclude(expired_before_entry("decision_due"))
    elif due == "soon":
        qs = qs.filter(status__in=OPEN_STATUSES, decision_due__gte=today, decision_due__lte=today + datetime.timedelta(days=7))
    elif due == "service":
        qs = qs.filter(status=CaseStatus.DECIDED).exclude(expired_before_entry("service_due"))
    number = personal.search_numbers(Case, ("party_id_number", "party_phone"), f.get("q"))
    if number is not None:  # an ID or phone number: found by its keyed hash (the numbers are encrypted)
        qs = qs.filter(number)
    elif f.get("q"):
        q = search_q(f["q"])
        if q is not None:
            qs = qs.filter(q | Q(number__icontains=f["q"]))
    return qs.order_by("-created_at", "-id")


def case_get_for_user(*, user, pk, action: str = "view") -> Case:
    return case_policy.get_for_user(user, action, pk)


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


def step_get_for_user(*, user, pk, action: str = "view") -> CaseStep:
    return step_policy.get_for_user(user, action, pk)


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
    qs = publication_policy.instances_for(user)
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs.order_by("-published_on", "-id")


def publications_to_withdraw(*, user):
    """Publications whose decision was revoked or changed and that are still on the public site."""
    return publication_list(user=user).filter(status=Publication.Status.PUBLISHED, revoked_on__isnull=False).order_by("withdraw_due")


def publication_get_for_user(*, user, pk, action: str = "view") -> Publication:
    return publication_policy.get_for_user(user, action, pk)


def unpublished_decisions(*, user):
    """Decided cases not yet published (with the publication deadline computed by the view); not those whose
    publication limit had run out before they were entered (history: ``expired_before_entry``)."""
    return case_list(user=user).filter(status__in=[CaseStatus.DECIDED, CaseStatus.SERVED, CaseStatus.EXECUTED, CaseStatus.CLOSED]) \
        .exclude(publications__status=Publication.Status.PUBLISHED).exclude(publications__status=Publication.Status.WITHDRAWN) \
        .exclude(expired_before_entry("publication_due"))


def evaluation_list(*, user, filters=None):
    f = filters or {}
    qs = _in_period(_in_node(evaluation_policy.instances_for(user), user, f), f, "evaluated_on")
    return qs.order_by("-evaluated_on", "-id")


def review_list(*, user, filters=None):
    """Legal review opinions (法制审核记录), newest first; ``?node=&start=&end=`` on the review date."""
    from .policies import review_policy

    f = filters or {}
    qs = _in_period(_in_node(review_policy.instances_for(user).select_related("case", "reviewer"), user, f), f,
                    "reviewed_at__date")
    if f.get("opinion"):
        qs = qs.filter(opinion=f["opinion"])
    return qs.order_by("-reviewed_at", "-id")


def av_step_list(*, user, filters=None):
    """Steps that must be recorded on audio or video (应音像记录的执法环节); ``?node=&start=&end=`` on the step's time."""
    f = filters or {}
    qs = _in_node(step_policy.instances_for(user).filter(av_required=True).select_related("case"), user, f)
    qs = _in_period(qs, f, "occurred_at__date")
    return qs.order_by("-occurred_at", "-id")


def accountability_list(*, user):
    return accountability_policy.instances_for(user).order_by("-decided_on", "-id")


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
    qs = Publication.objects.filter(status__in=[Publication.Status.PUBLISHED, Publication.Status.WITHDRAWN])
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(body__icontains=f["q"], status=Publication.Status.PUBLISHED))
    return qs.order_by("-published_on", "-id")


def public_publication(pk) -> Publication:
    from fazhi.core.errors import NotFound

    pub = Publication.objects.filter(pk=pk).first() if str(pk).isdigit() and len(str(pk)) < 12 else None
    if pub is None:
        raise NotFound("公示不存在。")
    return pub
