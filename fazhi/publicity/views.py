"""Workbench pages on core's gate (``fazhi.core.pages``): parse → service/selector → render. Each page declares the
permission per HTTP method and the access policy of its record (outside scope → 404, visible but not allowed → 403).
No business rule lives here."""
import datetime

from django.http import HttpResponseRedirect
from django.urls import reverse

from fazhi.core import audit, clock, figures, files, orgkinds, policy, ui
from fazhi.core.errors import Conflict, DomainError
from fazhi.core.pages import ActionPage, FormPage, ListPage, Page

from . import forms, policies, selectors, services
from .models import Event, KeyDate, Leader, LeaderTraining, Site, StaffTraining, StudySession, Target
from .workflow import EVENT_WORKFLOW

VIEW = "publicity.view"
MANAGE = "publicity.manage"
RECORD = "publicity.record_event"
CALENDAR = "core.manage_calendar"
KEY_DATES_SHARED = "key publicity dates are shared by the whole installation (administrators keep them)"


def _filters(request, *keys):
    return {k: request.GET.get(k, "") for k in ("year", "start", "end", "node", *keys)}


class PublicityList(ListPage):
    """A scoped list: ``listing`` (the selector) with the period/node filters plus ``filter_keys``; ``can_manage`` for
    the 'new' button; ``kinds`` (choices) for the kind filter when the model has kinds."""

    perms = {"GET": VIEW}
    filter_keys: tuple = ()
    manage_perm = MANAGE
    listing = None
    kinds = None

    def filters(self) -> dict:
        return _filters(self.request, *self.filter_keys)

    def get_queryset(self):
        return type(self).listing(user=self.request.user, filters=self.filters())

    def extra_context(self) -> dict:
        extra = {"kinds": self.kinds} if self.kinds is not None else {}
        return {"filters": self.filters(), "can_manage": policy.has_perm(self.request.user, self.manage_perm), **extra}


class PublicityForm(FormPage):
    """A form bound to the user (its node and choice fields are scoped); ``simple_form.html`` with a back link.
    The cleaned form goes to ``service(actor=, **data)``; the new record's page (``detail_url``) follows."""

    template_name = "publicity/simple_form.html"
    back_url = ""
    service = None
    detail_url = ""

    def get_form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def extra_context(self) -> dict:
        return {"back": reverse(self.back_url)}

    def perform(self, form):
        return type(self).service(actor=self.request.user, **form.cleaned_data)

    def success_url(self, record) -> str:
        return reverse(self.detail_url, kwargs={"pk": record.pk})


class EditPage(FormPage):
    """Editing one record: the record through its policy for ``action`` (outside scope 404, visible but not allowed
    403 — so ``perms`` only asks for the view permission); a stale version re-renders the form with 409."""

    perms = {"GET": VIEW, "POST": VIEW}
    action = "manage"
    template_name = "publicity/simple_form.html"
    conflict = False
    fields: tuple = ()  # the record's fields the form starts from
    detail_url = ""
    title_prefix = "修改："

    def record(self):
        if not hasattr(self, "_record"):
            self._record = self.get_object(self.kwargs["pk"], self.action)
        return self._record

    def get_form_kwargs(self) -> dict:
        return {"user": self.request.user, "initial": {f: getattr(self.record(), f) for f in self.fields}}

    def context(self, form) -> dict:
        return {"form": form, "title": f"{self.title_prefix}{self.record().name}",
                "back": reverse(self.detail_url, args=[self.record().pk])}

    def success_url(self, result) -> str:
        return reverse(self.detail_url, kwargs={"pk": self.record().pk})

    def perform(self, form):
        try:
            return self.save(form)
        except Conflict:
            self.conflict = True
            raise

    def save(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if self.conflict and response.status_code == 400:
            response.status_code = 409
        return response


class DetailPage(Page):
    """One record through its policy, shown as ``name`` with its audit timeline and ``more(record)``."""

    perms = {"GET": VIEW}
    name = ""

    def more(self, obj) -> dict:
        return {}

    def context(self, obj) -> dict:
        return {self.name: obj, "timeline": audit.timeline(obj), **self.more(obj)}

    def can_edit(self, obj) -> bool:
        return policy.has_perm(self.request.user, MANAGE, obj.node)

    def get(self, request, pk):
        return self.render(self.context(self.get_object(pk)))


# ---- calendar and figures ---------------------------------------------------------------------------------------

class Calendar(Page):
    menu = "普法宣传日历"
    perms = {"GET": VIEW}
    template_name = "publicity/calendar.html"

    def get(self, request):
        user = request.user
        data = selectors.calendar_for_user(user)
        data["no_event"] = selectors.key_dates_without_event(user)
        data["campaigns"] = selectors.campaign_list(user=user).filter(
            end_date__gte=clock.today() - datetime.timedelta(days=60)).order_by("start_date")[:20]
        data["key_dates"] = selectors.key_dates()
        data["can_record"] = policy.has_perm(user, RECORD)
        data["can_manage"] = policy.has_perm(user, MANAGE)
        return self.render(data)


FIGURE_KEYS = ["publicity.events", "publicity.events_into_organs", "publicity.materials", "publicity.slogans",
               "publicity.people_reached", "publicity.migrant_worker_share", "publicity.online_reach", "publicity.sites",
               "publicity.sites_investment", "publicity.sites_population", "publicity.leaders_trained",
               "publicity.leaders_registered", "publicity.study_sessions", "publicity.seminars", "publicity.party_lectures",
               "publicity.staff_training_hours", "publicity.events_by_target", "publicity.reach_by_audience",
               "publicity.events_by_key_date"]


class Figures(Page):
    menu = "普法工作数据"
    perms = {"GET": VIEW}
    template_name = "publicity/figures.html"

    def get(self, request):
        start, end = ui.period_from(request)
        nodes = selectors.nodes_for(request.user, VIEW)
        node = policy.user_home_node(request.user)
        if request.GET.get("node", "").isdigit():
            node = next((n for n in nodes if n.pk == int(request.GET["node"])), node)
        if node is None or not policy.has_perm(request.user, VIEW, node):
            node = nodes.first()
        rows = []
        for key in FIGURE_KEYS:
            fig = figures.get(key)
            value = fig.value(node, start, end)
            rows.append({"fig": fig, "value": value, "text": fig.format(value), "is_breakdown": isinstance(value, dict),
                         "url": fig.records_url(node, start, end)})
        return self.render({"rows": rows, "node": node, "start": start, "end": end, "nodes": nodes})


# ---- events ---------------------------------------------------------------------------------------------------

class EventList(PublicityList):
    menu = "普法宣传活动"
    template_name = "publicity/event_list.html"
    filter_keys = ("target", "status", "key_date", "group", "q", "due")

    def get_queryset(self):
        return selectors.event_list(user=self.request.user, filters=self.filters())

    def extra_context(self) -> dict:
        return {"filters": self.filters(), "targets": Target.choices, "statuses": forms.EVENT_STATUS_CHOICES,
                "key_dates": selectors.key_dates(), "groups": selectors.audience_groups(), "today": clock.today(),
                "can_record": policy.has_perm(self.request.user, RECORD)}


def _event_kwargs(form):
    data = form.cleaned_data
    return dict(title=data["title"], date=data["date"], place=data["place"], target=data["target"],
                organiser_unit=data.get("organiser_unit"), organiser_text=data.get("organiser_text", ""),
                key_date=data.get("key_date"), campaign=data.get("campaign"), content=data.get("content", ""),
                **form.results())


class EventCreate(FormPage):
    perms = {"GET": RECORD, "POST": RECORD}
    template_name = "publicity/event_form.html"
    form_class = forms.EventForm
    title = "登记普法宣传活动"

    def get_form_kwargs(self) -> dict:
        initial = {}
        if self.request.GET.get("key_date", "").isdigit():
            kd = selectors.key_dates().filter(pk=int(self.request.GET["key_date"])).first()
            if kd:
                initial = {"key_date": kd, "title": f"{kd.name}普法宣传活动", "target": kd.suggested_target or Target.COMMUNITY}
        files = self.request.FILES if self.request.method == "POST" else None
        return {"user": self.request.user, "initial": initial, "files": files}

    def perform(self, form):
        photo = form.cleaned_data.get("photo")
        return services.event_create(actor=self.request.user, node=form.cleaned_data["node"],
                                     photos=[photo] if photo else [], **_event_kwargs(form))

    def get_success_message(self, event) -> str:
        return "活动计划已保存，开展后请登记开展情况。" if event.status == Event.Status.PLANNED else "宣传活动已登记。"

    def success_url(self, event) -> str:
        return reverse("publicity:event_detail", kwargs={"pk": event.pk})


def _due_status(event):
    if event.status != Event.Status.PLANNED or not event.record_due:
        return None
    from fazhi.core import workdays

    deadline = workdays.compute_deadline(services.EVENT_RECORD_RULE, event.date)
    return {"deadline": deadline, "status": deadline.status(clock.today())}


class EventDetail(DetailPage):
    access = policies.event_policy
    template_name = "publicity/event_detail.html"

    def get_object(self, pk, action="view", **lookup):
        return super().get_object(pk, action, queryset=selectors.events_with_reach(self.request.user), **lookup)

    def context(self, event) -> dict:
        user = self.request.user
        actions = EVENT_WORKFLOW.available(event, user)
        return {
            "event": event, "reach": selectors.event_reach(event), "photos": files.files_of(event, purpose="photo"),
            "timeline": audit.timeline(event), "actions": actions,
            "record_form": forms.RecordForm(initial={"version": event.version}) if any(t.name == "record" for t in actions) else None,
            "cancel_form": forms.CancelForm(initial={"version": event.version}) if any(t.name == "cancel" for t in actions) else None,
            "can_edit": policy.has_perm(user, RECORD, event.node) and event.status != Event.Status.CANCELLED,
            "photo_form": forms.PhotoForm(), "due_status": _due_status(event)}


class EventEdit(EditPage):
    access = policies.event_policy
    action, template_name, form_class, success_message = "record", "publicity/event_form.html", forms.EventEditForm, "已保存修改。"
    fields = ("title", "date", "place", "target", "organiser_unit", "organiser_text", "key_date", "campaign", "content",
              "materials", "slogans", "online_reach", "version")
    detail_url = "publicity:event_detail"

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["initial"] |= {f"reach_{r.group.code}": r.people for r in selectors.event_reach(self.record())}
        return kwargs

    def context(self, form) -> dict:
        return {"form": form, "title": f"修改活动：{self.record().title}", "event": self.record()}

    def save(self, form):
        services.event_update(actor=self.request.user, event=self.record(), expected_version=form.cleaned_data["version"],
                              **_event_kwargs(form))
        return self.record()


class _EventAction(ActionPage):
    """A button on an event (POST): the event through its policy (404 outside scope), one service, back to it."""

    perms = {"POST": VIEW}
    access = policies.event_policy

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

class CampaignCreate(PublicityForm):
    perms = {"GET": MANAGE, "POST": MANAGE}
    form_class = forms.CampaignForm
    title = "新建专项宣传活动"
    success_message = "专项活动已创建。"
    back_url = "publicity:calendar"

    def get_form_kwargs(self) -> dict:
        key_date = self.request.GET.get("key_date", "")
        return {"user": self.request.user, "initial": {"key_date": key_date} if key_date.isdigit() else None}

    service = services.campaign_create

    def success_url(self, result) -> str:
        return reverse("publicity:calendar")


# ---- key dates (administrators) -----------------------------------------------------------------------------------

class KeyDates(Page):
    menu = "宣传节点维护"
    perms = {"GET": CALENDAR}
    template_name = "publicity/key_dates.html"

    def get(self, request):
        year = clock.today().year
        rows = [{"kd": kd, "this_year": kd.start_in(year), "next_year": kd.start_in(year + 1)}
                for kd in selectors.key_dates_all()]
        return self.render({"rows": rows, "year": year, "lunar_form": forms.LunarDateForm(initial={"year": year + 1})})


class KeyDateEdit(FormPage):
    perms = {"GET": CALENDAR, "POST": CALENDAR}
    template_name = "publicity/simple_form.html"
    form_class = forms.KeyDateForm
    success_message = "宣传节点已保存。"
    census_skip = KEY_DATES_SHARED

    def key_date(self) -> KeyDate | None:
        pk = self.kwargs.get("pk")
        return selectors.key_date_get(pk) if pk else None

    def get_form(self):
        form = super().get_form()
        if self.kwargs.get("pk"):
            form.fields["code"].disabled = True
        return form

    def get_form_kwargs(self) -> dict:
        kd = self.key_date()
        initial = ({f: getattr(kd, f) for f in services.KEY_DATE_FIELDS} | {"code": kd.code} if kd
                   else {"duration_days": 1, "is_active": True})
        return {"initial": initial}

    def context(self, form) -> dict:
        kd = self.key_date()
        return {"form": form, "title": f"修改宣传节点：{kd.name}" if kd else "新增宣传节点",
                "back": reverse("publicity:key_dates")}

    def perform(self, form):
        data = dict(form.cleaned_data)
        kd = self.key_date()
        if kd:
            data.pop("code", None)
            return services.key_date_update(actor=self.request.user, key_date=kd, **data)
        data.pop("is_active", None)
        return services.key_date_create(actor=self.request.user, **data)

    def success_url(self, result) -> str:
        return reverse("publicity:key_dates")


class KeyDateLunar(ActionPage):
    perms = {"POST": CALENDAR}
    census_skip = KEY_DATES_SHARED

    def perform(self):
        kd = selectors.key_date_get(self.kwargs["pk"])
        form = forms.LunarDateForm(self.request.POST)
        if not form.is_valid():
            raise DomainError("请填写正确的年份和日期。")
        services.key_date_set_lunar(actor=self.request.user, key_date=kd, **form.cleaned_data)
        return f"已录入{kd.name}{form.cleaned_data['year']}年的日期。"

    def redirect_url(self) -> str:
        return reverse("publicity:key_dates")

    def back(self, default: str):
        return HttpResponseRedirect(default)


# ---- sites ----------------------------------------------------------------------------------------------------

class SiteList(PublicityList):
    menu = "普法阵地"
    template_name = "publicity/site_list.html"
    listing = selectors.site_list


class SiteCreate(PublicityForm):
    perms = {"GET": MANAGE, "POST": MANAGE}
    form_class, title, success_message = forms.SiteForm, "登记普法阵地", "普法阵地已登记。"
    back_url, detail_url, service = "publicity:sites", "publicity:site_detail", services.site_create


class SiteDetail(DetailPage):
    access = policies.site_policy
    template_name, name = "publicity/site_detail.html", "site"

    def more(self, site) -> dict:
        return {"can_edit": self.can_edit(site)}


class SiteEdit(EditPage):
    access = policies.site_policy
    form_class, success_message, title_prefix = forms.SiteEditForm, "已保存修改。", "修改普法阵地："
    fields, detail_url = (*services.SITE_FIELDS, "version"), "publicity:site_detail"

    def save(self, form):
        data = dict(form.cleaned_data)
        return services.site_update(actor=self.request.user, site=self.record(), expected_version=data.pop("version"), **data)


# ---- 法治带头人/法律明白人 ---------------------------------------------------------------------------------------

class LeaderList(PublicityList):
    menu = "法治带头人/法律明白人"
    template_name = "publicity/leader_list.html"
    filter_keys, listing, kinds = ("kind", "q", "trained_year"), selectors.leader_list, Leader.Kind.choices

    def extra_context(self) -> dict:
        return super().extra_context() | {"villages": selectors.nodes_for(self.request.user, VIEW, (orgkinds.VILLAGE,))}


class LeaderCreate(PublicityForm):
    perms = {"GET": MANAGE, "POST": MANAGE}
    form_class, title = forms.LeaderForm, "登记法治带头人/法律明白人"
    back_url, detail_url, service = "publicity:leaders", "publicity:leader_detail", services.leader_create

    def get_success_message(self, leader) -> str:
        return f"已登记{leader.get_kind_display()}“{leader.name}”。"


class LeaderDetail(DetailPage):
    access = policies.leader_policy
    template_name, name = "publicity/leader_detail.html", "leader"

    def more(self, leader) -> dict:
        return {"trainings": leader.trainings.order_by("-date"), "can_edit": self.can_edit(leader)}


class LeaderEdit(EditPage):
    access = policies.leader_policy
    form_class, success_message = forms.LeaderEditForm, "已保存。"
    fields, detail_url = ("name", "kind", "gender", "position", "phone", "is_active"), "publicity:leader_detail"

    def save(self, form):
        return services.leader_update(actor=self.request.user, leader=self.record(), **form.cleaned_data)


class LeaderTrainingList(PublicityList):
    menu = "带头人/明白人培训"
    template_name = "publicity/leader_training_list.html"
    listing = selectors.leader_training_list


class LeaderTrainingCreate(PublicityForm):
    perms = {"GET": MANAGE, "POST": MANAGE}
    form_class, title = forms.LeaderTrainingForm, "登记法治带头人/法律明白人培训"
    back_url, detail_url = "publicity:leader_trainings", "publicity:leader_training_detail"
    service = services.leader_training_create

    def get_success_message(self, training) -> str:
        return f"培训已登记，参训{training.attendees.count()}人。"


class LeaderTrainingDetail(DetailPage):
    access = policies.leader_training_policy
    template_name, name = "publicity/leader_training_detail.html", "training"

    def more(self, training) -> dict:
        return {"attendees": training.attendees.select_related("node").order_by("node__path", "name")}


# ---- leadership law study ---------------------------------------------------------------------------------------

class StudyList(PublicityList):
    menu = "领导干部学法"
    template_name = "publicity/study_list.html"
    filter_keys, manage_perm = ("kind",), "publicity.manage_study"
    listing, kinds = selectors.study_session_list, StudySession.Kind.choices


class StudyCreate(PublicityForm):
    perms = {"GET": "publicity.manage_study", "POST": "publicity.manage_study"}
    form_class, title = forms.StudySessionForm, "登记领导干部学法/专题研讨/专题党课"
    back_url, detail_url, service = "publicity:study", "publicity:study_detail", services.study_session_create

    def get_form_kwargs(self) -> dict:
        return {"user": self.request.user, "initial": {"kind": self.request.GET.get("kind") or StudySession.Kind.STUDY}}

    def get_success_message(self, session) -> str:
        return f"已登记{session.get_kind_display()}。"


class StudyDetail(DetailPage):
    access = policies.study_policy
    template_name, name = "publicity/study_detail.html", "session"

    def more(self, session) -> dict:
        return {"users": session.attendees.order_by("full_name")}


# ---- staff legal training ---------------------------------------------------------------------------------------

class StaffTrainingList(PublicityList):
    menu = "工作人员法律培训"
    template_name = "publicity/staff_training_list.html"
    filter_keys, manage_perm = ("kind",), "publicity.manage_staff_training"
    listing, kinds = selectors.staff_training_list, StaffTraining.Kind.choices


class StaffTrainingCreate(PublicityForm):
    perms = {"GET": "publicity.manage_staff_training", "POST": "publicity.manage_staff_training"}
    form_class, title, success_message = forms.StaffTrainingForm, "登记工作人员法律培训/证书考试", "已登记。"
    back_url, detail_url = "publicity:staff_trainings", "publicity:staff_training_detail"

    def perform(self, form):
        data = form.cleaned_data
        attendance = [{"user": u, "hours": data.get("hours") or 0, "result": data.get("result") or ""} for u in data["attendees"]]
        return services.staff_training_create(actor=self.request.user, node=data["node"], kind=data["kind"], date=data["date"],
                                              title=data["title"], organiser=data.get("organiser", ""), attendance=attendance)


class StaffTrainingDetail(DetailPage):
    access = policies.staff_training_policy
    template_name, name = "publicity/staff_training_detail.html", "training"

    def more(self, training) -> dict:
        return {"attendance": training.attendance.select_related("user").order_by("user__full_name")}


# ---- public site --------------------------------------------------------------------------------------------------

class PublicEvents(Page):
    """Held events for residents: no personal data (numbers scrubbed from the free text that is shown)."""
    public_menu = "普法活动"

    login_required = False
    template_name = "publicity/public_events.html"

    def get(self, request):
        from fazhi.core.masking import scrub_text

        qs = selectors.public_event_list({"year": request.GET.get("year", "")})
        page = ui.paginate(request, qs, per_page=20)
        for e in page["page_obj"]:
            e.title, e.place = scrub_text(e.title), scrub_text(e.place)
        return self.render({**page, "sites": selectors.public_site_list()[:10], "year": request.GET.get("year", "")})


for _view, _model in ((EventDetail, Event), (EventEdit, Event), (EventPhoto, Event), (EventTransition, Event),
                      (SiteDetail, Site), (SiteEdit, Site), (LeaderDetail, Leader), (LeaderEdit, Leader),
                      (LeaderTrainingDetail, LeaderTraining), (StudyDetail, StudySession),
                      (StaffTrainingDetail, StaffTraining)):
    _view.census_model = _model  # the route census: the scoped model each object route looks up
