"""Workbench pages (staff), on the core page bases: permission per method, objects through the module's access
policies (missing or outside scope → 404, visible but not allowed → 403), one service per form or button."""
import datetime

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django.urls import reverse

from fazhi.core import audit, clock, files, policy, ui
from fazhi.core.errors import DomainError, NotAllowed, NotFound
from fazhi.core.pages import ActionPage, FormPage, ListPage, Page

from . import policies as p
from . import selectors, services
from .forms import (
    AdvisorForm,
    DemonstrationVillageForm,
    OfficeHourForm,
    OfficeHourRuleForm,
    ServiceRecordForm,
    StationForm,
)
from .models import Advisor, Consultation, OfficeHour, ServiceRecord
from .permissions import MANAGE, RECORD_OFFICE_HOUR, RECORD_SERVICE, VIEW
from .workflow import consultation_workflow, office_hour_workflow


def _upload_error(request):
    """Parse the body (through the size-limited handlers) and say if an upload was too large."""
    files.limit_uploads(request)
    request.FILES  # noqa: B018 — parsing sets request.upload_too_large
    if getattr(request, "upload_too_large", False):
        from django.conf import settings

        return DomainError(f"上传的文件超过大小上限 {files.human_size(settings.FAZHI['UPLOAD_MAX_BYTES'])}，未保存。",
                           field_errors={"photo": "文件过大。", "photos": "文件过大。"})
    return None


class _Form(FormPage):
    """A workbench form of this module: the user's scope goes to the form; uploads over the limit are refused
    with the size in the message (nothing stored)."""

    template_name = "legalservice/form.html"
    multipart = False
    service = None  # the create service: service(actor=, **cleaned_data)
    success_route = ""  # where a saved form goes: a list, or (``success_to_record``) the saved record's page
    success_to_record = True

    def arguments(self, form) -> dict:
        """The service's keyword arguments from the checked form (the actor is added)."""
        return form.cleaned_data

    def perform(self, form):
        return type(self).service(actor=self.request.user, **self.arguments(form))

    def success_url(self, result) -> str:
        return reverse(self.success_route, kwargs={"pk": result.pk} if self.success_to_record else None)

    def get_form_kwargs(self) -> dict:
        return {"user": self.request.user, "initial": self.initial() if self.request.method == "GET" else None}

    def initial(self) -> dict:
        return {}

    def extra_context(self) -> dict:
        return {"multipart": self.multipart}

    def post(self, request, *args, **kwargs):
        too_large = _upload_error(request) if self.multipart else None
        if too_large is None:
            return super().post(request, *args, **kwargs)
        form = self.get_form()
        form.is_valid()
        ui.apply_error(form, too_large)
        return self.render(self.context(form), status=400)


class _Detail(Page):
    """A record page; its transition twin (POST) re-renders it with the refusal's status when a rule says no."""

    detail_url = ""
    perms = {"GET": VIEW}
    http_method_names = ["get", "head", "options"]

    def get(self, request, pk, status=200):
        return self.render(self.detail_context(self.get_object(pk)), status=status)

    def detail_context(self, obj) -> dict:
        raise NotImplementedError

    def act(self, obj):
        raise NotImplementedError

    def post(self, request, pk):
        obj = self.get_object(pk)
        try:
            message = self.act(obj)
        except (NotFound, NotAllowed):
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
            return self.get(request, pk, status=exc.status_code)
        messages.success(request, message)
        return HttpResponseRedirect(reverse(self.detail_url, kwargs={"pk": pk}))


class _List(ListPage):
    """A workbench list of this module: ``selector(user=, filters=)`` — the module's scoped read — paged."""

    perms = {"GET": VIEW}
    selector = None

    def filters(self):
        return self.request.GET

    def get_queryset(self):
        return type(self).selector(user=self.request.user, filters=self.filters())


class _Acting:
    """The POST twin of a ``_Detail`` page: ``act`` on the record, then back to its page."""

    perms = {"POST": VIEW}
    http_method_names = ["post"]


# ---- advisors & coverage -------------------------------------------------------------------------------------

class AdvisorList(_List):
    menu = "法律顾问名册"
    access = p.advisor_policy
    template_name = "legalservice/advisors.html"
    selector = selectors.advisor_list

    def extra_context(self) -> dict:
        return {"kinds": Advisor.Kind.choices, "can_manage": policy.has_perm(self.request.user, MANAGE)}


class _VillageRows(_List):
    """A paged list of villages, each row carrying what ``attached(villages)`` finds for it (one query a page)."""

    def attached(self, villages) -> dict:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        context = {**ui.paginate(request, self.get_queryset(), self.per_page), "filters": request.GET}
        villages = list(context["page_obj"])
        attached = self.attached(villages)
        return self.render(context | {"rows": [(v, attached[v.pk]) for v in villages]} | self.extra_context())


class Coverage(_VillageRows):
    """Every village in scope with its advisors (?missing=1: only the gaps, each with a button to register one)."""
    menu = "村居顾问覆盖"

    template_name = "legalservice/coverage.html"
    selector = selectors.village_list

    def attached(self, villages) -> dict:
        return selectors.advisors_by_village(villages)

    def extra_context(self) -> dict:
        every = selectors.village_list(user=self.request.user, filters={"node": self.request.GET.get("node")})
        return {"gaps": list(selectors.villages_without_advisor_qs(every).order_by("path")),
                "can_manage": policy.has_perm(self.request.user, MANAGE)}


def _advisor_kwargs(data: dict) -> dict:
    return {k: data.get(k) for k in ("kind", "name", "law_firm", "licence_number", "phone", "public_phone", "how_to_ask",
                                     "appointed_on")} | {
        "villages": list(data.get("villages") or []), "node": data.get("node"), "photo": data.get("photo")}


class AdvisorNew(_Form):
    form_class = AdvisorForm
    perms = {"GET": MANAGE, "POST": MANAGE}
    access = p.advisor_policy
    title = "登记法律顾问"
    multipart = True
    service = services.advisor_create
    success_route = "legalservice:advisor_detail"

    def initial(self) -> dict:
        village = self.request.GET.get("village", "")
        return {"kind": self.request.GET.get("kind", Advisor.Kind.VILLAGE),
                "villages": [village] if village.isdigit() else []}

    def arguments(self, form) -> dict:
        return _advisor_kwargs(form.cleaned_data)

    def get_success_message(self, advisor) -> str:
        return f"已登记法律顾问 {advisor.name}。"


class AdvisorDetail(_Detail):
    access = p.advisor_policy
    template_name = "legalservice/advisor_detail.html"

    def detail_context(self, advisor) -> dict:
        user = self.request.user
        return {"advisor": advisor, "villages": advisor.villages.all(), "timeline": audit.timeline(advisor),
                "upcoming": selectors.office_hour_list(user=user).filter(advisor=advisor, date__gte=clock.today())[:10],
                "services": selectors.service_record_list(user=user).filter(advisor=advisor)[:10],
                "can_manage": p.advisor_policy.may(user, "manage", advisor)}


class AdvisorEdit(AdvisorNew):
    perms = {"GET": VIEW, "POST": VIEW}
    success_message = "已保存。"

    @property
    def advisor(self):
        if not hasattr(self, "_advisor"):
            self._advisor = self.get_object(self.kwargs["pk"], "manage")
        return self._advisor

    @property
    def title(self):
        return f"修改：{self.advisor.name}"

    def get_form(self):
        self.advisor  # noqa: B018 — 404/403 before any form work
        return super().get_form()

    def initial(self) -> dict:
        a = self.advisor
        return {"kind": a.kind, "name": a.name, "law_firm": a.law_firm, "licence_number": a.licence_number,
                "phone": a.phone, "public_phone": a.public_phone, "villages": list(a.villages.all()),
                "node": a.node if a.kind == Advisor.Kind.FULLTIME else None, "how_to_ask": a.how_to_ask,
                "appointed_on": a.appointed_on, "is_active": a.is_active, "version": a.version}

    def perform(self, form):
        data = form.cleaned_data
        return services.advisor_update(actor=self.request.user, advisor=self.advisor, version=data.get("version"),
                                       is_active=data["is_active"], **_advisor_kwargs(data))

    def get_success_message(self, advisor) -> str:
        return self.success_message


# ---- office hours & bookings ---------------------------------------------------------------------------------

def _upcoming_by_default(request):
    params = request.GET.copy()
    if "f" not in params and not any(params.get(k) for k in ("year", "start", "end")):
        params["upcoming"] = "1"  # first visit: what is coming; untick to see the history
    return params


class OfficeHourList(_List):
    menu = "定期坐班"
    access = p.office_hour_policy
    template_name = "legalservice/office_hours.html"
    selector = selectors.office_hour_list

    def filters(self):
        return _upcoming_by_default(self.request)

    def extra_context(self) -> dict:
        user = self.request.user
        return {"filters": _upcoming_by_default(self.request), "statuses": OfficeHour.Status.choices,
                "rules": selectors.office_hour_rule_list(user=user), "can_manage": policy.has_perm(user, MANAGE),
                "can_record": policy.has_perm(user, RECORD_OFFICE_HOUR)}


class OfficeHourRuleNew(_Form):
    form_class = OfficeHourRuleForm
    perms = {"GET": MANAGE, "POST": MANAGE}
    title = "制定每月定期坐班规则"
    service = services.office_hour_rule_create
    success_route, success_to_record = "legalservice:office_hours", False

    def initial(self) -> dict:
        return {"generate_from": clock.today(), "months": 12, "capacity": 6, "week_of_month": 1, "weekday": 2}

    def get_success_message(self, rule) -> str:
        return f"已制定坐班规则“{rule}”，并生成坐班安排 {rule.slots.count()} 次。"



class OfficeHourNew(_Form):
    form_class = OfficeHourForm
    perms = {"GET": RECORD_OFFICE_HOUR, "POST": RECORD_OFFICE_HOUR}
    title = "临时安排一次坐班"
    success_message = "已安排坐班。"
    service = services.office_hour_create
    success_route = "legalservice:office_hour_detail"

    def initial(self) -> dict:
        return {"capacity": 6}



class OfficeHourDetail(_Detail):
    detail_url = "legalservice:office_hour_detail"
    access = p.office_hour_policy
    template_name = "legalservice/office_hour_detail.html"

    def detail_context(self, slot) -> dict:
        return {"slot": slot, "bookings": slot.bookings.all().order_by("created_at"),
                "actions": office_hour_workflow.available(slot, self.request.user), "timeline": audit.timeline(slot)}


class OfficeHourTransition(_Acting, OfficeHourDetail):

    def act(self, slot) -> str:
        data = self.request.POST
        services.office_hour_transition(actor=self.request.user, office_hour=slot, name=data.get("action", ""),
                                        version=data.get("version") or None, reason=data.get("reason", ""),
                                        people_received=data.get("people_received") or 0, note=data.get("note", ""))
        return "已登记。"


class BookingList(OfficeHourList):
    menu = "坐班预约"
    access = p.booking_policy
    template_name = "legalservice/bookings.html"
    selector = selectors.booking_list

    def extra_context(self) -> dict:
        return {"filters": _upcoming_by_default(self.request)}


class BookingCancel(ActionPage):
    perms = {"POST": VIEW}
    access = p.booking_policy
    success_message = "已取消该预约。"

    def perform(self):
        self.booking = self.get_object(self.kwargs["pk"], "record")
        return services.booking_cancel(actor=self.request.user, booking=self.booking,
                                       reason=self.request.POST.get("reason", ""))

    def redirect_url(self) -> str:
        return reverse("legalservice:office_hour_detail", kwargs={"pk": self.booking.office_hour_id})


# ---- consultations ---------------------------------------------------------------------------------------------

class ConsultationList(_List):
    menu = "在线咨询"
    access = p.consultation_policy
    template_name = "legalservice/consultations.html"
    selector = selectors.consultation_list

    def extra_context(self) -> dict:
        return {"statuses": Consultation.Status.choices, "today": clock.today()}


CST = datetime.timezone(datetime.timedelta(hours=8))
CONSULTATION_DONE = {"answer": "已答复。群众可凭查询码和手机号查看答复。", "publish": "已发布为公开咨询案例（已隐去个人信息）。",
                     "unpublish": "已撤回公开案例。"}


class ConsultationDetail(_Detail):
    detail_url = "legalservice:consultation_detail"
    access = p.consultation_policy
    template_name = "legalservice/consultation_detail.html"

    def detail_context(self, obj) -> dict:
        deadline = services.answer_deadline(obj)
        done_on = obj.answered_at.astimezone(CST).date() if obj.answered_at else None
        return {"c": obj, "actions": consultation_workflow.available(obj, self.request.user),
                "timeline": audit.timeline(obj), "deadline": deadline,
                "deadline_status": deadline.status(clock.today(), done_on),
                "preview_question": services.cleaned_public_text(obj, obj.public_question or obj.question),
                "preview_answer": services.cleaned_public_text(obj, obj.public_answer or obj.answer)}


class ConsultationTransition(_Acting, ConsultationDetail):

    def act(self, obj) -> str:
        name = self.request.POST.get("action", "")
        services.consultation_transition(actor=self.request.user, consultation=obj, name=name,
                                         data=self.request.POST.dict(), version=self.request.POST.get("version") or None)
        return CONSULTATION_DONE[name]


# ---- service records -----------------------------------------------------------------------------------------

class ServiceRecordList(_List):
    menu = "法律服务台账"
    access = p.record_policy
    template_name = "legalservice/services.html"
    selector = selectors.service_record_list

    def extra_context(self) -> dict:
        user = self.request.user
        totals = self.get_queryset().aggregate(people=Sum("people_served"))
        return {"kinds": ServiceRecord.Kind.choices, "total_people": totals["people"] or 0,
                "villages": selectors.villages_for(user, VIEW), "can_record": policy.has_perm(user, RECORD_SERVICE)}


def _record_kwargs(data: dict) -> dict:
    kwargs = {k: data.get(k) for k in ("node", "advisor", "kind", "date", "title", "people_served", "hours", "notes")}
    if "dispute" in data:
        kwargs["dispute"] = data.get("dispute")
    return kwargs


class ServiceNew(_Form):
    form_class = ServiceRecordForm
    perms = {"GET": RECORD_SERVICE, "POST": RECORD_SERVICE}
    title = "登记法律服务"
    success_message = "已登记法律服务。"
    multipart = True
    service = services.service_record_create
    success_route = "legalservice:service_detail"

    def initial(self) -> dict:
        mine = selectors.advisors_for_user_account(self.request.user).first()
        return {"date": clock.today(), "advisor": mine, "node": mine.node if mine else None,
                "kind": self.request.GET.get("kind", "consultation")}

    def arguments(self, form) -> dict:
        return _record_kwargs(form.cleaned_data) | {"photos": self.request.FILES.getlist("photos")}


class ServiceDetail(_Detail):
    detail_url = "legalservice:service_detail"
    access = p.record_policy
    template_name = "legalservice/service_detail.html"

    def detail_context(self, record) -> dict:
        return {"r": record, "photos": files.files_of(record, purpose="photo"), "timeline": audit.timeline(record),
                "can_edit": p.record_policy.may(self.request.user, "record", record)}


class ServicePhoto(_Acting, ServiceDetail):

    def act(self, record) -> str:
        too_large = _upload_error(self.request)
        if too_large:
            raise too_large
        upload = self.request.FILES.get("photo")
        if upload is None:
            raise DomainError("请选择要上传的照片。")
        services.service_record_add_photo(actor=self.request.user, record=record, upload=upload)
        return "照片已上传。"


class ServiceEdit(_Form):
    form_class = ServiceRecordForm
    perms = {"GET": VIEW, "POST": VIEW}
    access = p.record_policy
    title = "修改法律服务记录"
    success_route = "legalservice:service_detail"

    def get_form(self):
        self.record = self.get_object(self.kwargs["pk"], "record")
        form = super().get_form()
        del form.fields["photos"]
        return form

    def get_form_kwargs(self) -> dict:
        r = self.record
        return {"user": self.request.user, "initial": {
            "node": r.node, "advisor": r.advisor, "kind": r.kind, "date": r.date, "title": r.title,
            "people_served": r.people_served, "hours": r.hours, "notes": r.notes, "version": r.version,
            "dispute": r.dispute}}

    def perform(self, form):
        return services.service_record_update(actor=self.request.user, record=self.record,
                                              version=form.cleaned_data.get("version"),
                                              **_record_kwargs(form.cleaned_data))


# ---- stations & demonstration villages -------------------------------------------------------------------------

class Stations(_List):
    menu = "服务站与示范村"
    access = p.station_policy
    template_name = "legalservice/stations.html"
    selector = selectors.station_list

    def extra_context(self) -> dict:
        return {"can_manage": policy.has_perm(self.request.user, MANAGE)}


class DemonstrationVillages(_VillageRows):
    """The villages holding a 民主法治示范村 designation (?year_by=: designated by that year), each with its levels."""

    access = p.demonstration_policy
    template_name = "legalservice/demonstration_villages.html"
    selector = selectors.demonstration_villages

    def attached(self, villages) -> dict:
        return selectors.designations_by_village(user=self.request.user, villages=villages, filters=self.request.GET)

    def extra_context(self) -> dict:
        return {"can_manage": policy.has_perm(self.request.user, MANAGE)}


class StationNew(_Form):
    perms = {"GET": MANAGE, "POST": MANAGE}
    access = p.station_policy
    form_class = StationForm
    title = "登记公共法律服务站"
    success_message = "已登记公共法律服务站。"
    service = services.station_create
    success_route, success_to_record = "legalservice:stations", False


class DemonstrationVillageNew(StationNew):
    access = p.demonstration_policy
    form_class = DemonstrationVillageForm
    title = "登记民主法治示范村"
    success_message = "已登记民主法治示范村。"
    service = services.demonstration_village_create
    success_route = "legalservice:demonstration_villages"


def village_page_url(village):
    return reverse("legalservice_public:village", kwargs={"pk": village.pk})
