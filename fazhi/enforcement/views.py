"""Workbench pages (staff). Thin: parse → service / selector → render."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from fazhi.core import audit, clock, files, policy, ui
from fazhi.core.errors import DomainError
from fazhi.core.models import OrgNode, User

from . import documents, selectors, services
from .forms import (
    AccountabilityForm,
    CaseForm,
    CorrectionForm,
    EvaluationForm,
    EvidenceForm,
    OfficerForm,
    PowerForm,
    ReviewForm,
    RevokedForm,
    StepForm,
    SubjectForm,
    TransitionForm,
    WithdrawForm,
)
from .models import EVALUATION_CHECKLIST, OPEN_STATUSES, REVIEW_CHECKLIST, CaseStatus, PowerType, Publication, Result
from .workflow import case_workflow, review_workflow


def _require(user, perm):
    if not policy.has_perm(user, perm):
        raise PermissionDenied("您的岗位角色不包含此功能。")


def _subject(user):
    subject = selectors.subject_list(user=user).first()
    if subject is None:
        raise Http404("尚未登记执法主体（综合行政执法办公室），请执法办负责人先登记。")
    return subject


def _form_page(request, form, title, status=200, multipart=False, back=""):
    return render(request, "enforcement/form.html", {"form": form, "title": title, "multipart": multipart, "back": back}, status=status)


# ---- cases ---------------------------------------------------------------------------------------------------

@login_required
def case_list(request):
    _require(request.user, "enforcement.view")
    qs = selectors.case_list(user=request.user, filters=request.GET)
    return render(request, "enforcement/case_list.html", {
        **ui.paginate(request, qs), "filters": request.GET, "statuses": CaseStatus.choices, "power_types": PowerType.choices,
        "results": Result.choices, "today": clock.today(), "open_statuses": OPEN_STATUSES,
        "can_create": policy.has_perm(request.user, "enforcement.handle")})


@login_required
def case_new(request):
    _require(request.user, "enforcement.handle")
    subject = _subject(request.user)
    form = CaseForm(request.POST or None, subject=subject, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            node = OrgNode.objects.get(pk=d["node"])
            power = selectors.power_get_for_user(user=request.user, pk=d["power"])
            case = services.case_create(actor=request.user, subject=subject, power=power, node=node, title=d["title"],
                                        party_kind=d["party_kind"], party_name=d["party_name"], party_id_number=d["party_id_number"],
                                        party_phone=d["party_phone"], party_address=d["party_address"], facts=d["facts"],
                                        officers=d["officers"], involves_public_interest=d["involves_public_interest"],
                                        is_complex=d["is_complex"])
            messages.success(request, "案件已登记，待执法办负责人审批立案。")
            return redirect("enforcement:case_detail", pk=case.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, "登记执法案件", status=400 if request.method == "POST" else 200)


def _case_context(request, case):
    steps = selectors.case_steps(case)
    user = request.user
    actions = []
    for t in case_workflow.available(case, user):
        actions.append({"t": t, "form": TransitionForm(transition=t, case=case, initial={"version": case.version})})
    today = clock.today()
    decision_deadline = services.decision_deadline(case)
    pub_deadline = services.publication_deadline(case)
    publications = list(case.publications.all())
    reviews = list(selectors.reviews_of(case))
    return {
        "case": case, "steps": steps, "lacking_av": selectors.steps_lacking_av(steps), "actions": actions,
        "step_form": StepForm(subject=case.subject) if case.status == CaseStatus.INVESTIGATING and policy.has_perm(user, "enforcement.handle", case.node) else None,
        "can_handle": policy.has_perm(user, "enforcement.handle", case.node) and case.status not in (CaseStatus.CLOSED, CaseStatus.NOT_FILED),
        "can_review": any(review_workflow.why_not(case, user, n) is None for n in ("approve_review", "reject_review")),
        "review_block": review_workflow.why_not(case, user, "approve_review") if case.status == CaseStatus.REVIEWING else None,
        "can_publish": policy.has_perm(user, "enforcement.publish", case.node) and case.decided_on and not any(p.status == Publication.Status.PUBLISHED for p in publications),
        "can_evaluate": policy.has_perm(user, "enforcement.supervise", case.node) and case.status == CaseStatus.CLOSED,
        "decision_deadline": decision_deadline,
        "decision_status": decision_deadline.status(today, case.decided_on) if decision_deadline else None,
        "pub_deadline": pub_deadline,
        "pub_status": pub_deadline.status(today, publications[0].published_on if publications else None) if pub_deadline else None,
        "publications": publications, "reviews": reviews, "review_checklist": REVIEW_CHECKLIST,
        "evaluations": list(case.evaluations.select_related("evaluator")), "evaluation_checklist": EVALUATION_CHECKLIST,
        "custody": selectors.custody_of(case)[:50], "timeline": audit.timeline(case),
        "officers": list(case.officers.all()), "documents": documents.AVAILABLE(case),
        "evidence_max": files.human_size(settings.FAZHI["EVIDENCE_MAX_BYTES"]),
        "preview": services.publication_preview(case)[2] if case.decided_on else "",
    }


@login_required
def case_detail(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return render(request, "enforcement/case_detail.html", _case_context(request, case))


@login_required
@require_POST
def case_act(request, pk, name):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    t = case_workflow.transitions.get(name)
    if t is None:
        raise Http404("未知的操作。")
    form = TransitionForm(request.POST, transition=t, case=case)
    if form.is_valid():
        d = dict(form.cleaned_data)
        try:
            services.case_transition(actor=request.user, case=case, name=name, version=d.pop("version", None),
                                     reason=d.pop("reason", ""), **d)
            messages.success(request, f"已{t.label}。")
            return redirect("enforcement:case_detail", pk=case.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, f"{t.label} — {case}", status=400, back=case.pk)


@login_required
@require_POST
def step_new(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    form = StepForm(request.POST, subject=case.subject)
    if form.is_valid():
        try:
            services.step_record(actor=request.user, case=case, **form.cleaned_data)
            messages.success(request, "已记录执法环节。")
            return redirect("enforcement:case_detail", pk=case.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, f"记录调查取证 — {case}", status=400, back=case.pk)


@login_required
def step_correct(request, pk):
    step = selectors.step_get_for_user(user=request.user, pk=pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_correct(actor=request.user, step=step, **form.cleaned_data)
            messages.success(request, "已新增更正记录，原记录保持不变。")
            return redirect("enforcement:case_detail", pk=step.case_id)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, f"更正记录：{step}", status=400 if request.method == "POST" else 200, back=step.case_id)


@csrf_exempt
def evidence_upload(request, pk):
    """The size limit must be in place before anything (the CSRF check included) reads the body, so a 2 GB upload is
    refused while streaming; the CSRF check then runs in the inner view."""
    files.limit_uploads(request, settings.FAZHI["EVIDENCE_MAX_BYTES"])
    return _evidence_upload(request, pk)


@csrf_protect
@login_required
def _evidence_upload(request, pk):
    step = selectors.step_get_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        return _form_page(request, EvidenceForm(), f"上传证据：{step}", multipart=True, back=step.case_id)
    form = EvidenceForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        form = EvidenceForm(data={}, files={})
        form.is_valid()
        form.errors.clear()
        form.add_error("file", f"上传的文件超过大小上限 {files.human_size(settings.FAZHI['EVIDENCE_MAX_BYTES'])}，未保存。")
    elif form.is_valid():
        try:
            stored = services.evidence_upload(actor=request.user, step=step, upload=form.cleaned_data["file"])
            messages.success(request, f"已上传证据“{stored.original_name}”（SHA-256 {stored.sha256[:12]}…）。")
            return redirect("enforcement:case_detail", pk=step.case_id)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, f"上传证据：{step}", status=400, multipart=True, back=step.case_id)


@login_required
def review(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    form = ReviewForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            r = services.legal_review_record(actor=request.user, case=case, opinion=form.cleaned_data["opinion"],
                                             checklist=form.checklist(), reasons=form.cleaned_data["reasons"],
                                             version=form.cleaned_data.get("version"))
            messages.success(request, f"法制审核意见已记录：{r.get_opinion_display()}。")
            return redirect("enforcement:case_detail", pk=case.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    ctx = _case_context(request, case)
    return render(request, "enforcement/review.html", ctx | {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def publish(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    try:
        pub = services.publication_publish(actor=request.user, case=case, scrub=request.POST.get("scrub") == "1")
        if getattr(pub, "scrubbed", False):
            messages.warning(request, "公示内容中的身份证号/电话号码已自动隐去后公示。")
        messages.success(request, "执法决定已在公众网站公示。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("enforcement:case_detail", pk=case.pk)


@login_required
def evaluate(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    _require(request.user, "enforcement.supervise")
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ev = services.evaluation_record(actor=request.user, case=case, scores=form.scores(), findings=form.cleaned_data["findings"])
            messages.success(request, f"案卷评查已记录，得分{ev.total}分。")
            return redirect("enforcement:case_detail", pk=case.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, f"案卷评查 — {case}", status=400 if request.method == "POST" else 200, back=case.pk)


@login_required
def document(request, pk, kind):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    try:
        content, filename = documents.render(case, kind)
    except KeyError:
        raise Http404("没有这种文书。")
    except DomainError as exc:
        ui.flash_error(request, exc)
        return redirect("enforcement:case_detail", pk=case.pk)
    return ui.file_response(content, filename, ui.DOCX)


# ---- deadlines, reviews, publicity, supervision -----------------------------------------------------------------

@login_required
def deadlines(request):
    _require(request.user, "enforcement.view")
    today = clock.today()
    overdue = selectors.case_list(user=request.user, filters={"due": "overdue"}).order_by("decision_due")[:100]
    soon = selectors.case_list(user=request.user, filters={"due": "soon"}).order_by("decision_due")[:100]
    unserved = []
    for c in selectors.case_list(user=request.user, filters={"due": "service"}).order_by("service_due")[:100]:
        unserved.append((c, c.service_due, "overdue" if c.service_due and c.service_due < today else "open"))
    unpublished = []
    for c in selectors.unpublished_decisions(user=request.user).order_by("decided_on")[:100]:
        d = services.publication_deadline(c)
        unpublished.append((c, d, d.status(today) if d else None))
    to_withdraw = [(p, "overdue" if p.withdraw_due and p.withdraw_due < today else "due_soon")
                   for p in selectors.publications_to_withdraw(user=request.user)[:100]]
    return render(request, "enforcement/deadlines.html", {"overdue": overdue, "soon": soon, "unserved": unserved,
                                                          "unpublished": unpublished, "to_withdraw": to_withdraw, "today": today})


@login_required
def review_queue(request):
    _require(request.user, "enforcement.view")
    qs = selectors.review_queue(user=request.user)
    return render(request, "enforcement/review_queue.html", {**ui.paginate(request, qs), "rules": selectors.major_rules(),
                                                             "checklist": REVIEW_CHECKLIST})


@login_required
def publications(request):
    _require(request.user, "enforcement.view")
    qs = selectors.publication_list(user=request.user, filters=request.GET)
    return render(request, "enforcement/publications.html", {**ui.paginate(request, qs), "filters": request.GET,
                                                             "can_publish": policy.has_perm(request.user, "enforcement.publish")})


@login_required
def publication_withdraw(request, pk):
    pub = selectors.publication_get_for_user(user=request.user, pk=pk)
    form = WithdrawForm(request.POST or None, initial={"version": pub.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_withdraw(actor=request.user, publication=pub, reason=form.cleaned_data["reason"],
                                          revoked_on=form.cleaned_data["revoked_on"], version=form.cleaned_data.get("version"))
            messages.success(request, "公示已撤回，公众网站不再显示。")
            return redirect("enforcement:publications")
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, f"撤回公示：{pub.title}", status=400 if request.method == "POST" else 200)


@login_required
def publication_revoked(request, pk):
    pub = selectors.publication_get_for_user(user=request.user, pk=pk)
    form = RevokedForm(request.POST or None, initial={"version": pub.version})
    if request.method == "POST" and form.is_valid():
        try:
            pub = services.publication_mark_revoked(actor=request.user, publication=pub, **form.cleaned_data)
            messages.success(request, f"已登记。请在{pub.withdraw_due:%Y-%m-%d}前撤回该公示。")
            return redirect("enforcement:publications")
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, f"登记原决定被撤销/变更：{pub.title}", status=400 if request.method == "POST" else 200)


@login_required
def supervision(request):
    _require(request.user, "enforcement.view")
    return render(request, "enforcement/supervision.html", {
        "evaluations": selectors.evaluation_list(user=request.user)[:100],
        "accountabilities": selectors.accountability_list(user=request.user)[:100],
        "to_evaluate": selectors.case_list(user=request.user, filters={"status": CaseStatus.CLOSED}).filter(evaluations__isnull=True)[:50],
        "can_supervise": policy.has_perm(request.user, "enforcement.supervise")})


# ---- officers, powers, subject ------------------------------------------------------------------------------

@login_required
def officer_list(request):
    _require(request.user, "enforcement.view")
    qs = selectors.officer_list(user=request.user, filters=request.GET)
    today = clock.today()
    return render(request, "enforcement/officer_list.html", {**ui.paginate(request, qs), "filters": request.GET, "today": today,
                                                             "can_manage": policy.has_perm(request.user, "enforcement.manage")})


@login_required
def officer_new(request):
    _require(request.user, "enforcement.manage")
    subject = _subject(request.user)
    form = OfficerForm(request.POST or None, subject=subject)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d.pop("version", None)
        try:
            user = User.objects.filter(pk=d.pop("user")).first()
            officer = services.officer_create(actor=request.user, subject=subject, user=user, **d)
            messages.success(request, f"已登记执法人员 {officer.name}。")
            return redirect("enforcement:officer_detail", pk=officer.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, "登记执法人员", status=400 if request.method == "POST" else 200)


@login_required
def officer_detail(request, pk):
    officer = selectors.officer_get_for_user(user=request.user, pk=pk)
    can_manage = policy.has_perm(request.user, "enforcement.manage", officer.node)
    form = OfficerForm(request.POST or None, subject=officer.subject, editing=True, initial={
        "certificate_number": officer.certificate_number, "issuing_authority": officer.issuing_authority,
        "valid_from": officer.valid_from, "valid_until": officer.valid_until, "status": officer.status, "version": officer.version})
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("您的岗位角色不包含此功能。")
        if form.is_valid():
            d = dict(form.cleaned_data)
            try:
                services.officer_update(actor=request.user, officer=officer, version=d.pop("version", None), **d)
                messages.success(request, "执法证信息已保存。")
                return redirect("enforcement:officer_detail", pk=officer.pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
        status = 400
    from .figures import training_hours_for

    hours, source_ok = training_hours_for([officer.user_id], None, None)
    return render(request, "enforcement/officer_detail.html", {
        "officer": officer, "form": form if can_manage else None, "today": clock.today(),
        "cert_problem": officer.certificate_problem(clock.today()), "timeline": audit.timeline(officer),
        "accountabilities": officer.accountabilities.select_related("case"), "steps": officer.steps.select_related("case").order_by("-occurred_at")[:20],
        "acc_form": AccountabilityForm() if policy.has_perm(request.user, "enforcement.supervise", officer.node) else None,
        "training_hours": hours.get(officer.user_id, 0), "training_source_ok": source_ok}, status=status)


@login_required
@require_POST
def accountability_new(request, pk):
    officer = selectors.officer_get_for_user(user=request.user, pk=pk)
    form = AccountabilityForm(request.POST)
    if form.is_valid():
        d = dict(form.cleaned_data)
        case_ref = d.pop("case")
        try:
            case = selectors.case_get_for_user(user=request.user, pk=case_ref) if case_ref else None
            services.accountability_record(actor=request.user, officer=officer, case=case, **d)
            messages.success(request, "已登记责任追究。")
            return redirect("enforcement:officer_detail", pk=officer.pk)
        except Http404:
            form.add_error("case", "关联案件不存在或不在您的管辖范围内。")
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, f"责任追究：{officer.name}", status=400)


@login_required
def power_list(request):
    _require(request.user, "enforcement.view")
    qs = selectors.power_list(user=request.user, filters=request.GET)
    return render(request, "enforcement/power_list.html", {**ui.paginate(request, qs), "filters": request.GET, "power_types": PowerType.choices,
                                                           "can_manage": policy.has_perm(request.user, "enforcement.manage"),
                                                           "subjects": selectors.subject_list(user=request.user)})


@login_required
def power_edit(request, pk=None):
    _require(request.user, "enforcement.manage")
    power = selectors.power_get_for_user(user=request.user, pk=pk) if pk else None
    initial = {"is_active": True}
    if power:
        initial = {f: getattr(power, f) for f in ("code", "name", "power_type", "legal_basis", "discretion", "is_active", "version")}
    form = PowerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        version = d.pop("version", None)
        try:
            if power:
                services.power_update(actor=request.user, power=power, version=version, **d)
            else:
                d.pop("is_active", None)
                services.power_create(actor=request.user, subject=_subject(request.user), **d)
            messages.success(request, "权责清单事项已保存。")
            return redirect("enforcement:power_list")
        except DomainError as exc:
            ui.apply_error(form, exc)
    return _form_page(request, form, "修改权责清单事项" if power else "新增权责清单事项", status=400 if request.method == "POST" else 200)


@login_required
def subject_edit(request):
    _require(request.user, "enforcement.manage")
    subject = selectors.subject_list(user=request.user).first()
    units = [m.unit for m in request.user.memberships.select_related("unit") if m.unit_id]
    initial = {f: getattr(subject, f) for f in SubjectForm.base_fields} if subject else {}
    form = SubjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = subject.unit if subject else (units[0] if units else None)
        if unit is None:
            form.add_error(None, "您的账号未关联机构（综合行政执法办公室），请系统管理员设置。")
        else:
            try:
                services.subject_save(actor=request.user, unit=unit, **form.cleaned_data)
                messages.success(request, "执法主体信息已保存，并在公众网站公示。")
                return redirect("enforcement:power_list")
            except DomainError as exc:
                ui.apply_error(form, exc)
    return _form_page(request, form, "执法主体信息（事前公开）", status=400 if request.method == "POST" else 200)
