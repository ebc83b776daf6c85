"""Workbench pages (staff), on core's gate (``fazhi.core.pages``): each page declares the permission per method and
the access policy that looks its record up (404 outside scope, 403 visible but not allowed). Thin: parse →
service / selector → render."""
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from fazhi.core import audit, clock, files, orgkinds, personal, policy, ui
from fazhi.core.errors import DomainError, NotFound
from fazhi.core.pages import ActionPage, FormPage, ListPage, Page

from . import assist, documents, selectors, services, triage
from .forms import SATISFACTION, AdvisorForm, IntakeForm, MediatorForm, PartyForm, RiskWordForm, RoomForm
from .models import Dispute, Mediator, Transfer
from .policies import dispute_policy, mediator_policy, room_policy
from .workflow import dispute_workflow

TRANSITION_FIELDS = ("next_steps", "level", "centre_body", "room", "mediation_type", "held_on", "place", "participants",
                     "record", "facts", "responsibility", "terms", "performance_method", "performance_deadline",
                     "routes", "performed", "satisfaction", "note", "judicial_outcome", "judicial_applied_on",
                     "judicial_decided_on", "judicial_court", "target")
VIEW = "disputes.view"
_TENANT, _VILLAGE = (orgkinds.TENANT,), (orgkinds.VILLAGE,)


def _filter_context(user, params):
    return {
        "filters": params, "statuses": Dispute.Status.choices, "levels": Dispute.Level.choices,
        "channels": Dispute.Channel.choices, "kinds": selectors.kinds(), "villages": selectors.villages_for(user),
        "rooms": selectors.room_choices(user), "sorts": selectors.SORT_LABELS.items(), "today": clock.today(),
    }


class DisputePage(Page):
    """A page about one case: ``self.dispute(action)`` fetches it through the dispute policy."""

    access = dispute_policy
    perms = {"GET": VIEW, "POST": VIEW}

    def dispute(self, action="view"):
        return selectors.dispute_get_for_user(user=self.request.user, pk=self.kwargs["pk"], action=action)

    def detail(self, d, *, status=200, **extra):
        return self.render({**_detail_context(self.request, d), **extra}, status=status,
                           template="disputes/detail.html")

    def redirect_url(self):
        return reverse("disputes:detail", kwargs={"pk": self.kwargs["pk"]})

    def attempt(self, call, **extra):
        """Run one service call; a refusal re-renders the case with the message (and its status code)."""
        try:
            return call(), None
        except NotFound:
            raise
        except DomainError as exc:
            return None, self.detail(self.dispute(), status=exc.status_code, error=exc.message, **extra)


class DisputeList(ListPage):
    menu = "矛盾纠纷台账"
    perms = {"GET": VIEW}
    access = dispute_policy
    template_name = "disputes/list.html"
    partial_template = "disputes/partials/rows.html"

    def get_queryset(self):
        return selectors.dispute_list(user=self.request.user, filters=self.request.GET)

    def extra_context(self):
        return {**_filter_context(self.request.user, self.request.GET),
                "can_intake": policy.has_perm(self.request.user, "disputes.intake"),
                "export_query": self.request.GET.urlencode()}


PREFILL_FIELDS = ("applicant_name", "applicant_phone", "applicant_id_number", "applicant_address", "respondent_name",
                  "respondent_phone", "respondent_id_number", "respondent_address", "place", "amount", "occurred_on",
                  "village", "kind", "level", "contact_phone")


class DisputeNew(FormPage):
    """Walk-in intake. "识别并预填" (``assist``) reads the complaint text: the fields it finds are filled in (only
    empty ones) and marked, with the triage suggestion, the three most similar past cases and related open cases;
    the clerk confirms before saving."""

    perms = {"GET": "disputes.intake", "POST": "disputes.intake"}
    form_class = IntakeForm
    template_name = "disputes/intake.html"
    title = "登记矛盾纠纷"

    def get(self, request, *args, **kwargs):
        from .extraction import warm_up

        warm_up()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("assist"):
            return self.assist()
        return super().post(request, *args, **kwargs)

    def assist(self):
        post = self.request.POST
        user = self.request.user
        villages = list(selectors.villages_for(user, "disputes.intake") or selectors.villages_for(user)) or \
            sorted({g.parent for g in selectors.grids_for(user, "disputes.intake")}, key=lambda v: v.path)
        village = next((v for v in villages if str(v.pk) == post.get("village")), None)
        text = post.get("description", "")[:5000]
        help_ = assist.intake_help(user=user, text=text, villages=villages, village=village,
                                   channel=post.get("channel") or "walk_in", title=post.get("title", ""),
                                   place=post.get("place", ""), amount=post.get("amount") or None)
        initial = {k: v for k, v in post.items() if k not in ("csrfmiddlewaretoken", "assist")}
        filled = assist.prefill_values(help_)
        prefilled = [k for k, v in filled.items() if v not in (None, "") and not initial.get(k)]
        for k in prefilled:
            initial[k] = filled[k]
        if help_["related"] and not initial.get("related_target"):
            initial["related_target"] = help_["related"][0].dispute.tracking_code
        initial["prefilled"] = ",".join(sorted(set(prefilled) | set(filter(None, post.get("prefilled", "").split(",")))))
        form = self.form_class(user=user, initial=initial)
        for k in prefilled:
            if k in form.fields:
                form.fields[k].help_text = "（自动识别预填，请核对）" + (form.fields[k].help_text or "")
        s = help_["suggestion"]
        fields = [("纠纷类型", s.kind), ("办理层级", s.level), ("调解室/承办机构", s.routing)] if s else []
        return self.render({**self.context(form), "help": help_, "prefilled": prefilled, "help_fields": fields})

    def get_form_kwargs(self):
        user = self.request.user
        initial = {"channel": "patrol" if policy.has_role(user, "grid_worker") else "walk_in",
                   **self.query_initial("village", "grid")}  # the workbench's 上报 button names the grid
        return {"user": user, "initial": initial}

    def perform(self, form):
        c = form.cleaned_data
        return services.dispute_register(
            actor=self.request.user, channel=c["channel"], village=c["village"], grid=c.get("grid"),
            level=c.get("level") or None, kind=c["kind"], title=c["title"], description=c["description"],
            place=c["place"], amount=c["amount"], contact_phone=c["contact_phone"], parties=form.parties(),
            referral_source=c.get("referral_source") or "", referral_note=c.get("referral_note") or "",
            requested_room=c.get("requested_room"), mediation_type=c["mediation_type"],
            occurred_on=c.get("occurred_on") or None, related_action=c.get("related_action") or "",
            related_target=c.get("related_target") or "")

    def get_success_message(self, d):
        if getattr(d, "duplicate", False):
            messages.warning(self.request, f"该纠纷刚刚已登记（{d.tracking_code}），未重复登记。")
            return ""
        return f"已登记，查询码 {d.tracking_code}。请告知群众凭查询码和手机号查询进度。"

    def success_url(self, d):
        return reverse("disputes:detail", kwargs={"pk": d.pk})


def _detail_context(request, d):
    deadline = services.case_deadline(d)
    related = selectors.dispute_detail(d)
    agreement = related["agreement"]
    jc = services.judicial_deadline(agreement) if agreement else None
    today = clock.today()
    deadline_status = deadline.status(today, d.concluded_on)
    return {
        "d": d, **related, "deadline": deadline, "deadline_status": deadline_status,
        "overdue_days": (today - deadline.due).days if deadline_status == "overdue" else 0,
        "jc_deadline": jc, "jc_status": jc.status(today, agreement.judicial_applied_on) if jc else None,
        "actions": dispute_workflow.available(d, request.user),
        "timeline": audit.timeline(d), "levels": Dispute.Level.choices,
        "bodies": selectors.centre_bodies_of(d), "rooms_all": selectors.rooms_public(d.village.tenant()),
        "roster": selectors.roster_for(d),
        "mediation_types": Dispute.MediationType.choices, "satisfaction": SATISFACTION,
        "judicial_outcomes": [c for c in Dispute.JudicialOutcome.choices if c[0]], "today": today,
        "default_routes": services.DEFAULT_ROUTES, "party_form": PartyForm(),
        "can_edit": dispute_policy.may(request.user, "intake", d) and d.is_open,
        "documents": documents.documents_for(d), "attachments": files.files_of(d), "kinds": selectors.kinds(),
        "can_upload": dispute_policy.may(request.user, "mediate", d),
        "advisor_choices": selectors.advisor_choices(user=request.user, dispute=d)
        if dispute_policy.may(request.user, "assign", d) else [],
        **_assist_context(request.user, d, related["parties"]),
    }


def _assist_context(user, d, parties):
    """Issue 18 on the case page: similar past cases (scoped), the triage record, links, related open cases,
    events of the cases merged into this one, and the agreement draft when an agreement can be recorded."""
    actions = {t.name for t in dispute_workflow.available(d, user)}
    related = assist.related_open(user=user, village=d.village, place=d.place, exclude_pk=d.pk, parties=[
        dict(role=p.role, name=p.name, id_number=p.id_number, phone=p.phone, address=p.address) for p in parties]) \
        if d.is_open else []
    return {"similar": triage.similar_to(user=user, dispute=d), "triage": assist.assign_prefill(d),
            "links": assist.links_of(d, user), "related_open": related,
            "merged_events": assist.merged_timeline(d, user),
            "draft": assist.agreement_draft(d, user=user) if "agree" in actions else None,
            "can_link": dispute_policy.may(user, "intake", d) and d.is_open}


class DisputeDetail(DisputePage):
    perms = {"GET": VIEW}

    def get(self, request, pk):
        return self.detail(self.dispute())


class DisputeTransition(DisputePage):
    http_method_names = ["post"]

    def post(self, request, pk):
        d = self.dispute()
        name = request.POST.get("action", "")
        data = {k: request.POST.get(k) for k in TRANSITION_FIELDS if request.POST.get(k) not in (None, "")}
        if request.POST.getlist("mediators"):
            data["mediators"] = request.POST.getlist("mediators")
        d, refused = self.attempt(lambda: services.dispute_transition(
            actor=request.user, dispute=d, name=name, version=request.POST.get("version") or -1,
            reason=request.POST.get("reason", ""), **data), error_action=name, posted=request.POST)
        if refused:
            return refused
        label = dispute_workflow.get(name).label if name in dispute_workflow.transitions else name
        messages.success(request, f"已完成：{label}。当前状态：{d.get_status_display()}。")
        return redirect("disputes:detail", pk=d.pk)


class DisputeEdit(DisputePage):
    http_method_names = ["post"]

    def post(self, request, pk):
        d = self.dispute()
        fields = {k: request.POST.get(k) for k in ("title", "description", "place", "amount", "kind")
                  if request.POST.get(k) is not None}
        _, refused = self.attempt(lambda: services.dispute_update(
            actor=request.user, dispute=d, version=request.POST.get("version") or -1, **fields))
        if refused:
            return refused
        messages.success(request, "已修改基本情况。")
        return redirect("disputes:detail", pk=d.pk)


class PartyAdd(DisputePage, ActionPage):
    success_message = "已添加当事人。"

    def perform(self):
        d = self.dispute()
        form = PartyForm(self.request.POST)
        if not form.is_valid():
            raise DomainError("请检查当事人信息：" + "；".join(str(e[0]) for e in form.errors.values()))
        services.party_add(actor=self.request.user, dispute=d, version=self.request.POST.get("version") or -1,
                           **form.cleaned_data)


class PartyChange(DisputePage, ActionPage):
    """Edit one party (the same fields as adding one) or remove it (``remove=1``); audited, version-checked."""

    census_kwargs = {"party_pk": 1}

    def perform(self):
        d = self.dispute()
        party = selectors.party_of(dispute=d, pk=self.kwargs["party_pk"])
        version = self.request.POST.get("version") or -1
        if self.request.POST.get("remove"):
            services.party_remove(actor=self.request.user, dispute=d, party=party, version=version)
            return f"已删除当事人 {party.name}。"
        form = PartyForm(self.request.POST)
        if not form.is_valid():
            raise DomainError("请检查当事人信息：" + "；".join(str(e[0]) for e in form.errors.values()))
        services.party_update(actor=self.request.user, dispute=d, party=party, version=version, **form.cleaned_data)
        return "已修改当事人。"


class LinkAdd(DisputePage, ActionPage):
    """Link this case to a related one (并单提示 → 关联); audited on both."""

    perms = {"POST": "disputes.intake"}
    success_message = "已关联相关案件。"

    def perform(self):
        d = self.dispute("intake")
        services.dispute_link(actor=self.request.user, dispute=d, target=self.request.POST.get("target", ""),
                              reason=self.request.POST.get("reason", ""))


class AdvisorJoin(DisputePage, ActionPage):
    perms = {"POST": "disputes.assign"}
    success_message = "法律顾问已参与本案调解。"

    def perform(self):
        d = self.dispute("assign")
        form = AdvisorForm(self.request.POST)
        advisor = selectors.advisor_candidates(user=self.request.user).filter(
            pk=form.cleaned_data["advisor"]).first() if form.is_valid() else None
        if advisor is None:
            raise DomainError(services.ADVISOR_REFUSED, field_errors={"advisor": services.ADVISOR_REFUSED})
        services.advisor_join(actor=self.request.user, dispute=d, advisor=advisor)


class AttachmentAdd(DisputePage, ActionPage):
    success_message = "已上传附件。"

    def perform(self):
        d = self.dispute()
        files.limit_uploads(self.request)
        if getattr(self.request, "upload_too_large", False):
            raise DomainError("上传的文件过大，未保存。")
        services.attachment_add(actor=self.request.user, dispute=d, upload=self.request.FILES.get("file"))


class DisputeDocument(DisputePage):
    perms = {"GET": VIEW}
    census_kwargs = {"kind": "application"}

    def get(self, request, pk, kind):
        d = self.dispute()
        try:
            title, content = documents.render(d, kind)
        except NotFound:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("disputes:detail", pk=d.pk)
        personal.record_document_download(actor=request.user, obj=d, title=title)  # it carries parties' numbers
        return ui.file_response(content, f"{title}-{d.tracking_code}.docx", ui.DOCX)


class Deadlines(Page):
    menu = "纠纷期限提醒"
    perms = {"GET": VIEW}
    access = dispute_policy
    template_name = "disputes/deadlines.html"

    def get(self, request):
        user = request.user
        return self.render({
            "overdue": selectors.overdue(user).select_related("kind", "node").order_by("due_date")[:200],
            "due_soon": selectors.due_soon(user).select_related("kind", "node").order_by("due_date")[:200],
            "judicial": selectors.judicial_window_open(user).select_related("agreement").order_by(
                "agreement__judicial_deadline")[:200],
            "today": clock.today()})


class StateTimes(Page):
    menu = "办理用时统计"
    perms = {"GET": VIEW}
    access = dispute_policy
    template_name = "disputes/state_times.html"

    def get(self, request):
        return self.render({"rows": selectors.time_in_states(user=request.user, filters=request.GET),
                            **_filter_context(request.user, request.GET)})


class Transfers(Page):
    perms = {"GET": VIEW}
    access = dispute_policy
    template_name = "disputes/transfers.html"

    def get(self, request):
        return self.render({"transfers": selectors.transfers_to_my_body(request.user)})


class TransferAck(ActionPage):
    perms = {"POST": VIEW}
    access = dispute_policy
    census_model = Transfer
    success_message = "已接收。"

    def perform(self):
        t = selectors.transfer_for(user=self.request.user, pk=self.kwargs["pk"])
        self.dispute_id = t.dispute_id
        services.transfer_acknowledge(actor=self.request.user, transfer=t)

    def redirect_url(self):
        return reverse("disputes:detail", kwargs={"pk": self.dispute_id})


# ---- rooms, roster, risk words -----------------------------------------------------------------------------------

class Rooms(Page):
    menu = "调解超市"
    perms = {"GET": VIEW}
    access = room_policy
    template_name = "disputes/rooms.html"

    def get(self, request):
        return self.render({"rooms": selectors.rooms_for(request.user),
                            "can_manage": policy.has_perm(request.user, "disputes.manage")})


class RoomDetail(Page):
    perms = {"GET": VIEW}
    access = room_policy
    template_name = "disputes/room_detail.html"

    def get(self, request, pk):
        room = selectors.room_get_for_user(user=request.user, pk=pk)
        return self.render({"room": room, **ui.paginate(request, selectors.room_queue(user=request.user, room=room)),
                            "today": clock.today(), "timeline": audit.timeline(room),
                            "can_manage": room_policy.may(request.user, "manage", room)})


class RoomEdit(FormPage):
    perms = {"GET": "disputes.manage", "POST": "disputes.manage"}
    access = room_policy
    form_class = RoomForm
    template_name = "disputes/form.html"
    title = "调解室"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.room = None

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            files.limit_uploads(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        if self.kwargs.get("pk"):
            self.room = selectors.room_get_for_user(user=self.request.user, pk=self.kwargs["pk"], action="manage")
        room = self.room
        initial = {"is_active": True}
        if room:
            initial = {"node": room.node_id, "name": room.name, "host_name": room.host_name,
                       "opening_hours": room.opening_hours, "location": room.location,
                       "introduction": room.introduction, "is_active": room.is_active,
                       "specialities": [k.pk for k in room.specialities.all()]}
        return {"user": self.request.user, "initial": initial}

    def extra_context(self):
        return {"multipart": True}

    def perform(self, form):
        c = form.cleaned_data
        node = selectors.manage_nodes(self.request.user, *_TENANT).filter(pk=c["node"]).first()
        return services.room_save(actor=self.request.user, node=node, room=self.room, name=c["name"],
                                  host_name=c["host_name"], specialities=c["specialities"],
                                  opening_hours=c["opening_hours"], location=c["location"],
                                  introduction=c["introduction"], is_active=c["is_active"], photo=c.get("photo"))

    def get_success_message(self, room):
        return f"已保存调解室 {room.name}。"

    def success_url(self, room):
        return reverse("disputes:room_detail", kwargs={"pk": room.pk})


class Mediators(ListPage):
    menu = "调解员名册"
    perms = {"GET": VIEW}
    access = mediator_policy
    template_name = "disputes/mediators.html"
    per_page = 50

    def get_queryset(self):
        return selectors.mediators_for(self.request.user, self.request.GET)

    def extra_context(self):
        return {"committees": selectors.committees_for(self.request.user).select_related("node"),
                "kinds": Mediator.Kind.choices, "can_manage": policy.has_perm(self.request.user, "disputes.manage")}


class MediatorEdit(FormPage):
    perms = {"GET": "disputes.manage", "POST": "disputes.manage"}
    access = mediator_policy
    form_class = MediatorForm
    template_name = "disputes/form.html"
    title = "调解员"

    def get_form_kwargs(self):
        self.mediator = None
        if self.kwargs.get("pk"):
            self.mediator = selectors.mediator_get_for_user(user=self.request.user, pk=self.kwargs["pk"],
                                                            action="manage")
        m = self.mediator
        initial = {}
        if m:
            initial = {"node": m.node_id, "name": m.name, "kind": m.kind, "organisation": m.organisation,
                       "phone": m.phone, "committee": m.committee_id, "committee_position": m.committee_position,
                       "specialities": [k.pk for k in m.specialities.all()]}
        return {"user": self.request.user, "initial": initial}

    def perform(self, form):
        c = form.cleaned_data
        user = self.request.user
        node = selectors.manage_nodes(user, *_TENANT, *_VILLAGE).filter(pk=c["node"]).first()
        committee = selectors.committees_for(user).filter(pk=c["committee"]).first() if c["committee"] else None
        return services.mediator_save(actor=user, node=node, mediator=self.mediator, name=c["name"], kind=c["kind"],
                                      organisation=c["organisation"], phone=c["phone"],
                                      specialities=c["specialities"], committee=committee,
                                      committee_position=c["committee_position"])

    def get_success_message(self, m):
        return f"已保存调解员 {m.name}。"

    def success_url(self, m):
        return reverse("disputes:mediators")


class RiskWords(Page):
    menu = "风险词库"
    perms = {"GET": VIEW, "POST": "disputes.manage"}
    template_name = "disputes/risk_words.html"

    def context(self, form):
        return {"words": selectors.risk_words(), "form": form,
                "can_manage": policy.has_perm(self.request.user, "disputes.manage")}

    def get(self, request):
        return self.render(self.context(RiskWordForm()))

    def post(self, request):
        form = RiskWordForm(request.POST)
        if request.POST.get("remove"):
            rw = selectors.risk_word(request.POST["remove"])
            if rw:
                services.risk_word_remove(actor=request.user, word=rw)
                messages.success(request, f"已停用风险词“{rw.word}”。")
            return redirect("disputes:risk_words")
        if form.is_valid():
            try:
                services.risk_word_add(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                ui.apply_error(form, exc)
            else:
                messages.success(request, "已添加风险词。")
                return redirect("disputes:risk_words")
        return self.render(self.context(form), status=400)



# ---- triage model ------------------------------------------------------------------------------------------------

class TriagePage(Page):
    """The subdistrict's triage model: when it was trained, on how many cases, its held-out accuracy, how often the
    clerks accepted its suggestions; managers start a retraining (a core background job)."""

    menu = "分派建议模型"
    perms = {"GET": VIEW, "POST": "disputes.manage"}
    template_name = "disputes/triage.html"

    def get(self, request):
        return self.render({"rows": selectors.triage_overview(request.user),
                            "can_manage": policy.has_perm(request.user, "disputes.manage"),
                            "threshold": triage.threshold()})

    def post(self, request):
        tenant = selectors.manage_nodes(request.user, *_TENANT).filter(pk=request.POST.get("node") or 0).first() \
            if str(request.POST.get("node", "")).isdigit() else None
        if tenant is None:
            messages.error(request, "请选择要训练的街道。")
            return redirect("disputes:triage")
        from .jobs import start_retrain

        job = start_retrain(actor=request.user, tenant=tenant)
        messages.success(request, f"已开始重新训练{tenant.name}的分派建议模型。")
        return redirect("core:job_detail", pk=job.pk)
