"""Workbench pages (staff): Page / ListPage / FormPage / ActionPage classes over the module's selectors and services.

Every page declares its permission per method and its model's policy; lookups answer 404 outside scope and 403 for
a visible row the user may not act on (fazhi.core.pages). No rule lives here.
"""
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from fazhi.core import audit, clock, files, policy, ui
from fazhi.core.errors import DomainError, NotAllowed, NotFound
from fazhi.core.pages import ActionPage, FormPage, Page, RecordAction, RecordFilePage, RecordPage, SelectorList

from . import annual, documents, forms, policies, selectors, services
from . import workflow as wf
from .models import DisclosureItem, DisclosureRequest, NormativeDocument

VIEW = "governance.view"
ATTACH_ACTIONS = ("answer", "file", "approve_review", "return_review")


def _actions(workflow, obj, user, context=None):
    return [{"t": t, "form": forms.transition_form(t, None, context, initial={"version": obj.version})}
            for t in workflow.available(obj, user)]


class Index(Page):
    perms = {"GET": VIEW}
    census_skip = "no object"

    def get(self, request):
        return HttpResponseRedirect(reverse("governance:items"))


class CreatePage(FormPage):
    """Create a record in the user's 街道 for ``perm``: the form's cleaned data → one service → the detail page."""

    template_name = "governance/form.html"
    perm = ""
    back_url = ""
    detail_url = ""
    multipart = False

    def dispatch(self, request, *args, **kwargs):
        self.perms = {"GET": self.perm, "POST": self.perm}
        return super().dispatch(request, *args, **kwargs)

    def node(self):
        return selectors.tenant_for_new_record(self.request.user, self.perm, self.request.POST.get("node"))

    def perform(self, form):
        return type(self).service(actor=self.request.user, node=self.node(), **form.cleaned_data)

    def extra_context(self) -> dict:
        return {"back": reverse(self.back_url), "multipart": self.multipart}

    def success_url(self, result) -> str:
        return reverse(self.detail_url, args=[result.pk])


class TransitionAct(ActionPage):
    """POST one transition of ``workflow`` (the button's form built from the table row) through ``service``."""

    perms = {"POST": VIEW}
    workflow = None
    service = None
    id_kw = ""
    detail_url = ""
    census_kwargs = {"name": "answer"}

    #: fn(user, obj) -> the choices the transition forms need (agenda items, the next number), or None
    form_context_of = None

    def form_context(self, obj) -> dict:
        fn = type(self).form_context_of
        return fn(self.request.user, obj) if fn else {}

    def perform(self):
        self.obj = self.get_object(self.kwargs["pk"])
        t = self.workflow.get(self.kwargs["name"])
        form = forms.transition_form(t, self.request.POST, self.form_context(self.obj))
        form.is_valid()
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        version = data.pop("version", None)
        uploads = self.request.FILES.getlist(f"{t.name}-file")
        if uploads:
            data["attachments"] = uploads
        type(self).service(actor=self.request.user, name=t.name, version=version, **{self.id_kw: self.obj.pk}, **data)
        return f"已{t.label}。"

    def redirect_url(self) -> str:
        return reverse(self.detail_url, args=[self.kwargs["pk"]])


# ---- 主动公开 -----------------------------------------------------------------------------------------------------

class List(SelectorList):
    perms = {"GET": VIEW}


class Items(List):
    menu = "主动公开"
    template_name, selector = "governance/items.html", selectors.item_list
    flags = {"can_publish": "governance.disclosure"}

    def more_context(self):
        return {"categories": selectors.categories()}


class ItemCreate(CreatePage):
    """Saving an item makes a draft; the preview shows what the public will see, and only confirming publishes."""

    perm, form_class, title = "governance.disclosure", forms.ItemForm, "新增主动公开信息"
    back_url, detail_url, multipart = "governance:items", "governance:item_preview", True
    success_message = "已保存为待发布信息，尚未公开：请核对预览后确认发布。"

    def get_form_kwargs(self):
        return {"categories": selectors.categories()}

    def perform(self, form):
        d = form.cleaned_data
        return services.disclosure_save(actor=self.request.user, node=self.node(), category_code=d["category"],
                                        title=d["title"], body=d["body"], formed_on=d["formed_on"],
                                        attachments=[d["attachment"]] if d.get("attachment") else ())


class ItemEdit(FormPage):
    perms = {"GET": "governance.disclosure", "POST": "governance.disclosure"}
    access = policies.item_policy
    template_name = "governance/form.html"
    form_class = forms.ItemEditForm
    title = "修改待发布信息"
    success_message = "已保存修改，请再次核对预览。"

    def get_form_kwargs(self):
        self.item = self.get_object(self.kwargs["pk"], "disclosure")
        i = self.item
        return {"categories": selectors.categories(), "initial": {
            "category": i.category.code, "title": i.title, "body": i.body, "formed_on": i.formed_on,
            "version": i.version}}

    def extra_context(self):
        return {"back": reverse("governance:item_detail", args=[self.item.pk])}

    def perform(self, form):
        d = form.cleaned_data
        return services.disclosure_update(actor=self.request.user, item_id=self.item.pk, version=d.get("version"),
                                          category_code=d["category"], title=d["title"], body=d["body"],
                                          formed_on=d["formed_on"])

    def success_url(self, result):
        return reverse("governance:item_preview", args=[result.pk])


class ItemPreview(Page):
    """GET: the item exactly as the public page will show it (personal numbers scrubbed); POST: 确认发布."""

    perms = {"GET": VIEW, "POST": "governance.disclosure"}
    access = policies.item_policy
    template_name = "governance/public/item.html"

    def get(self, request, pk):
        item = self.get_object(pk)
        return self.show(item, forms.ConfirmForm(initial={"version": item.version}))

    def post(self, request, pk):
        item = self.get_object(pk, "disclosure")
        form = forms.ConfirmForm(request.POST)
        form.is_valid()
        try:
            services.disclosure_confirm(actor=request.user, item_id=item.pk, version=form.cleaned_data.get("version"),
                                        late_reason=form.cleaned_data.get("late_reason", ""))
        except (NotFound, NotAllowed):
            raise
        except DomainError as exc:
            ui.apply_error(form, exc)
            return self.show(item, form, status=400)
        messages.success(request, "已发布，公众现在可以在政务公开网站看到该信息。")
        return HttpResponseRedirect(reverse("governance:item_detail", args=[item.pk]))

    def show(self, item, form, status=200):
        if item.status != DisclosureItem.Status.DRAFT:
            return HttpResponseRedirect(reverse("governance:item_detail", args=[item.pk]))
        preview = {"form": form, "due": item.due_date, "late": services.would_be_late(item),
                   "can_confirm": not wf.ITEM.why_not(item, self.request.user, "publish")}
        return self.render({**selectors.public_view(item, preview=True), "preview": preview}, status=status)


class ItemDetail(RecordPage):
    access, template_name = policies.item_policy, "governance/item_detail.html"

    def context(self, item):
        request = self.request
        deadline = services.disclosure_deadline(item.formed_on)
        return {
            "item": item, "deadline": deadline, "deadline_status": deadline.status(done_on=item.published_on),
            "files": files.files_of(item), "timeline": audit.timeline(item),
            "can_withdraw": not wf.ITEM.why_not(item, request.user, "withdraw"),
            "can_publish": not wf.ITEM.why_not(item, request.user, "publish"),
            "withdraw_form": forms.ReasonForm(initial={"version": item.version})}


class ItemAction(RecordAction):
    access, action, detail_url = policies.item_policy, "disclosure", "governance:item_detail"


class ItemAttach(ItemAction):
    success_message = "已添加附件。"

    def act(self, item):
        uploads = self.request.FILES.getlist("file")
        if getattr(self.request, "upload_too_large", False) or not uploads:
            raise DomainError("请选择要上传的附件（不超过大小上限）。")
        services.disclosure_attach(actor=self.request.user, item_id=item.pk, uploads=uploads)


class ItemWithdraw(ItemAction):
    success_message = "已撤回；原链接将显示撤回说明。"

    def act(self, item):
        form = forms.ReasonForm(self.request.POST)
        form.is_valid()
        services.disclosure_withdraw(actor=self.request.user, item_id=item.pk, reason=form.cleaned_data.get("reason", ""),
                                     version=form.cleaned_data.get("version"))


# ---- 依申请公开 ---------------------------------------------------------------------------------------------------

class Requests(List):
    menu = "依申请公开"
    template_name, selector = "governance/requests.html", selectors.request_list
    flags = {"can_register": "governance.requests"}

    def more_context(self):
        return {"statuses": DisclosureRequest.Status.choices}

    def render(self, context, **kwargs):
        today = clock.today()
        for r in context["page_obj"]:
            open_ = r.status != "answered" and r.due_date
            r.row_class = "" if not open_ else ("overdue" if r.due_date < today else
                                                "due-soon" if (r.due_date - today).days <= 3 else "")
        return super().render(context, **kwargs)


class RequestCreate(CreatePage):
    perm, form_class, title = "governance.requests", forms.RequestForm, "登记政府信息公开申请（窗口、信函）"
    back_url, detail_url = "governance:requests", "governance:request_detail"

    def get_form_kwargs(self):
        return {"nodes": policy.scoped_nodes(self.request.user, self.perm, tenants=True)}

    def perform(self, form):
        d = form.cleaned_data
        return services.request_submit(actor=self.request.user, node=self.node(), channel="counter",
                                       applicant_type=d["applicant_type"], organisation_kind=d["organisation_kind"],
                                       applicant_name=d["applicant_name"],
                                       phone=d["phone"], email=d["email"], address=d["address"], content=d["content"],
                                       purpose=d["purpose"])

    def get_success_message(self, result):
        return f"已登记，查询码 {result.tracking_code}。"


class RequestDetail(RecordPage):
    access, template_name = policies.request_policy, "governance/request_detail.html"

    def context(self, req):
        request = self.request
        deadline = services.request_deadline(req)
        return {
            "req": req, "deadline": deadline, "deadline_status": deadline.status(done_on=req.answered_on),
            "actions": _actions(wf.REQUEST, req, request.user), "attach_actions": ATTACH_ACTIONS,
            "files": files.files_of(req), "timeline": audit.timeline(req),
            "can_record": policy.has_perm(request.user, "governance.requests", req.node),
            "statistics_form": forms.StatisticsForm(initial={
                "version": req.version, "organisation_kind": req.organisation_kind, "table_reason": req.table_reason,
                "fee_amount": req.fee_amount}),
            "remedies": [(r, forms.RemedyUpdateForm(prefix=f"r{r.pk}", initial={
                "version": r.version, "result": r.result, "decided_on": r.decided_on, "note": r.note}))
                for r in selectors.remedies_of(req)],
            "remedy_form": forms.RemedyForm()}


class RequestAct(TransitionAct):
    access = policies.request_policy
    workflow, service = wf.REQUEST, services.request_transition
    id_kw, detail_url = "request_id", "governance:request_detail"


class RequestRecord(RecordAction):
    """Record what the annual report needs on a request (its statistics, a reconsideration or lawsuit)."""

    access, action, detail_url = policies.request_policy, "requests", "governance:request_detail"


class RequestStatistics(RequestRecord):
    success_message = "已登记年报统计信息。"

    def act(self, req):
        data = self.request.POST
        form = forms.StatisticsForm(data)
        form.is_valid()
        d = form.cleaned_data
        services.request_record_statistics(actor=self.request.user, request_id=req.pk, version=d.get("version"),
                                           organisation_kind=d.get("organisation_kind", data.get("organisation_kind")),
                                           table_reason=d.get("table_reason", data.get("table_reason")),
                                           fee_amount=d.get("fee_amount", data.get("fee_amount")))


class RequestRemedyAdd(RequestRecord):
    success_message = "已登记。"

    def act(self, req):
        d = self.request.POST.dict()
        services.remedy_create(actor=self.request.user, request_id=req.pk, kind=d.get("kind", ""),
                               filed_on=d.get("filed_on"), body=d.get("body", ""), result=d.get("result", "pending"),
                               decided_on=d.get("decided_on"), note=d.get("note", ""))


class RequestRemedyUpdate(RequestRecord):
    success_message = "已更新结果。"
    census_kwargs = {"remedy_id": 1}

    def act(self, req):
        data = self.request.POST
        remedy = selectors.remedy_of(req, self.kwargs["remedy_id"])
        p = f"r{remedy.pk}-"
        services.remedy_update(actor=self.request.user, remedy_id=remedy.pk, version=data.get(p + "version") or None,
                               result=data.get(p + "result", ""), decided_on=data.get(p + "decided_on"),
                               note=data.get(p + "note"))


class RequestLetter(RecordFilePage):
    access = policies.request_policy

    def document(self, req):
        if req.status != "answered":
            ui.flash_error(self.request, DomainError("尚未答复，不能生成答复书。"))
            return HttpResponseRedirect(reverse("governance:request_detail", args=[req.pk]))
        return documents.reply_letter(req), f"答复书-{req.tracking_code}.docx", ui.DOCX


# ---- 政府信息公开工作年度报告 -------------------------------------------------------------------------------------

class AnnualReports(List):
    menu = "信息公开年报"
    template_name, selector = "governance/annual_reports.html", selectors.annual_report_list
    flags = {"can_create": "governance.disclosure"}


class AnnualDecisions(List):
    """The records of a table-二 cell (行政处罚/行政强制 本年处理决定数量): the enforcement decisions it counts."""

    template_name, selector = "governance/annual_decisions.html", selectors.annual_decisions


class AnnualReportCreate(CreatePage):
    perm, form_class, title = "governance.disclosure", forms.AnnualReportForm, "起草政府信息公开工作年度报告"
    back_url, detail_url = "governance:annual_reports", "governance:annual_report_detail"
    success_message = "已起草；表格由台账记录生成，请核对每一格的记录。"
    service = services.annual_report_create

    def get_form(self):
        form = super().get_form()
        form.initial.setdefault("year", clock.today().year - 1)
        return form


class AnnualReportDetail(RecordPage):
    access, template_name = policies.report_policy, "governance/annual_report_detail.html"

    def context(self, report):
        request = self.request
        deadline = services.annual_report_deadline(report)
        open_ = report.status in ("draft", "review")
        return {
            "report": report, "sections": annual.sections(report, services.annual_report_tables(report)),
            "problems": services.annual_report_problems(report) if open_ else [],
            "warnings": annual.warnings(report.node, report.year) if open_ else [],
            "deadline": deadline, "deadline_status": deadline.status(done_on=report.published_on),
            "actions": _actions(wf.ANNUAL_REPORT, report, request.user),
            "can_edit": report.status == "draft" and policy.has_perm(request.user, "governance.disclosure",
                                                                     report.node),
            "timeline": audit.timeline(report)}


class AnnualReportEdit(FormPage):
    perms = {"GET": "governance.disclosure", "POST": "governance.disclosure"}
    access = policies.report_policy
    template_name = "governance/form.html"
    form_class = forms.AnnualReportEditForm
    title = "修改年度报告文字部分"
    success_message = "已保存。"

    def get_form_kwargs(self):
        self.report = r = self.get_object(self.kwargs["pk"], "disclosure")
        return {"initial": {"version": r.version, "overview": r.overview, "problems": r.problems,
                            "other_matters": r.other_matters}}

    def extra_context(self):
        return {"back": reverse("governance:annual_report_detail", args=[self.report.pk])}

    def perform(self, form):
        return services.annual_report_update(actor=self.request.user, report_id=self.report.pk, **form.cleaned_data)

    def success_url(self, result):
        return reverse("governance:annual_report_detail", args=[result.pk])


class AnnualReportAct(TransitionAct):
    access = policies.report_policy
    workflow, service = wf.ANNUAL_REPORT, services.annual_report_transition
    id_kw, detail_url = "report_id", "governance:annual_report_detail"
    census_kwargs = {"name": "submit_review"}


class AnnualReportDocx(RecordFilePage):
    access = policies.report_policy

    def document(self, report):
        return documents.annual_report_docx(report), f"{report}.docx", ui.DOCX


# ---- 规范性文件 -----------------------------------------------------------------------------------------------------

class Documents(List):
    menu = "行政规范性文件"
    template_name, selector = "governance/documents.html", selectors.document_list
    flags = {"can_create": "governance.documents"}

    def more_context(self):
        return {"statuses": NormativeDocument.Status.choices}


class DocumentCreate(CreatePage):
    perm, form_class, title = "governance.documents", forms.DocumentForm, "起草行政规范性文件"
    back_url, detail_url = "governance:documents", "governance:document_detail"
    success_message, service = "已登记起草。", services.document_create


def _doc_context(user, doc):
    ctx = {"agenda_items": list(selectors.approved_agenda_items(user, doc.node)[:50])}
    above = doc.node.parent  # 备案: the people's government one level up (the district of this subdistrict)
    ctx["filing_body"] = f"{above.name}人民政府" if above is not None else ""
    if doc.status == "decided":
        year = clock.today().year
        ctx["number_help"] = (f"文号格式：{services.format_number(doc.node, year, 'N')}；留空则自动取下一个序号"
                              f"（{services.next_number_seq(doc.node, year)}）。已使用的序号不能重复。")
    return ctx


class DocumentDetail(RecordPage):
    access, template_name = policies.document_policy, "governance/document_detail.html"

    def context(self, doc):
        request = self.request
        return {
            "doc": doc, "actions": _actions(wf.DOCUMENT, doc, request.user, _doc_context(request.user, doc)),
            "attach_actions": ATTACH_ACTIONS, "comments": doc.comments.all(),
            "can_moderate": policies.comment_policy.may_anywhere(request.user, "moderate") and
            policy.has_perm(request.user, "governance.moderate", doc.node),
            "moderate_form": forms.ModerateForm(), "files": files.files_of(doc), "timeline": audit.timeline(doc)}


class DocumentAct(TransitionAct):
    access = policies.document_policy
    workflow, service = wf.DOCUMENT, services.document_transition
    id_kw, detail_url = "document_id", "governance:document_detail"
    census_kwargs, form_context_of = {"name": "publish"}, _doc_context


class Comments(List):
    menu = "公众意见审核"
    template_name, selector = "governance/comments.html", selectors.comment_list
    flags = {"can_moderate": "governance.moderate"}

    def more_context(self):
        return {"moderate_form": forms.ModerateForm()}


class CommentModerate(RecordAction):
    access, action, success_message = policies.comment_policy, "moderate", "已审核。"

    def act(self, comment):
        form = forms.ModerateForm(self.request.POST)
        form.is_valid()
        services.comment_moderate(actor=self.request.user, comment_id=comment.pk,
                                  status=form.cleaned_data.get("status", ""), reply=form.cleaned_data.get("reply", ""))

    def redirect_url(self):
        return reverse("governance:comments")


# ---- 重大决策 -----------------------------------------------------------------------------------------------------

class Decisions(List):
    menu = "重大行政决策"
    template_name, selector = "governance/decisions.html", selectors.decision_list
    flags = {"can_create": "governance.decisions"}


class DecisionCreate(CreatePage):
    perm, form_class, title = "governance.decisions", forms.DecisionForm, "列入重大行政决策目录"
    back_url, detail_url = "governance:decisions", "governance:decision_detail"
    success_message, service = "已列入决策目录。", services.decision_create

    def get_form(self):
        form = super().get_form()
        form.initial.setdefault("year", clock.today().year)
        return form


def _agenda_context(user, decision):
    return {"agenda_items": list(selectors.approved_agenda_items(user, decision.node)[:50])}


class DecisionDetail(RecordPage):
    access, template_name = policies.decision_policy, "governance/decision_detail.html"

    def context(self, decision):
        request = self.request
        can_edit = decision.status == "in_procedure" and policy.has_perm(request.user, "governance.decisions",
                                                                         decision.node)
        steps = list(decision.steps.all())
        for s in steps:
            s.file_list = files.files_of(s)
            s.editable = can_edit and s.kind in wf.PRE_DECISION_STEPS
        return {
            "decision": decision, "steps": steps, "hearings": decision.hearings.all(),
            "comments": decision.comments.all(),
            "actions": _actions(wf.DECISION, decision, request.user, _agenda_context(request.user, decision)),
            "why_not_decide": wf.DECISION.why_not(decision, request.user, "decide")
            if decision.status == "in_procedure" else None,
            "can_edit": can_edit, "step_form": forms.StepForm(), "hearing_form": forms.HearingForm(),
            "can_moderate": policy.has_perm(request.user, "governance.moderate", decision.node),
            "moderate_form": forms.ModerateForm(), "timeline": audit.timeline(decision)}


class DecisionAct(TransitionAct):
    access = policies.decision_policy
    workflow, service = wf.DECISION, services.decision_transition
    id_kw, detail_url = "decision_id", "governance:decision_detail"
    census_kwargs, form_context_of = {"name": "publish"}, _agenda_context


class DecisionAction(RecordAction):
    """A button on a decision's page (comment period, a procedure step, a hearing)."""

    access, action, detail_url = policies.decision_policy, "decisions", "governance:decision_detail"


class DecisionCommentOpen(DecisionAction):
    success_message = "已在公众网站公开征求意见。"

    def act(self, decision):
        services.decision_open_comment(actor=self.request.user, decision_id=decision.pk, days=self.request.POST.get("days"))


class DecisionStep(DecisionAction):
    census_kwargs = {"kind": "expert"}

    def act(self, decision):
        form = forms.StepForm(self.request.POST, self.request.FILES)
        form.is_valid()
        d = form.cleaned_data
        if self.request.POST.get("waive"):
            services.decision_step_waive(actor=self.request.user, decision_id=decision.pk, kind=self.kwargs["kind"],
                                         reason=d.get("reason", ""))
            return "已记录不适用理由。"
        services.decision_step_record(actor=self.request.user, decision_id=decision.pk, kind=self.kwargs["kind"],
                                      evidence=d.get("evidence", ""), done_on=d.get("done_on"),
                                      attachments=[d["file"]] if d.get("file") else ())
        return "已记录程序环节。"


class DecisionHearing(DecisionAction):
    success_message = "已登记听证会。"

    def act(self, decision):
        form = forms.HearingForm(self.request.POST)
        if not form.is_valid():
            raise DomainError("听证信息不完整：" + "；".join(f"{form.fields[k].label}{v[0]}" for k, v in form.errors.items()
                                                       if k in form.fields))
        services.hearing_create(actor=self.request.user, decision_id=decision.pk, **form.cleaned_data)


class DecisionBundle(RecordFilePage):
    access = policies.decision_policy

    def document(self, decision):
        return documents.decision_bundle(decision), f"决策档案-{decision.title[:30]}.zip", "application/zip"


# ---- 会议 ---------------------------------------------------------------------------------------------------------

class Meetings(List):
    menu = "党工委会议"
    template_name, selector = "governance/meetings.html", selectors.meeting_list
    flags = {"can_create": "governance.meetings"}


class MeetingCreate(CreatePage):
    perm, form_class, title = "governance.meetings", forms.MeetingForm, "登记党工委会议"
    back_url, detail_url = "governance:meetings", "governance:meeting_detail"
    success_message = "已登记会议。"

    def perform(self, form):
        d = form.cleaned_data
        return services.meeting_create(actor=self.request.user, node=self.node(), title=d["title"], held_on=d["held_on"],
                                       place=d["place"],
                                       agenda=[line.strip() for line in d["agenda"].splitlines() if line.strip()])


class MeetingDetail(RecordPage):
    access, template_name = policies.meeting_policy, "governance/meeting_detail.html"

    def context(self, meeting):
        request = self.request
        return {
            "meeting": meeting, "attendees": meeting.attendees.select_related("village", "user"),
            "items": list(meeting.items.prefetch_related("documents", "decisions")),
            "can_edit": policy.has_perm(request.user, "governance.meetings", meeting.node),
            "attendee_form": forms.AttendeeForm(users=selectors.voting_candidates(meeting.node),
                                                villages=selectors.villages_of(meeting.node)),
            "item_form": forms.AgendaItemForm(), "decide_form": forms.AgendaDecideForm(),
            "minutes_form": forms.MinutesForm(initial={"version": meeting.version, "minutes": meeting.minutes}),
            "timeline": audit.timeline(meeting)}


class MeetingAction(RecordAction):
    access, action, detail_url = policies.meeting_policy, "meetings", "governance:meeting_detail"


class MeetingAttendee(MeetingAction):
    success_message = "已登记参会人员。"

    def act(self, meeting):
        services.meeting_add_attendee(actor=self.request.user, meeting_id=meeting.pk,
                                      **selectors.attendee_input(meeting, self.request.POST.dict()))


class MeetingItem(MeetingAction):
    success_message = "已增加议题。"

    def act(self, meeting):
        services.meeting_add_item(actor=self.request.user, meeting_id=meeting.pk,
                                  title=self.request.POST.get("title", ""))


class AgendaDecide(MeetingAction):
    success_message = "已记录集体决定。"
    census_kwargs = {"item_id": 1}

    def act(self, meeting):
        data = self.request.POST
        item = selectors.agenda_item_of(meeting, self.kwargs["item_id"])
        services.agenda_item_decide(actor=self.request.user, item_id=item.pk, outcome=data.get("outcome", ""),
                                    decision_text=data.get("decision_text", ""))


class MeetingMinutes(MeetingAction):
    success_message = "已保存会议纪要。"

    def act(self, meeting):
        data = self.request.POST
        services.meeting_record_minutes(actor=self.request.user, meeting_id=meeting.pk, minutes=data.get("minutes", ""),
                                        version=data.get("version") or None)
