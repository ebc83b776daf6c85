"""Workbench pages (staff). Thin: parse → service/selector → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fazhi.core import audit, clock, files, policy, ui
from fazhi.core.errors import DomainError

from . import documents, forms, selectors, services
from . import workflow as wf

VIEW = "governance.view"


def _need(request, perm=VIEW):
    if not policy.has_perm(request.user, perm):
        raise PermissionDenied("您的岗位角色不包含此功能。")


def _node(request, perm):
    """The node a new record belongs to: the user's home subdistrict where they hold ``perm``."""
    nodes = list(policy.scoped_nodes(request.user, perm, kinds=["subdistrict"]).order_by("path"))
    if not nodes:
        raise PermissionDenied("您的岗位角色不包含此功能。")
    wanted = request.POST.get("node") or request.GET.get("node")
    return next((n for n in nodes if str(n.pk) == str(wanted)), nodes[0])


def _actions(workflow, obj, user, context=None):
    return [{"t": t, "form": forms.transition_form(t, None, context, initial={"version": obj.version})}
            for t in workflow.available(obj, user)]


ATTACH_ACTIONS = ("answer", "file", "approve_review", "return_review")


def _run_transition(request, workflow, obj, name, service, id_kw, detail_url, context=None):
    try:
        t = workflow.get(name)
    except DomainError as exc:
        ui.flash_error(request, exc)
        return redirect(detail_url)
    form = forms.transition_form(t, request.POST, context)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    version = data.pop("version", request.POST.get(f"{name}-version"))
    uploads = request.FILES.getlist(f"{name}-file")
    try:
        kwargs = {id_kw: obj.pk, "actor": request.user, "name": name, "version": version, **data}
        if uploads:
            kwargs["attachments"] = uploads
        service(**kwargs)
        messages.success(request, f"已{t.label}。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect(detail_url)


# ---- 主动公开 -----------------------------------------------------------------------------------------------------

@login_required
def index(request):
    _need(request)
    return redirect("governance:items")


@login_required
def items(request):
    _need(request)
    filters = request.GET.dict()
    qs = selectors.item_list(user=request.user, filters=filters)
    return render(request, "governance/items.html", {**ui.paginate(request, qs), "filters": filters,
                                                     "categories": selectors.categories(),
                                                     "can_publish": policy.has_perm(request.user, "governance.disclosure")})


@login_required
def item_create(request):
    _need(request, "governance.disclosure")
    form = forms.ItemForm(request.POST or None, request.FILES or None, categories=selectors.categories())
    if request.method == "POST" and form.is_valid():
        try:
            d = form.cleaned_data
            item = services.disclosure_publish(actor=request.user, node=_node(request, "governance.disclosure"), category_code=d["category"],
                                               title=d["title"], body=d["body"], formed_on=d["formed_on"],
                                               attachments=[d["attachment"]] if d.get("attachment") else ())
            messages.success(request, "已发布。")
            return redirect("governance:item_detail", pk=item.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "governance/form.html", {"form": form, "title": "发布主动公开信息", "multipart": True,
                                                    "back": reverse("governance:items")})


@login_required
def item_detail(request, pk):
    item = selectors.item_get_for_user(request.user, pk)
    deadline = services.disclosure_deadline(item.formed_on)
    return render(request, "governance/item_detail.html", {
        "item": item, "deadline": deadline, "deadline_status": deadline.status(done_on=item.published_on),
        "files": files.files_of(item), "timeline": audit.timeline(item),
        "can_withdraw": item.status == "published" and policy.has_perm(request.user, "governance.disclosure", item.node),
        "withdraw_form": forms.ReasonForm(initial={"version": item.version})})


@login_required
@require_POST
def item_attach(request, pk):
    item = selectors.item_get_for_user(request.user, pk)
    uploads = request.FILES.getlist("file")
    if getattr(request, "upload_too_large", False) or not uploads:
        messages.error(request, "请选择要上传的附件（不超过大小上限）。")
        return redirect("governance:item_detail", pk=item.pk)
    try:
        services.disclosure_attach(actor=request.user, item_id=item.pk, uploads=uploads)
        messages.success(request, "已添加附件。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("governance:item_detail", pk=item.pk)


@login_required
@require_POST
def item_withdraw(request, pk):
    item = selectors.item_get_for_user(request.user, pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    try:
        services.disclosure_withdraw(actor=request.user, item_id=item.pk, reason=form.cleaned_data.get("reason", ""),
                                     version=form.cleaned_data.get("version"))
        messages.success(request, "已撤回；原链接将显示撤回说明。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("governance:item_detail", pk=item.pk)


# ---- 依申请公开 ---------------------------------------------------------------------------------------------------

@login_required
def requests_(request):
    _need(request)
    filters = request.GET.dict()
    qs = selectors.request_list(user=request.user, filters=filters)
    page = ui.paginate(request, qs)
    today = clock.today()
    for r in page["page_obj"]:
        r.row_class = "" if r.status == "answered" or not r.due_date else ("overdue" if r.due_date < today else
                                                                          "due-soon" if (r.due_date - today).days <= 3 else "")
    return render(request, "governance/requests.html", {**page, "filters": filters, "statuses": selectors.DisclosureRequest.Status.choices,
                                                        "can_register": policy.has_perm(request.user, "governance.requests")})


@login_required
def request_create(request):
    _need(request, "governance.requests")
    nodes = policy.scoped_nodes(request.user, "governance.requests", kinds=["subdistrict"])
    form = forms.RequestForm(request.POST or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            req = services.request_submit(actor=request.user, node=_node(request, "governance.requests"), channel="counter",
                                          applicant_type=d["applicant_type"], applicant_name=d["applicant_name"], phone=d["phone"],
                                          email=d["email"], address=d["address"], content=d["content"], purpose=d["purpose"])
            messages.success(request, f"已登记，查询码 {req.tracking_code}。")
            return redirect("governance:request_detail", pk=req.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "governance/form.html", {"form": form, "title": "登记政府信息公开申请（窗口、信函）",
                                                    "back": reverse("governance:requests")})


@login_required
def request_detail(request, pk):
    req = selectors.request_get_for_user(request.user, pk)
    deadline = services.request_deadline(req)
    return render(request, "governance/request_detail.html", {
        "req": req, "deadline": deadline, "deadline_status": deadline.status(done_on=req.answered_on),
        "actions": _actions(wf.REQUEST, req, request.user), "attach_actions": ATTACH_ACTIONS, "files": files.files_of(req), "timeline": audit.timeline(req)})


@login_required
@require_POST
def request_act(request, pk, name):
    req = selectors.request_get_for_user(request.user, pk)
    return _run_transition(request, wf.REQUEST, req, name, services.request_transition, "request_id",
                           reverse("governance:request_detail", args=[req.pk]))


@login_required
def request_letter(request, pk):
    req = selectors.request_get_for_user(request.user, pk)
    if req.status != "answered":
        messages.error(request, "尚未答复，不能生成答复书。")
        return redirect("governance:request_detail", pk=req.pk)
    return ui.file_response(documents.reply_letter(req), f"答复书-{req.tracking_code}.docx", ui.DOCX)


# ---- 规范性文件 -----------------------------------------------------------------------------------------------------

@login_required
def documents_(request):
    _need(request)
    filters = request.GET.dict()
    qs = selectors.document_list(user=request.user, filters=filters)
    return render(request, "governance/documents.html", {**ui.paginate(request, qs), "filters": filters,
                                                         "statuses": selectors.NormativeDocument.Status.choices,
                                                         "can_create": policy.has_perm(request.user, "governance.documents")})


@login_required
def document_create(request):
    _need(request, "governance.documents")
    form = forms.DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.document_create(actor=request.user, node=_node(request, "governance.documents"), **form.cleaned_data)
            messages.success(request, "已登记起草。")
            return redirect("governance:document_detail", pk=doc.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "governance/form.html", {"form": form, "title": "起草行政规范性文件", "back": reverse("governance:documents")})


def _doc_context(user, doc):
    ctx = {"agenda_items": list(selectors.approved_agenda_items(user, doc.node)[:50])}
    if doc.status == "decided":
        ctx["number_help"] = (f"文号格式：{services.format_number(doc.node, clock.today().year, 'N')}；留空则自动取下一个序号"
                              f"（{services.next_number_seq(doc.node, clock.today().year)}）。已使用的序号不能重复。")
    return ctx


@login_required
def document_detail(request, pk):
    doc = selectors.document_get_for_user(request.user, pk)
    return render(request, "governance/document_detail.html", {
        "doc": doc, "actions": _actions(wf.DOCUMENT, doc, request.user, _doc_context(request.user, doc)),
        "attach_actions": ATTACH_ACTIONS,
        "comments": doc.comments.all(), "can_moderate": policy.has_perm(request.user, "governance.moderate", doc.node),
        "moderate_form": forms.ModerateForm(), "files": files.files_of(doc), "timeline": audit.timeline(doc)})


@login_required
@require_POST
def document_act(request, pk, name):
    doc = selectors.document_get_for_user(request.user, pk)
    return _run_transition(request, wf.DOCUMENT, doc, name, services.document_transition, "document_id",
                           reverse("governance:document_detail", args=[doc.pk]), _doc_context(request.user, doc))


@login_required
def comments(request):
    _need(request)
    filters = request.GET.dict()
    qs = selectors.comment_list(user=request.user, filters=filters)
    return render(request, "governance/comments.html", {**ui.paginate(request, qs), "filters": filters,
                                                        "moderate_form": forms.ModerateForm(),
                                                        "can_moderate": policy.has_perm(request.user, "governance.moderate")})


@login_required
@require_POST
def comment_moderate(request, pk):
    comment = selectors.comment_get_for_user(request.user, pk)
    form = forms.ModerateForm(request.POST)
    form.is_valid()
    try:
        services.comment_moderate(actor=request.user, comment_id=comment.pk, status=form.cleaned_data.get("status", ""),
                                  reply=form.cleaned_data.get("reply", ""))
        messages.success(request, "已审核。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect(request.POST.get("next") or reverse("governance:comments"))


# ---- 重大决策 -----------------------------------------------------------------------------------------------------

@login_required
def decisions(request):
    _need(request)
    filters = request.GET.dict()
    qs = selectors.decision_list(user=request.user, filters=filters)
    return render(request, "governance/decisions.html", {**ui.paginate(request, qs), "filters": filters,
                                                         "can_create": policy.has_perm(request.user, "governance.decisions")})


@login_required
def decision_create(request):
    _need(request, "governance.decisions")
    form = forms.DecisionForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_create(actor=request.user, node=_node(request, "governance.decisions"), **form.cleaned_data)
            messages.success(request, "已列入决策目录。")
            return redirect("governance:decision_detail", pk=decision.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "governance/form.html", {"form": form, "title": "列入重大行政决策目录", "back": reverse("governance:decisions")})


@login_required
def decision_detail(request, pk):
    decision = selectors.decision_get_for_user(request.user, pk)
    can_edit = decision.status == "in_procedure" and policy.has_perm(request.user, "governance.decisions", decision.node)
    steps = list(decision.steps.all())
    for s in steps:
        s.file_list = files.files_of(s)
        s.editable = can_edit and s.kind in wf.PRE_DECISION_STEPS
    return render(request, "governance/decision_detail.html", {
        "decision": decision, "steps": steps, "hearings": decision.hearings.all(), "comments": decision.comments.all(),
        "actions": _actions(wf.DECISION, decision, request.user, {"agenda_items": list(selectors.approved_agenda_items(request.user, decision.node)[:50])}),
        "why_not_decide": wf.DECISION.why_not(decision, request.user, "decide") if decision.status == "in_procedure" else None,
        "can_edit": can_edit, "step_form": forms.StepForm(), "hearing_form": forms.HearingForm(),
        "can_moderate": policy.has_perm(request.user, "governance.moderate", decision.node), "moderate_form": forms.ModerateForm(),
        "timeline": audit.timeline(decision)})


@login_required
@require_POST
def decision_act(request, pk, name):
    decision = selectors.decision_get_for_user(request.user, pk)
    return _run_transition(request, wf.DECISION, decision, name, services.decision_transition, "decision_id",
                           reverse("governance:decision_detail", args=[decision.pk]),
                           {"agenda_items": list(selectors.approved_agenda_items(request.user, decision.node)[:50])})


@login_required
@require_POST
def decision_comment_open(request, pk):
    decision = selectors.decision_get_for_user(request.user, pk)
    try:
        services.decision_open_comment(actor=request.user, decision_id=decision.pk, days=request.POST.get("days"))
        messages.success(request, "已在公众网站公开征求意见。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("governance:decision_detail", pk=decision.pk)


@login_required
@require_POST
def decision_step(request, pk, kind):
    decision = selectors.decision_get_for_user(request.user, pk)
    form = forms.StepForm(request.POST, request.FILES)
    form.is_valid()
    d = form.cleaned_data
    try:
        if request.POST.get("waive"):
            services.decision_step_waive(actor=request.user, decision_id=decision.pk, kind=kind, reason=d.get("reason", ""))
            messages.success(request, "已记录不适用理由。")
        else:
            services.decision_step_record(actor=request.user, decision_id=decision.pk, kind=kind, evidence=d.get("evidence", ""),
                                          done_on=d.get("done_on"), attachments=[d["file"]] if d.get("file") else ())
            messages.success(request, "已记录程序环节。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("governance:decision_detail", pk=decision.pk)


@login_required
@require_POST
def decision_hearing(request, pk):
    decision = selectors.decision_get_for_user(request.user, pk)
    form = forms.HearingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "听证信息不完整：" + "；".join(f"{form.fields[k].label}{v[0]}" for k, v in form.errors.items() if k in form.fields))
        return redirect("governance:decision_detail", pk=decision.pk)
    try:
        services.hearing_create(actor=request.user, decision_id=decision.pk, **form.cleaned_data)
        messages.success(request, "已登记听证会。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("governance:decision_detail", pk=decision.pk)


@login_required
def decision_bundle(request, pk):
    decision = selectors.decision_get_for_user(request.user, pk)
    return ui.file_response(documents.decision_bundle(decision), f"决策档案-{decision.title[:30]}.zip", "application/zip")


# ---- 会议 ---------------------------------------------------------------------------------------------------------

@login_required
def meetings(request):
    _need(request)
    filters = request.GET.dict()
    qs = selectors.meeting_list(user=request.user, filters=filters)
    return render(request, "governance/meetings.html", {**ui.paginate(request, qs), "filters": filters,
                                                        "can_create": policy.has_perm(request.user, "governance.meetings")})


@login_required
def meeting_create(request):
    _need(request, "governance.meetings")
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.meeting_create(actor=request.user, node=_node(request, "governance.meetings"), title=d["title"],
                                              held_on=d["held_on"], place=d["place"],
                                              agenda=[line.strip() for line in d["agenda"].splitlines() if line.strip()])
            messages.success(request, "已登记会议。")
            return redirect("governance:meeting_detail", pk=meeting.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "governance/form.html", {"form": form, "title": "登记党工委会议", "back": reverse("governance:meetings")})


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    can_edit = policy.has_perm(request.user, "governance.meetings", meeting.node)
    items = list(meeting.items.prefetch_related("documents", "decisions"))
    return render(request, "governance/meeting_detail.html", {
        "meeting": meeting, "attendees": meeting.attendees.select_related("village", "user"), "items": items, "can_edit": can_edit,
        "attendee_form": forms.AttendeeForm(users=selectors.voting_candidates(meeting.node), villages=selectors.villages_of(meeting.node)),
        "item_form": forms.AgendaItemForm(), "decide_form": forms.AgendaDecideForm(),
        "minutes_form": forms.MinutesForm(initial={"version": meeting.version, "minutes": meeting.minutes}),
        "timeline": audit.timeline(meeting)})


@login_required
@require_POST
def meeting_attendee(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    try:
        user_id = request.POST.get("user")
        if user_id:
            user = selectors.voting_candidates(meeting.node).filter(pk=int(user_id)).first() if user_id.isdigit() else None
            if user is None:
                raise DomainError("请选择本街道的党工委成员。")
            services.meeting_add_attendee(actor=request.user, meeting_id=meeting.pk, user=user)
        else:
            services.meeting_add_attendee(actor=request.user, meeting_id=meeting.pk, name=request.POST.get("name", ""),
                                          village=request.POST.get("village") or None, role_label=request.POST.get("role_label", ""))
        messages.success(request, "已登记参会人员。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("governance:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_item(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    try:
        services.meeting_add_item(actor=request.user, meeting_id=meeting.pk, title=request.POST.get("title", ""))
        messages.success(request, "已增加议题。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("governance:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def agenda_decide(request, pk, item_id):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    item = meeting.items.filter(pk=item_id).first()
    if item is None:
        messages.error(request, "议题不存在。")
        return redirect("governance:meeting_detail", pk=meeting.pk)
    try:
        services.agenda_item_decide(actor=request.user, item_id=item.pk, outcome=request.POST.get("outcome", ""),
                                    decision_text=request.POST.get("decision_text", ""))
        messages.success(request, "已记录集体决定。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("governance:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_minutes(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    try:
        services.meeting_record_minutes(actor=request.user, meeting_id=meeting.pk, minutes=request.POST.get("minutes", ""),
                                        version=request.POST.get("version") or None)
        messages.success(request, "已保存会议纪要。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("governance:meeting_detail", pk=meeting.pk)

