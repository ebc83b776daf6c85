"""Workbench views: parse → service/selector → render. No business rule lives here."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fazhi.core import audit, clock, figures, files, orgkinds, policy, ui
from fazhi.core.errors import DomainError
from fazhi.core.pages import ActionPage

from . import forms, selectors, services
from .models import Event, KeyDate, Leader, LeaderTraining, Site, StaffTraining, StudySession, Target
from .policies import event_policy
from .workflow import EVENT_WORKFLOW

VIEW = "publicity.view"


def _need(user, perm):
    if not policy.has_perm(user, perm):
        raise PermissionDenied("您的岗位角色不包含此功能。")


def _filters(request, *keys):
    return {k: request.GET.get(k, "") for k in ("year", "start", "end", "node", *keys)}


# ---- calendar and figures ---------------------------------------------------------------------------------------

@login_required
def calendar(request):
    _need(request.user, VIEW)
    data = selectors.calendar_for_user(request.user)
    data["no_event"] = selectors.key_dates_without_event(request.user)
    data["campaigns"] = selectors.campaign_list(user=request.user).filter(end_date__gte=clock.today() - datetime.timedelta(days=60)).order_by("start_date")[:20]
    data["key_dates"] = selectors.key_dates()
    data["can_record"] = policy.has_perm(request.user, "publicity.record_event")
    data["can_manage"] = policy.has_perm(request.user, "publicity.manage")
    return render(request, "publicity/calendar.html", data)


FIGURE_KEYS = ["publicity.events", "publicity.events_into_organs", "publicity.materials", "publicity.slogans",
               "publicity.people_reached", "publicity.migrant_worker_share", "publicity.online_reach", "publicity.sites",
               "publicity.sites_investment", "publicity.sites_population", "publicity.leaders_trained",
               "publicity.leaders_registered", "publicity.study_sessions", "publicity.seminars", "publicity.party_lectures",
               "publicity.staff_training_hours", "publicity.events_by_target", "publicity.reach_by_audience",
               "publicity.events_by_key_date"]


@login_required
def figures_view(request):
    _need(request.user, VIEW)
    start, end = ui.period_from(request)
    node = policy.user_home_node(request.user)
    if request.GET.get("node", "").isdigit():
        node = next((n for n in selectors.nodes_for(request.user, VIEW) if n.pk == int(request.GET["node"])), node)
    if node is None or not policy.has_perm(request.user, VIEW, node):
        node = selectors.nodes_for(request.user, VIEW).first()
    rows = []
    for key in FIGURE_KEYS:
        fig = figures.get(key)
        value = fig.value(node, start, end)
        rows.append({"fig": fig, "value": value, "text": fig.format(value), "is_breakdown": isinstance(value, dict),
                     "url": fig.records_url(node, start, end)})
    return render(request, "publicity/figures.html", {"rows": rows, "node": node, "start": start, "end": end,
                                                      "nodes": selectors.nodes_for(request.user, VIEW)})


# ---- events ---------------------------------------------------------------------------------------------------

@login_required
def event_list(request):
    _need(request.user, VIEW)
    filters = _filters(request, "target", "status", "key_date", "group", "q", "due")
    qs = selectors.event_list(user=request.user, filters=filters)
    return render(request, "publicity/event_list.html", {
        **ui.paginate(request, qs), "filters": filters, "targets": Target.choices, "statuses": forms.EVENT_STATUS_CHOICES,
        "key_dates": selectors.key_dates(), "groups": selectors.audience_groups(), "today": clock.today(),
        "can_record": policy.has_perm(request.user, "publicity.record_event")})


def _event_kwargs(form):
    data = form.cleaned_data
    return dict(title=data["title"], date=data["date"], place=data["place"], target=data["target"],
                organiser_unit=data.get("organiser_unit"), organiser_text=data.get("organiser_text", ""),
                key_date=data.get("key_date"), campaign=data.get("campaign"), content=data.get("content", ""),
                **form.results())


@login_required
def event_create(request):
    _need(request.user, "publicity.record_event")
    initial = {}
    if request.GET.get("key_date", "").isdigit():
        kd = selectors.key_dates().filter(pk=int(request.GET["key_date"])).first()
        if kd:
            initial = {"key_date": kd, "title": f"{kd.name}普法宣传活动", "target": kd.suggested_target or Target.COMMUNITY}
    form = forms.EventForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.add_error(None, "上传的照片过大，未保存任何内容。")
    elif request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo")
        try:
            event = services.event_create(actor=request.user, node=form.cleaned_data["node"], photos=[photo] if photo else [],
                                          **_event_kwargs(form))
            messages.success(request, "活动计划已保存，开展后请登记开展情况。" if event.status == Event.Status.PLANNED else "宣传活动已登记。")
            return redirect("publicity:event_detail", pk=event.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "publicity/event_form.html", {"form": form, "title": "登记普法宣传活动"}, status=400 if form.errors else 200)


@login_required
def event_detail(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    actions = EVENT_WORKFLOW.available(event, request.user)
    return render(request, "publicity/event_detail.html", {
        "event": event, "reach": selectors.event_reach(event), "photos": files.files_of(event, purpose="photo"),
        "timeline": audit.timeline(event), "actions": actions,
        "record_form": forms.RecordForm(initial={"version": event.version}) if any(t.name == "record" for t in actions) else None,
        "cancel_form": forms.CancelForm(initial={"version": event.version}) if any(t.name == "cancel" for t in actions) else None,
        "can_edit": policy.has_perm(request.user, "publicity.record_event", event.node) and event.status != Event.Status.CANCELLED,
        "photo_form": forms.PhotoForm(), "due_status": _due_status(event)})


def _due_status(event):
    if event.status != Event.Status.PLANNED or not event.record_due:
        return None
    from fazhi.core import workdays

    deadline = workdays.compute_deadline(services.EVENT_RECORD_RULE, event.date)
    return {"deadline": deadline, "status": deadline.status(clock.today())}


@login_required
def event_edit(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    if not policy.has_perm(request.user, "publicity.record_event", event.node):
        raise PermissionDenied("您没有修改此活动的权限。")
    reach = {r.group.code: r.people for r in selectors.event_reach(event)}
    initial = {"title": event.title, "date": event.date, "place": event.place, "target": event.target,
               "organiser_unit": event.organiser_unit, "organiser_text": event.organiser_text, "key_date": event.key_date,
               "campaign": event.campaign, "content": event.content, "materials": event.materials, "slogans": event.slogans,
               "online_reach": event.online_reach, "version": event.version, **{f"reach_{k}": v for k, v in reach.items()}}
    form = forms.EventEditForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, expected_version=form.cleaned_data["version"], **_event_kwargs(form))
            messages.success(request, "已保存修改。")
            return redirect("publicity:event_detail", pk=event.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
            status = exc.status_code
    elif form.errors:
        status = 400
    return render(request, "publicity/event_form.html", {"form": form, "title": f"修改活动：{event.title}", "event": event}, status=status)


class _EventAction(ActionPage):
    """A button on an event (POST): the event through its policy (404 outside scope), one service, back to it."""

    perms = {"POST": VIEW}
    access = event_policy

    def redirect_url(self) -> str:
        return reverse("publicity:event_detail", kwargs={"pk": self.kwargs["pk"]})


class EventTransition(_EventAction):
    census_kwargs = {"name": "record"}

    def perform(self):
        event = self.get_object(self.kwargs["pk"])
        name = self.kwargs["name"]
        form = forms.RecordForm(self.request.POST) if name == "record" else forms.CancelForm(self.request.POST)
        if not form.is_valid():
            raise DomainError("；".join(f"{form.fields[k].label if k in form.fields else ''}{' '.join(v)}"
                                       for k, v in form.errors.items()))
        kwargs = form.results() if name == "record" else {"reason": form.cleaned_data.get("reason", "")}
        services.event_transition(actor=self.request.user, event=event, name=name,
                                  expected_version=form.cleaned_data["version"], **kwargs)
        return "已登记开展情况。" if name == "record" else "已取消活动。"


class EventPhoto(_EventAction):
    success_message = "照片已上传。"

    def perform(self):
        event = self.get_object(self.kwargs["pk"])
        if getattr(self.request, "upload_too_large", False):
            raise DomainError("照片过大，未保存。")
        services.event_add_photo(actor=self.request.user, event=event, upload=self.request.FILES.get("file"))


# ---- campaigns ------------------------------------------------------------------------------------------------

@login_required
def campaign_create(request):
    _need(request.user, "publicity.manage")
    form = forms.CampaignForm(request.POST or None, user=request.user,
                              initial={"key_date": request.GET.get("key_date")} if request.GET.get("key_date", "").isdigit() else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_create(actor=request.user, **form.cleaned_data)
            messages.success(request, "专项活动已创建。")
            return redirect("publicity:calendar")
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "publicity/simple_form.html", {"form": form, "title": "新建专项宣传活动", "back": reverse("publicity:calendar")},
                  status=400 if form.errors else 200)


# ---- key dates (administrators) -----------------------------------------------------------------------------------

@login_required
def key_dates(request):
    _need(request.user, "core.manage_calendar")
    year = clock.today().year
    rows = [{"kd": kd, "this_year": kd.start_in(year), "next_year": kd.start_in(year + 1)} for kd in KeyDate.objects.all()]
    return render(request, "publicity/key_dates.html", {"rows": rows, "year": year, "lunar_form": forms.LunarDateForm(initial={"year": year + 1})})


@login_required
def key_date_edit(request, pk=None):
    _need(request.user, "core.manage_calendar")
    kd = KeyDate.objects.filter(pk=pk).first() if pk else None
    if pk and kd is None:
        raise Http404("记录不存在。")
    initial = {f: getattr(kd, f) for f in services.KEY_DATE_FIELDS} | {"code": kd.code} if kd else {"duration_days": 1, "is_active": True}
    form = forms.KeyDateForm(request.POST or None, initial=initial)
    if kd:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if kd:
                data.pop("code", None)
                services.key_date_update(actor=request.user, key_date=kd, **data)
            else:
                data.pop("is_active", None)
                services.key_date_create(actor=request.user, **data)
            messages.success(request, "宣传节点已保存。")
            return redirect("publicity:key_dates")
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "publicity/simple_form.html", {"form": form, "title": f"修改宣传节点：{kd.name}" if kd else "新增宣传节点",
                                                          "back": reverse("publicity:key_dates")}, status=400 if form.errors else 200)


@login_required
@require_POST
def key_date_lunar(request, pk):
    _need(request.user, "core.manage_calendar")
    kd = KeyDate.objects.filter(pk=pk).first()
    if kd is None:
        raise Http404("记录不存在。")
    form = forms.LunarDateForm(request.POST)
    if form.is_valid():
        try:
            services.key_date_set_lunar(actor=request.user, key_date=kd, **form.cleaned_data)
            messages.success(request, f"已录入{kd.name}{form.cleaned_data['year']}年的日期。")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写正确的年份和日期。")
    return redirect("publicity:key_dates")


# ---- sites ----------------------------------------------------------------------------------------------------

@login_required
def site_list(request):
    _need(request.user, VIEW)
    qs = selectors.site_list(user=request.user, filters=_filters(request))
    return render(request, "publicity/site_list.html", {**ui.paginate(request, qs), "can_manage": policy.has_perm(request.user, "publicity.manage")})


@login_required
def site_create(request):
    _need(request.user, "publicity.manage")
    form = forms.SiteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(actor=request.user, **form.cleaned_data)
            messages.success(request, "普法阵地已登记。")
            return redirect("publicity:site_detail", pk=site.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "publicity/simple_form.html", {"form": form, "title": "登记普法阵地", "back": reverse("publicity:sites")},
                  status=400 if form.errors else 200)


@login_required
def site_detail(request, pk):
    site = selectors.site_get_for_user(request.user, pk)
    return render(request, "publicity/site_detail.html", {"site": site, "timeline": audit.timeline(site),
                                                          "can_edit": policy.has_perm(request.user, "publicity.manage", site.node)})


@login_required
def site_edit(request, pk):
    site = selectors.site_get_for_user(request.user, pk)
    if not policy.has_perm(request.user, "publicity.manage", site.node):
        raise PermissionDenied("您没有修改此阵地的权限。")
    initial = {f: getattr(site, f) for f in services.SITE_FIELDS} | {"version": site.version}
    form = forms.SiteEditForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.site_update(actor=request.user, site=site, expected_version=data.pop("version"), **data)
            messages.success(request, "已保存修改。")
            return redirect("publicity:site_detail", pk=site.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
            status = exc.status_code
    elif form.errors:
        status = 400
    return render(request, "publicity/simple_form.html", {"form": form, "title": f"修改普法阵地：{site.name}",
                                                          "back": reverse("publicity:site_detail", args=[site.pk])}, status=status)


# ---- 法治带头人/法律明白人 ---------------------------------------------------------------------------------------

@login_required
def leader_list(request):
    _need(request.user, VIEW)
    filters = _filters(request, "kind", "q", "trained_year")
    qs = selectors.leader_list(user=request.user, filters=filters)
    return render(request, "publicity/leader_list.html", {
        **ui.paginate(request, qs), "filters": filters, "kinds": Leader.Kind.choices,
        "villages": selectors.nodes_for(request.user, VIEW, (orgkinds.VILLAGE,)), "can_manage": policy.has_perm(request.user, "publicity.manage")})


@login_required
def leader_create(request):
    _need(request.user, "publicity.manage")
    form = forms.LeaderForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            leader = services.leader_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"已登记{leader.get_kind_display()}“{leader.name}”。")
            return redirect("publicity:leader_detail", pk=leader.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "publicity/simple_form.html", {"form": form, "title": "登记法治带头人/法律明白人", "back": reverse("publicity:leaders")},
                  status=400 if form.errors else 200)


@login_required
def leader_detail(request, pk):
    leader = selectors.leader_get_for_user(request.user, pk)
    return render(request, "publicity/leader_detail.html", {"leader": leader, "trainings": leader.trainings.order_by("-date"),
                                                            "timeline": audit.timeline(leader),
                                                            "can_edit": policy.has_perm(request.user, "publicity.manage", leader.node)})


@login_required
def leader_edit(request, pk):
    leader = selectors.leader_get_for_user(request.user, pk)
    if not policy.has_perm(request.user, "publicity.manage", leader.node):
        raise PermissionDenied("您没有修改名册的权限。")
    initial = {f: getattr(leader, f) for f in ("name", "kind", "gender", "position", "phone", "is_active")}
    form = forms.LeaderEditForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.leader_update(actor=request.user, leader=leader, **form.cleaned_data)
            messages.success(request, "已保存。")
            return redirect("publicity:leader_detail", pk=leader.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "publicity/simple_form.html", {"form": form, "title": f"修改：{leader.name}",
                                                          "back": reverse("publicity:leader_detail", args=[leader.pk])},
                  status=400 if form.errors else 200)


@login_required
def leader_training_list(request):
    _need(request.user, VIEW)
    qs = selectors.leader_training_list(user=request.user, filters=_filters(request))
    return render(request, "publicity/leader_training_list.html", {**ui.paginate(request, qs), "filters": _filters(request),
                                                                    "can_manage": policy.has_perm(request.user, "publicity.manage")})


@login_required
def leader_training_create(request):
    _need(request.user, "publicity.manage")
    form = forms.LeaderTrainingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.leader_training_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"培训已登记，参训{training.attendees.count()}人。")
            return redirect("publicity:leader_training_detail", pk=training.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "publicity/simple_form.html", {"form": form, "title": "登记法治带头人/法律明白人培训",
                                                          "back": reverse("publicity:leader_trainings")}, status=400 if form.errors else 200)


@login_required
def leader_training_detail(request, pk):
    training = selectors.leader_training_get_for_user(request.user, pk)
    return render(request, "publicity/leader_training_detail.html", {
        "training": training, "attendees": training.attendees.select_related("node").order_by("node__path", "name"),
        "timeline": audit.timeline(training)})


# ---- leadership law study ---------------------------------------------------------------------------------------

@login_required
def study_list(request):
    _need(request.user, VIEW)
    filters = _filters(request, "kind")
    qs = selectors.study_session_list(user=request.user, filters=filters)
    return render(request, "publicity/study_list.html", {**ui.paginate(request, qs), "filters": filters, "kinds": StudySession.Kind.choices,
                                                         "can_manage": policy.has_perm(request.user, "publicity.manage_study")})


@login_required
def study_create(request):
    _need(request.user, "publicity.manage_study")
    form = forms.StudySessionForm(request.POST or None, user=request.user, initial={"kind": request.GET.get("kind") or StudySession.Kind.STUDY})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.study_session_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"已登记{session.get_kind_display()}。")
            return redirect("publicity:study_detail", pk=session.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "publicity/simple_form.html", {"form": form, "title": "登记领导干部学法/专题研讨/专题党课",
                                                          "back": reverse("publicity:study")}, status=400 if form.errors else 200)


@login_required
def study_detail(request, pk):
    session = selectors.study_session_get_for_user(request.user, pk)
    return render(request, "publicity/study_detail.html", {"session": session, "users": session.attendees.order_by("full_name"),
                                                           "timeline": audit.timeline(session)})


# ---- staff legal training ---------------------------------------------------------------------------------------

@login_required
def staff_training_list(request):
    _need(request.user, VIEW)
    filters = _filters(request, "kind")
    qs = selectors.staff_training_list(user=request.user, filters=filters)
    return render(request, "publicity/staff_training_list.html", {
        **ui.paginate(request, qs), "filters": filters, "kinds": StaffTraining.Kind.choices,
        "can_manage": policy.has_perm(request.user, "publicity.manage_staff_training")})


@login_required
def staff_training_create(request):
    _need(request.user, "publicity.manage_staff_training")
    form = forms.StaffTrainingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attendance = [{"user": u, "hours": data.get("hours") or 0, "result": data.get("result") or ""} for u in data["attendees"]]
        try:
            training = services.staff_training_create(actor=request.user, node=data["node"], kind=data["kind"], date=data["date"],
                                                      title=data["title"], organiser=data.get("organiser", ""), attendance=attendance)
            messages.success(request, "已登记。")
            return redirect("publicity:staff_training_detail", pk=training.pk)
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "publicity/simple_form.html", {"form": form, "title": "登记工作人员法律培训/证书考试",
                                                          "back": reverse("publicity:staff_trainings")}, status=400 if form.errors else 200)


@login_required
def staff_training_detail(request, pk):
    training = selectors.staff_training_get_for_user(request.user, pk)
    return render(request, "publicity/staff_training_detail.html", {
        "training": training, "attendance": training.attendance.select_related("user").order_by("user__full_name"),
        "timeline": audit.timeline(training)})


# ---- public site --------------------------------------------------------------------------------------------------

def public_events(request):
    """Held events for residents: no personal data (numbers scrubbed from the free text that is shown)."""
    from fazhi.core.masking import scrub_text

    qs = selectors.public_event_list({"year": request.GET.get("year", "")})
    page = ui.paginate(request, qs, per_page=20)
    for e in page["page_obj"]:
        e.title, e.place = scrub_text(e.title), scrub_text(e.place)
    return render(request, "publicity/public_events.html", {**page,
                                                            "sites": selectors.public_site_list()[:10],
                                                            "year": request.GET.get("year", "")})


# The route census (fazhi/core/tests/test_census.py): the scoped model each object route looks up.
for _view, _model in ((event_detail, Event), (event_edit, Event),
                      (site_detail, Site), (site_edit, Site), (leader_detail, Leader), (leader_edit, Leader),
                      (leader_training_detail, LeaderTraining), (study_detail, StudySession),
                      (staff_training_detail, StaffTraining)):
    _view.census_model = _model
for _view in (key_date_edit, key_date_lunar):
    _view.census_skip = "key publicity dates are shared by the whole installation (administrators keep them)"
