"""Workbench pages (staff) on the one gate (fazhi.core.pages): permission per method, objects through the access
policies, one service call per form. Thin: parse → service / selector → render."""
from django.conf import settings
from django.urls import reverse

from fazhi.core import audit, clock, files, personal, policy, ui
from fazhi.core.errors import DomainError, NotFound
from fazhi.core.pages import ActionPage, FormPage, ListPage, Page, SelectorList
from fazhi.core.validators import clean_node

from . import documents, selectors, services
from .forms import (
    AccountabilityForm,
    CaseForm,
    CorrectionForm,
    EvaluationForm,
    EvidenceForm,
    OfficerForm,
    PowerForm,
    ReviewerForm,
    ReviewForm,
    RevokedForm,
    StepForm,
    SubjectForm,
    TransitionForm,
    WithdrawForm,
)
from .models import EVALUATION_CHECKLIST, OPEN_STATUSES, REVIEW_CHECKLIST, CaseStatus, PowerType, Publication, Result
from .policies import case_policy, officer_policy, power_policy, publication_policy, step_policy
from .workflow import case_workflow, review_workflow

VIEW, HANDLE, MANAGE = "enforcement.view", "enforcement.handle", "enforcement.manage"


def _case_url(pk) -> str:
    return reverse("enforcement:case_detail", args=[pk])


class EnforcementForm(FormPage):
    """A form page of this module: the shared form template, the way back to the case."""

    template_name = "enforcement/form.html"
    multipart = False

    def back_case(self):
        return ""

    def obj(self, action: str = "view"):
        """The URL's object through the page's access policy, fetched once per request."""
        if not hasattr(self, "_obj"):
            self._obj = self.get_object(self.kwargs["pk"], action)
        return self._obj

    def extra_context(self) -> dict:
        return {"multipart": self.multipart, "back": self.back_case()}

    def chosen_subject(self, action: str = "manage"):
        """The subject a new record is filed under: ``?subject=`` or the user's only one (else a clear 404)."""
        try:
            return selectors.subject_for(user=self.request.user, subject=self.request.GET.get("subject") or None,
                                         action=action)
        except DomainError as exc:
            raise NotFound(exc.message) from None


# ---- cases ----------------------------------------------------------------------------------------------------

class CaseList(SelectorList):
    menu = "执法案件"
    perms = {"GET": VIEW}
    access = case_policy
    template_name = "enforcement/case_list.html"
    selector = selectors.case_list

    def extra_context(self):
        return {"statuses": CaseStatus.choices, "power_types": PowerType.choices, "results": Result.choices,
                "today": clock.today(), "open_statuses": OPEN_STATUSES,
                "can_create": policy.has_perm(self.request.user, HANDLE)}


class CaseNew(EnforcementForm):
    perms = {"GET": HANDLE, "POST": HANDLE}
    form_class = CaseForm
    title = "登记执法案件"
    success_message = "案件已登记，待执法办负责人审批立案。"

    def get_form_kwargs(self):
        return {"subject": self.chosen_subject("handle"), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        power = selectors.power_list(user=self.request.user).filter(pk=d["power"], subject=form.subject).first()
        node = policy.scoped_nodes(self.request.user, HANDLE).filter(pk=d["node"]).first()
        return services.case_create(
            actor=self.request.user, subject=form.subject, power=power, node=node, title=d["title"],
            party_kind=d["party_kind"], party_name=d["party_name"], party_id_number=d["party_id_number"],
            party_phone=d["party_phone"], party_address=d["party_address"], facts=d["facts"], officers=d["officers"],
            involves_public_interest=d["involves_public_interest"], is_complex=d["is_complex"])

    def success_url(self, case):
        return _case_url(case.pk)


def case_context(request, case) -> dict:
    steps = selectors.case_steps(case)
    user = request.user
    actions = [{"t": t, "form": TransitionForm(transition=t, case=case, initial={"version": case.version})}
               for t in case_workflow.available(case, user)]
    today = clock.today()
    decision_deadline = services.decision_deadline(case)
    pub_deadline = services.publication_deadline(case)
    publications = list(case.publications.all())
    may = case_policy.may
    return {
        "case": case, "steps": steps, "lacking_av": selectors.steps_lacking_av(steps), "actions": actions,
        "step_form": StepForm(subject=case.subject)
        if case.status == CaseStatus.INVESTIGATING and may(user, "handle", case) else None,
        "can_handle": may(user, "handle", case) and case.status not in (CaseStatus.CLOSED, CaseStatus.NOT_FILED),
        "can_review": any(review_workflow.why_not(case, user, n) is None for n in ("approve_review", "reject_review")),
        "review_block": review_workflow.why_not(case, user, "approve_review")
        if case.status == CaseStatus.REVIEWING else None,
        "can_publish": may(user, "publish", case) and case.decided_on
        and not any(p.status == Publication.Status.PUBLISHED for p in publications),
        "can_evaluate": may(user, "supervise", case) and case.status == CaseStatus.CLOSED,
        "decision_deadline": decision_deadline,
        "decision_status": decision_deadline.status(today, case.decided_on) if decision_deadline else None,
        "pub_deadline": pub_deadline,
        "pub_status": pub_deadline.status(today, publications[0].published_on if publications else None)
        if pub_deadline else None,
        "clocks": services.open_clocks(case, today),
        "publications": publications, "reviews": list(selectors.reviews_of(case)), "review_checklist": REVIEW_CHECKLIST,
        "evaluations": list(case.evaluations.select_related("evaluator")), "evaluation_checklist": EVALUATION_CHECKLIST,
        "custody": selectors.custody_of(case)[:50], "timeline": audit.timeline(case),
        "officers": list(case.officers.all()), "documents": documents.AVAILABLE(case),
        "evidence_max": files.human_size(settings.FAZHI["EVIDENCE_MAX_BYTES"]),
        "preview": services.publication_preview(case)[2] if case.decided_on else "",
    }


class CaseDetail(Page):
    perms = {"GET": VIEW}
    access = case_policy
    template_name = "enforcement/case_detail.html"

    def get(self, request, pk):
        return self.render(case_context(request, self.get_object(pk)))


class CaseAct(EnforcementForm):
    http_method_names = ["post"]
    perms = {"POST": VIEW}
    access = case_policy
    form_class = TransitionForm
    census_kwargs = {"name": "approve_filing"}

    def case(self):
        if not hasattr(self, "_case"):
            self._case = self.get_object(self.kwargs["pk"])
            self.transition = case_workflow.transitions.get(self.kwargs["name"])
            if self.transition is None:
                raise NotFound("未知的操作。")
        return self._case

    def get_form_kwargs(self):
        case = self.case()
        return {"transition": self.transition, "case": case}

    @property
    def title(self):
        return f"{self.transition.label} — {self.case()}"

    def back_case(self):
        return self.case().pk

    def perform(self, form):
        d = dict(form.cleaned_data)
        return services.case_transition(actor=self.request.user, case=self.case(), name=self.transition.name,
                                        version=d.pop("version", None), reason=d.pop("reason", ""), **d)

    def get_success_message(self, result):
        return f"已{self.transition.label}。"

    def success_url(self, case):
        return _case_url(case.pk)


class StepNew(EnforcementForm):
    http_method_names = ["post"]
    perms = {"POST": HANDLE}
    access = case_policy
    form_class = StepForm
    success_message = "已记录执法环节。"

    def case(self):
        return self.obj("handle")

    @property
    def title(self):
        return f"记录调查取证 — {self.case()}"

    def back_case(self):
        return self.case().pk

    def get_form_kwargs(self):
        return {"subject": self.case().subject}

    def perform(self, form):
        return services.step_record(actor=self.request.user, case=self.case(), **form.cleaned_data)

    def success_url(self, step):
        return _case_url(step.case_id)


class StepFormPage(EnforcementForm):
    """A form about one recorded step (correction, evidence upload)."""

    perms = {"GET": VIEW, "POST": HANDLE}
    access = step_policy

    def step(self):
        return self.obj("handle" if self.request.method == "POST" else "view")

    def back_case(self):
        return self.step().case_id

    def success_url(self, result):
        return _case_url(self.step().case_id)


class StepCorrect(StepFormPage):
    form_class = CorrectionForm
    success_message = "已新增更正记录，原记录保持不变。"

    @property
    def title(self):
        return f"更正记录：{self.step()}"

    def perform(self, form):
        return services.step_correct(actor=self.request.user, step=self.step(), **form.cleaned_data)


class EvidenceUpload(StepFormPage):
    """The core middleware installs the evidence size limit for /work/enforcement/ before CSRF reads the body."""

    form_class = EvidenceForm
    multipart = True

    @property
    def title(self):
        return f"上传证据：{self.step()}"

    def post(self, request, *args, **kwargs):
        request.FILES  # noqa: B018 — reading the body is what sets upload_too_large
        if getattr(request, "upload_too_large", False):
            form = EvidenceForm(data={}, files={})
            form.is_valid()
            form.errors.clear()
            form.add_error("file", f"上传的文件超过大小上限 {files.human_size(settings.FAZHI['EVIDENCE_MAX_BYTES'])}，未保存。")
            self.step()
            return self.render(self.context(form), status=413)
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.evidence_upload(actor=self.request.user, step=self.step(), upload=form.cleaned_data["file"])

    def get_success_message(self, stored):
        return f"已上传证据“{stored.original_name}”（SHA-256 {stored.sha256[:12]}…）。"


class Review(FormPage):
    perms = {"GET": VIEW, "POST": "enforcement.review"}
    access = case_policy
    template_name = "enforcement/review.html"
    form_class = ReviewForm

    def case(self):
        if not hasattr(self, "_case"):
            self._case = self.get_object(self.kwargs["pk"])
        return self._case

    def get_form_kwargs(self):
        return {"initial": {"version": self.case().version}}

    def context(self, form):
        return case_context(self.request, self.case()) | {"form": form}

    def perform(self, form):
        return services.legal_review_record(actor=self.request.user, case=self.case(),
                                            opinion=form.cleaned_data["opinion"], checklist=form.checklist(),
                                            reasons=form.cleaned_data["reasons"], version=form.cleaned_data.get("version"),
                                            reviewed_on=form.cleaned_data.get("reviewed_on"))

    def get_success_message(self, review):
        return f"法制审核意见已记录：{review.get_opinion_display()}。"

    def success_url(self, review):
        return _case_url(self.case().pk)


class Publish(ActionPage):
    perms = {"POST": "enforcement.publish"}
    access = case_policy
    success_message = "执法决定已在公众网站公示。"

    def perform(self):
        case = self.get_object(self.kwargs["pk"], "publish")
        pub = services.publication_publish(actor=self.request.user, case=case, scrub=self.request.POST.get("scrub") == "1",
                                           published_on=self.request.POST.get("published_on") or None)
        if getattr(pub, "scrubbed", False):
            return "公示内容中的身份证号/电话号码已自动隐去后公示；执法决定已在公众网站公示。"
        return None

    def redirect_url(self):
        return _case_url(self.kwargs["pk"])


class Evaluate(EnforcementForm):
    perms = {"GET": "enforcement.supervise", "POST": "enforcement.supervise"}
    access = case_policy
    form_class = EvaluationForm

    def case(self):
        return self.obj("supervise")

    @property
    def title(self):
        return f"案卷评查 — {self.case()}"

    def back_case(self):
        return self.case().pk

    def perform(self, form):
        return services.evaluation_record(actor=self.request.user, case=self.case(), scores=form.scores(),
                                          findings=form.cleaned_data["findings"])

    def get_success_message(self, ev):
        return f"案卷评查已记录，得分{ev.total}分。"

    def success_url(self, ev):
        return _case_url(self.case().pk)


class Document(Page):
    perms = {"GET": VIEW}
    access = case_policy
    census_kwargs = {"kind": "filing"}

    def get(self, request, pk, kind):
        case = self.get_object(pk)
        if kind not in documents.KINDS:
            raise NotFound("没有这种文书。")
        try:
            content, filename = documents.render(case, kind)
        except DomainError as exc:
            ui.flash_error(request, exc)
            return self.back(_case_url(case.pk))
        personal.record_document_download(actor=request.user, obj=case, title=filename)  # it carries the party's numbers
        return ui.file_response(content, filename, ui.DOCX)


# ---- deadlines, reviews, publicity, supervision -----------------------------------------------------------------

class Deadlines(Page):
    menu = "期限提醒"
    perms = {"GET": VIEW}
    template_name = "enforcement/deadlines.html"

    def get(self, request):
        user, today = request.user, clock.today()
        overdue = selectors.case_list(user=user, filters={"due": "overdue"}).order_by("decision_due")[:100]
        soon = selectors.case_list(user=user, filters={"due": "soon"}).order_by("decision_due")[:100]
        unserved = [(c, c.service_due, "overdue" if c.service_due and c.service_due < today else "open")
                    for c in selectors.case_list(user=user, filters={"due": "service"}).order_by("service_due")[:100]]
        unpublished = []
        for c in selectors.unpublished_decisions(user=user).order_by("decided_on")[:100]:
            d = services.publication_deadline(c)
            unpublished.append((c, d, d.status(today) if d else None))
        to_withdraw = [(p, "overdue" if p.withdraw_due and p.withdraw_due < today else "due_soon")
                       for p in selectors.publications_to_withdraw(user=user)[:100]]
        return self.render({"overdue": overdue, "soon": soon, "unserved": unserved, "unpublished": unpublished,
                            "to_withdraw": to_withdraw, "today": today})


class ReviewQueue(ListPage):
    menu = "法制审核"
    perms = {"GET": VIEW}
    template_name = "enforcement/review_queue.html"

    def get_queryset(self):
        return selectors.review_queue(user=self.request.user)

    def extra_context(self):
        return {"rules": selectors.major_rules(), "checklist": REVIEW_CHECKLIST,
                "reviewers": selectors.reviewers(user=self.request.user),
                "can_manage": policy.has_perm(self.request.user, MANAGE)}


class Publications(SelectorList):
    menu = "执法公示"
    perms = {"GET": VIEW}
    template_name = "enforcement/publications.html"
    selector = selectors.publication_list

    def extra_context(self):
        return {"can_publish": policy.has_perm(self.request.user, "enforcement.publish")}


class PublicationForm(EnforcementForm):
    perms = {"GET": VIEW, "POST": "enforcement.publish"}
    access = publication_policy

    def publication(self):
        return self.obj("publish" if self.request.method == "POST" else "view")

    def get_form_kwargs(self):
        return {"initial": {"version": self.publication().version}}

    def success_url(self, pub):
        return reverse("enforcement:publications")


class PublicationWithdraw(PublicationForm):
    form_class = WithdrawForm
    success_message = "公示已撤回；公众网站改为显示撤回说明（理由和日期）。"

    @property
    def title(self):
        return f"撤回公示：{self.publication().title}"

    def perform(self, form):
        d = form.cleaned_data
        return services.publication_withdraw(actor=self.request.user, publication=self.publication(),
                                             reason=d["reason"], revoked_on=d["revoked_on"], version=d.get("version"))


class PublicationRevoked(PublicationForm):
    form_class = RevokedForm

    @property
    def title(self):
        return f"登记原决定被撤销/变更：{self.publication().title}"

    def perform(self, form):
        return services.publication_mark_revoked(actor=self.request.user, publication=self.publication(),
                                                 **form.cleaned_data)

    def get_success_message(self, pub):
        return f"已登记。请在{pub.withdraw_due:%Y-%m-%d}前撤回该公示并公开说明理由。"


class Supervision(SelectorList):
    """Case-file evaluations (paged; ``?node=&start=&end=`` — the records of the average-score figure), the closed
    cases still to evaluate and the accountability records."""
    menu = "执法监督"

    perms = {"GET": VIEW}
    template_name = "enforcement/supervision.html"
    selector = selectors.evaluation_list

    def extra_context(self):
        user = self.request.user
        return {
            "accountabilities": selectors.accountability_list(user=user)[:100],
            "to_evaluate": selectors.case_list(user=user, filters={"status": CaseStatus.CLOSED})
            .filter(evaluations__isnull=True)[:50],
            "can_supervise": policy.has_perm(user, "enforcement.supervise")}


class ReviewRecords(SelectorList):
    """Legal review opinions given (法制审核记录): the records of the legal-review figures."""

    perms = {"GET": VIEW}
    template_name = "enforcement/review_records.html"
    selector = selectors.review_list


class AvSteps(SelectorList):
    """Steps that must be recorded on audio or video (现场检查、调查取证、听证、送达…): the records of the figure."""

    perms = {"GET": VIEW}
    template_name = "enforcement/av_steps.html"
    selector = selectors.av_step_list


# ---- officers, powers, subject ------------------------------------------------------------------------------

class OfficerList(SelectorList):
    menu = "执法人员"
    perms = {"GET": VIEW}
    access = officer_policy
    template_name = "enforcement/officer_list.html"
    selector = selectors.officer_list

    def extra_context(self):
        return {"today": clock.today(), "can_manage": policy.has_perm(self.request.user, MANAGE)}


class OfficerNew(EnforcementForm):
    perms = {"GET": MANAGE, "POST": MANAGE}
    form_class = OfficerForm
    title = "登记执法人员"

    def get_form_kwargs(self):
        return {"subject": self.chosen_subject()}

    def perform(self, form):
        d = dict(form.cleaned_data)
        d.pop("version", None)
        user = selectors.user_by_id(d.pop("user"))
        return services.officer_create(actor=self.request.user, subject=form.subject, user=user, **d)

    def get_success_message(self, officer):
        return f"已登记执法人员 {officer.name}。"

    def success_url(self, officer):
        return reverse("enforcement:officer_detail", args=[officer.pk])


class OfficerDetail(EnforcementForm):
    perms = {"GET": VIEW, "POST": MANAGE}
    access = officer_policy
    template_name = "enforcement/officer_detail.html"
    form_class = OfficerForm
    success_message = "执法证信息已保存。"

    def officer(self):
        return self.obj("manage" if self.request.method == "POST" else "view")

    def get_form_kwargs(self):
        o = self.officer()
        return {"subject": o.subject, "editing": True, "initial": {
            "certificate_number": o.certificate_number, "issuing_authority": o.issuing_authority,
            "valid_from": o.valid_from, "valid_until": o.valid_until, "status": o.status, "version": o.version}}

    def context(self, form):
        from .figures import training_hours_for

        officer, user, today = self.officer(), self.request.user, clock.today()
        hours = training_hours_for([officer.user_id], None, None)
        return {
            "officer": officer, "form": form if officer_policy.may(user, "manage", officer) else None, "today": today,
            "cert_problem": officer.certificate_problem(today), "timeline": audit.timeline(officer),
            "accountabilities": officer.accountabilities.select_related("case"),
            "steps": officer.steps.select_related("case").order_by("-occurred_at")[:20],
            "acc_form": AccountabilityForm() if officer_policy.may(user, "supervise", officer) else None,
            "training_hours": hours.get(officer.user_id, 0)}

    def perform(self, form):
        d = dict(form.cleaned_data)
        return services.officer_update(actor=self.request.user, officer=self.officer(), version=d.pop("version", None), **d)

    def success_url(self, officer):
        return reverse("enforcement:officer_detail", args=[officer.pk])


class AccountabilityNew(EnforcementForm):
    http_method_names = ["post"]
    perms = {"POST": "enforcement.supervise"}
    access = officer_policy
    form_class = AccountabilityForm
    success_message = "已登记责任追究。"

    def officer(self):
        return self.obj("supervise")

    @property
    def title(self):
        return f"责任追究：{self.officer().name}"

    def perform(self, form):
        d = dict(form.cleaned_data)
        case_ref = d.pop("case")
        case = None
        if case_ref:
            try:
                case = selectors.case_get_for_user(user=self.request.user, pk=case_ref)
            except NotFound:
                raise DomainError("关联案件不存在或不在您的管辖范围内。",
                                  field_errors={"case": "关联案件不存在或不在您的管辖范围内。"}) from None
        return services.accountability_record(actor=self.request.user, officer=self.officer(), case=case, **d)

    def success_url(self, rec):
        return reverse("enforcement:officer_detail", args=[self.officer().pk])


class PowerList(SelectorList):
    menu = "权责清单"
    perms = {"GET": VIEW}
    access = power_policy
    template_name = "enforcement/power_list.html"
    selector = selectors.power_list

    def extra_context(self):
        return {"power_types": PowerType.choices, "can_manage": policy.has_perm(self.request.user, MANAGE),
                "subjects": selectors.subject_list(user=self.request.user)}


class PowerEdit(EnforcementForm):
    perms = {"GET": MANAGE, "POST": MANAGE}
    access = power_policy
    form_class = PowerForm
    success_message = "权责清单事项已保存。"

    def power(self):
        if not hasattr(self, "_power"):
            pk = self.kwargs.get("pk")
            self._power = self.get_object(pk, "manage") if pk else None
        return self._power

    @property
    def title(self):
        return "修改权责清单事项" if self.power() else "新增权责清单事项"

    def get_form_kwargs(self):
        power = self.power()
        if power:
            return {"initial": {f: getattr(power, f) for f in
                                ("code", "name", "power_type", "legal_basis", "discretion", "is_active", "version")}}
        subjects = selectors.subject_list(user=self.request.user)
        choose = selectors.must_choose_subject(user=self.request.user)
        return {"initial": {"is_active": True}, "subjects": subjects if choose else None}

    def perform(self, form):
        d = dict(form.cleaned_data)
        version = d.pop("version", None)
        subject = d.pop("subject", None)
        if self.power():
            return services.power_update(actor=self.request.user, power=self.power(), version=version, **d)
        d.pop("is_active", None)
        subject = selectors.subject_for(user=self.request.user, subject=subject or None)
        return services.power_create(actor=self.request.user, subject=subject, **d)

    def success_url(self, power):
        return reverse("enforcement:power_list")


class SubjectEdit(EnforcementForm):
    perms = {"GET": MANAGE, "POST": MANAGE}
    form_class = SubjectForm
    title = "执法主体信息（事前公开）"
    success_message = "执法主体信息已保存，并在公众网站公示。"

    def node(self):
        """The subdistrict chosen by ``?node=`` (the onboarding checklist links here with it), else None."""
        value = self.request.GET.get("node")
        if not value:
            return None
        try:
            return clean_node(self.request.user, value, perm=MANAGE, field="node", label="街道", tenants=True)
        except DomainError as exc:
            raise NotFound(exc.message) from None

    def subject(self):
        node, subjects = self.node(), selectors.subject_list(user=self.request.user)
        return (subjects.filter(node=node) if node else subjects).first()

    def get_form_kwargs(self):
        subject = self.subject()
        return {"initial": {f: getattr(subject, f) for f in SubjectForm.base_fields} if subject else {}}

    def perform(self, form):
        subject, node = self.subject(), self.node()
        units = [m.unit for m in self.request.user.memberships.select_related("unit")
                 if m.unit_id and (node is None or m.unit.node_id == node.pk)]
        if subject is None and not units and node is not None:
            units = selectors.departments_of(node)
        unit = subject.unit if subject else (units[0] if len(units) == 1 or node is None and units else None)
        if unit is None:
            raise DomainError("未能确定综合行政执法办公室：请先在“机构”中为该街道登记唯一的内设机构（综合行政执法办公室），"
                              "或使用接口 /api/enforcement/subjects/ 指定机构。")
        return services.subject_save(actor=self.request.user, unit=unit, **form.cleaned_data)

    def success_url(self, subject):
        return reverse("enforcement:power_list")


class ReviewerNew(EnforcementForm):
    perms = {"GET": MANAGE, "POST": MANAGE}
    form_class = ReviewerForm
    title = "登记法制审核人员（行政处罚法第五十八条第二款）"
    success_message = "已登记法制审核人员。"

    def get_form_kwargs(self):
        return {"subject": self.chosen_subject()}

    def perform(self, form):
        d = form.cleaned_data
        return services.reviewer_register(actor=self.request.user, user=selectors.user_by_id(d["user"]),
                                          reviewing_since=d["reviewing_since"],
                                          qualification_number=d["qualification_number"], qualified_on=d["qualified_on"])

    def success_url(self, rec):
        return reverse("enforcement:review_queue")
