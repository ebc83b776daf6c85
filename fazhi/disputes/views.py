"""Workbench pages (staff). Thin: parse → service / selector → render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fazhi.core import audit, clock, files, policy, ui
from fazhi.core.errors import DomainError
from fazhi.core.models import Unit

from . import documents, paging, selectors, services
from .forms import SATISFACTION, IntakeForm, MediatorForm, PartyForm, RiskWordForm, RoomForm
from .models import Dispute, Mediator, RiskWord
from .workflow import dispute_workflow

TRANSITION_FIELDS = ("next_steps", "level", "centre_body", "room", "mediation_type", "held_on", "place", "participants",
                     "record", "facts", "terms", "performance_method", "performance_deadline", "routes", "performed",
                     "satisfaction", "note", "judicial_outcome", "judicial_applied_on", "judicial_decided_on",
                     "judicial_court")


def _require(user, perm):
    if not policy.has_perm(user, perm):
        raise PermissionDenied("您的岗位角色不包含此功能。")


def _require_view(user):
    if not (policy.has_perm(user, "disputes.view") or policy.has_perm(user, "disputes.view_joined")):
        raise PermissionDenied("您的岗位角色不包含此功能。")


def _filter_context(user, params):
    return {
        "filters": params, "statuses": Dispute.Status.choices, "levels": Dispute.Level.choices,
        "channels": Dispute.Channel.choices, "kinds": selectors.kinds(), "villages": selectors.villages_for(user),
        "rooms": selectors.rooms_for(user), "sorts": selectors.SORT_LABELS.items(), "today": clock.today(),
    }


@login_required
def dispute_list(request):
    _require_view(request.user)
    qs = selectors.dispute_list(user=request.user, filters=request.GET)
    ctx = {**paging.paginate(request, qs), **_filter_context(request.user, request.GET),
           "can_intake": policy.has_perm(request.user, "disputes.intake"),
           "export_query": request.GET.urlencode()}
    if request.htmx:
        return render(request, "disputes/partials/rows.html", ctx)
    return render(request, "disputes/list.html", ctx)


@login_required
def dispute_new(request):
    _require(request.user, "disputes.intake")
    form = IntakeForm(request.POST or None, user=request.user, initial={
        "channel": "patrol" if policy.has_role(request.user, "grid_worker") else "walk_in"})
    if request.method == "POST":
        if form.is_valid():
            c = form.cleaned_data
            try:
                d = services.dispute_create(
                    actor=request.user, channel=c["channel"], village=c["village"], grid=c.get("grid"),
                    level=c.get("level") or None, kind=c["kind"], title=c["title"], description=c["description"],
                    place=c["place"], amount=c["amount"], contact_phone=c["contact_phone"], parties=form.parties(),
                    referral_source=c.get("referral_source") or "", referral_note=c.get("referral_note") or "",
                    requested_room=c.get("requested_room"), mediation_type=c["mediation_type"])
                if getattr(d, "duplicate", False):
                    messages.warning(request, f"该纠纷刚刚已登记（{d.tracking_code}），未重复登记。")
                else:
                    messages.success(request, f"已登记，查询码 {d.tracking_code}。请告知群众凭查询码和手机号查询进度。")
                return redirect("disputes:detail", pk=d.pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "disputes/form.html", {"form": form, "title": "登记矛盾纠纷"}, status=400)
    return render(request, "disputes/form.html", {"form": form, "title": "登记矛盾纠纷"})


def _detail_context(request, d):
    deadline = services._deadline(d)
    agreement = selectors.dispute_detail(d)
    jc = None
    if agreement["agreement"] and agreement["agreement"].judicial_deadline:
        from fazhi.core import workdays

        jc = workdays.compute_deadline("disputes.judicial_confirmation", agreement["agreement"].signed_on)
    sub = d.village.subdistrict if d.village else d.node
    return {
        "d": d, **agreement, "deadline": deadline,
        "deadline_status": deadline.status(clock.today(), d.concluded_on),
        "jc_deadline": jc, "jc_status": jc.status(clock.today(), agreement["agreement"].judicial_applied_on) if jc else None,
        "actions": dispute_workflow.available(d, request.user),
        "timeline": audit.timeline(d), "levels": Dispute.Level.choices,
        "bodies": Unit.objects.filter(kind=Unit.Kind.CENTRE_BODY, is_active=True, node=sub),
        "rooms_all": selectors.rooms_public(sub), "roster": Mediator.objects.filter(
            is_active=True, node__path__startswith=sub.path).order_by("sort_order", "id"),
        "mediation_types": Dispute.MediationType.choices, "satisfaction": SATISFACTION,
        "judicial_outcomes": [c for c in Dispute.JudicialOutcome.choices if c[0]], "today": clock.today(),
        "default_routes": services.DEFAULT_ROUTES, "party_form": PartyForm(),
        "can_edit": policy.has_perm(request.user, "disputes.intake", d.node) and d.is_open,
        "documents": documents.DOCUMENTS, "attachments": files.files_of(d), "kinds": selectors.kinds(),
        "can_upload": policy.has_perm(request.user, "disputes.mediate", d.node),
    }


@login_required
def dispute_detail(request, pk):
    _require_view(request.user)
    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    return render(request, "disputes/detail.html", _detail_context(request, d))


@login_required
@require_POST
def dispute_transition(request, pk):
    _require_view(request.user)
    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    name = request.POST.get("action", "")
    data = {k: request.POST.get(k) for k in TRANSITION_FIELDS if request.POST.get(k) not in (None, "")}
    if request.POST.getlist("mediators"):
        data["mediators"] = request.POST.getlist("mediators")
    try:
        services.dispute_transition(actor=request.user, dispute=d, name=name, version=request.POST.get("version") or -1,
                                    reason=request.POST.get("reason", ""), **data)
        d.refresh_from_db()
        messages.success(request, f"已完成：{dispute_workflow.get(name).label if name in dispute_workflow.transitions else name}。"
                                  f"当前状态：{d.get_status_display()}。")
        return redirect("disputes:detail", pk=d.pk)
    except DomainError as exc:
        d.refresh_from_db()
        ctx = _detail_context(request, d)
        ctx["error"] = exc.message
        ctx["error_action"] = name
        ctx["posted"] = request.POST
        return render(request, "disputes/detail.html", ctx, status=exc.status_code)


@login_required
@require_POST
def party_add(request, pk):
    _require_view(request.user)
    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    form = PartyForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请检查当事人信息：" + "；".join(str(e[0]) for e in form.errors.values()))
        services.party_add(actor=request.user, dispute=d, version=request.POST.get("version") or -1, **form.cleaned_data)
        messages.success(request, "已添加当事人。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("disputes:detail", pk=d.pk)


@login_required
@require_POST
def dispute_edit(request, pk):
    _require_view(request.user)
    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    try:
        services.dispute_update(actor=request.user, dispute=d, version=request.POST.get("version") or -1,
                                **{k: request.POST.get(k) for k in ("title", "description", "place", "amount", "kind")
                                   if request.POST.get(k) is not None})
        messages.success(request, "已修改基本情况。")
        return redirect("disputes:detail", pk=d.pk)
    except DomainError as exc:
        d.refresh_from_db()
        ctx = _detail_context(request, d)
        ctx["error"] = exc.message
        return render(request, "disputes/detail.html", ctx, status=exc.status_code)


@login_required
@require_POST
def attachment_add(request, pk):
    _require_view(request.user)
    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    files.limit_uploads(request)
    try:
        if getattr(request, "upload_too_large", False):
            raise DomainError("上传的文件过大，未保存。")
        services.attachment_add(actor=request.user, dispute=d, upload=request.FILES.get("file"))
        messages.success(request, "已上传附件。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("disputes:detail", pk=d.pk)


@login_required
def dispute_document(request, pk, kind):
    _require_view(request.user)
    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    if kind not in documents.DOCUMENTS:
        raise Http404("没有这种文书。")
    title, make = documents.DOCUMENTS[kind]
    try:
        content = make(d)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("disputes:detail", pk=d.pk)
    return ui.file_response(content, f"{title}-{d.tracking_code}.docx", ui.DOCX)


@login_required
def deadlines(request):
    _require_view(request.user)
    return render(request, "disputes/deadlines.html", {
        "overdue": selectors.overdue(request.user).select_related("kind", "node").order_by("due_date")[:200],
        "due_soon": selectors.due_soon(request.user).select_related("kind", "node").order_by("due_date")[:200],
        "judicial": selectors.judicial_window_open(request.user).select_related("agreement").order_by(
            "agreement__judicial_deadline")[:200],
        "today": clock.today()})


@login_required
def state_times(request):
    _require_view(request.user)
    return render(request, "disputes/state_times.html", {
        "rows": selectors.time_in_states(user=request.user, filters=request.GET), **_filter_context(request.user, request.GET)})


@login_required
def transfers(request):
    _require_view(request.user)
    return render(request, "disputes/transfers.html", {"transfers": selectors.transfers_to_my_body(request.user)})


@login_required
@require_POST
def transfer_ack(request, pk):
    _require_view(request.user)
    t = selectors.transfers_to_my_body(request.user).filter(pk=pk).first()
    if t is None:
        raise Http404("记录不存在或不在您的管辖范围内。")
    services.transfer_acknowledge(actor=request.user, transfer=t)
    messages.success(request, "已接收。")
    return redirect("disputes:detail", pk=t.dispute_id)


# ---- rooms, roster, committee, risk words ------------------------------------------------------------------------

@login_required
def rooms(request):
    _require(request.user, "disputes.view")
    return render(request, "disputes/rooms.html", {"rooms": selectors.rooms_for(request.user),
                                                   "can_manage": policy.has_perm(request.user, "disputes.manage")})


@login_required
def room_detail(request, pk):
    _require(request.user, "disputes.view")
    room = selectors.room_get_for_user(user=request.user, pk=pk)
    qs = selectors.room_queue(user=request.user, room=room)
    return render(request, "disputes/room_detail.html", {
        "room": room, **ui.paginate(request, qs), "today": clock.today(), "timeline": audit.timeline(room),
        "can_manage": policy.has_perm(request.user, "disputes.manage", room.node)})


@login_required
def room_edit(request, pk=None):
    _require(request.user, "disputes.manage")
    room = selectors.room_get_for_user(user=request.user, pk=pk) if pk else None
    initial = {}
    if room:
        initial = {"node": room.node_id, "name": room.name, "host_name": room.host_name, "opening_hours": room.opening_hours,
                   "location": room.location, "introduction": room.introduction, "is_active": room.is_active,
                   "specialities": [k.pk for k in room.specialities.all()]}
    if request.method == "POST":
        files.limit_uploads(request)
        form = RoomForm(request.POST, request.FILES, user=request.user)
        if getattr(request, "upload_too_large", False):
            form.add_error("photo", "照片文件过大。")
        elif form.is_valid():
            c = form.cleaned_data
            try:
                node = policy.scoped_nodes(request.user, "disputes.manage").get(pk=c["node"])
                room = services.room_save(actor=request.user, node=node, room=room, name=c["name"], host_name=c["host_name"],
                                          specialities=c["specialities"], opening_hours=c["opening_hours"],
                                          location=c["location"], introduction=c["introduction"],
                                          is_active=c["is_active"], photo=c.get("photo"))
                messages.success(request, f"已保存调解室 {room.name}。")
                return redirect("disputes:room_detail", pk=room.pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "disputes/form.html", {"form": form, "title": "调解室", "multipart": True}, status=400)
    form = RoomForm(user=request.user, initial=initial or {"is_active": True})
    return render(request, "disputes/form.html", {"form": form, "title": "调解室", "multipart": True})


@login_required
def mediators(request):
    _require(request.user, "disputes.view")
    qs = selectors.mediators_for(request.user, request.GET)
    return render(request, "disputes/mediators.html", {
        **ui.paginate(request, qs, per_page=50), "committees": selectors.committees_for(request.user).select_related("node"),
        "kinds": Mediator.Kind.choices, "filters": request.GET,
        "can_manage": policy.has_perm(request.user, "disputes.manage")})


@login_required
def mediator_edit(request, pk=None):
    _require(request.user, "disputes.manage")
    m = selectors.mediator_get_for_user(user=request.user, pk=pk) if pk else None
    initial = {}
    if m:
        initial = {"node": m.node_id, "name": m.name, "kind": m.kind, "organisation": m.organisation, "phone": m.phone,
                   "committee": m.committee_id, "committee_position": m.committee_position,
                   "specialities": [k.pk for k in m.specialities.all()]}
    form = MediatorForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            c = form.cleaned_data
            try:
                node = policy.scoped_nodes(request.user, "disputes.manage").get(pk=c["node"])
                committee = selectors.committees_for(request.user).filter(pk=c["committee"]).first() if c["committee"] else None
                m = services.mediator_save(actor=request.user, node=node, mediator=m, name=c["name"], kind=c["kind"],
                                           organisation=c["organisation"], phone=c["phone"],
                                           specialities=c["specialities"], committee=committee,
                                           committee_position=c["committee_position"])
                messages.success(request, f"已保存调解员 {m.name}。")
                return redirect("disputes:mediators")
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "disputes/form.html", {"form": form, "title": "调解员"}, status=400)
    return render(request, "disputes/form.html", {"form": form, "title": "调解员"})


@login_required
def risk_words(request):
    _require(request.user, "disputes.view")
    can_manage = policy.has_perm(request.user, "disputes.manage")
    form = RiskWordForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("您没有维护风险词库的权限。")
        if request.POST.get("remove"):
            rw = RiskWord.objects.filter(pk=request.POST["remove"]).first() if request.POST["remove"].isdigit() else None
            if rw:
                services.risk_word_remove(actor=request.user, word=rw)
                messages.success(request, f"已停用风险词“{rw.word}”。")
            return redirect("disputes:risk_words")
        if form.is_valid():
            try:
                services.risk_word_add(actor=request.user, **form.cleaned_data)
                messages.success(request, "已添加风险词。")
                return redirect("disputes:risk_words")
            except DomainError as exc:
                ui.apply_error(form, exc)
    return render(request, "disputes/risk_words.html", {"words": selectors.risk_words(), "form": form,
                                                        "can_manage": can_manage})
