"""Workbench pages (staff). Thin: parse → service / selector → render."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fazhi.core import audit, clock, files, policy, ui
from fazhi.core.errors import DomainError

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
from .workflow import consultation_workflow, office_hour_workflow


def _require(user, perm):
    if not policy.has_perm(user, perm):
        raise PermissionDenied("您的岗位角色不包含此功能。")


def _upload_error(request):
    """Parse the body (through the size-limited handlers) and say if an upload was too large."""
    request.FILES  # noqa: B018 — parsing sets request.upload_too_large
    if getattr(request, "upload_too_large", False):
        from django.conf import settings

        return DomainError(f"上传的文件超过大小上限 {files.human_size(settings.FAZHI['UPLOAD_MAX_BYTES'])}，未保存。",
                           field_errors={"photo": "文件过大。", "photos": "文件过大。"})
    return None


# ---- advisors & coverage -------------------------------------------------------------------------------------

@login_required
def advisors(request):
    _require(request.user, "legalservice.view")
    qs = selectors.advisor_list(user=request.user, filters=request.GET)
    return render(request, "legalservice/advisors.html", {
        **ui.paginate(request, qs), "kinds": Advisor.Kind.choices, "filters": request.GET,
        "can_manage": policy.has_perm(request.user, "legalservice.manage")})


@login_required
def coverage(request):
    _require(request.user, "legalservice.view")
    rows = selectors.village_coverage(user=request.user)
    gaps = [v for v, a in rows if not a]
    return render(request, "legalservice/coverage.html", {"rows": rows, "gaps": gaps,
                                                           "can_manage": policy.has_perm(request.user, "legalservice.manage")})


def _advisor_kwargs(data):
    return {k: data.get(k) for k in ("kind", "name", "law_firm", "licence_number", "phone", "public_phone", "how_to_ask",
                                     "appointed_on")} | {
        "villages": list(data.get("villages") or []), "node": data.get("node")}


@login_required
def advisor_new(request):
    _require(request.user, "legalservice.manage")
    if request.method == "POST":
        files.limit_uploads(request)
        too_large = _upload_error(request)
        form = AdvisorForm(request.POST, request.FILES, user=request.user)
        if too_large:
            ui.apply_error(form, too_large)
        elif form.is_valid():
            try:
                advisor = services.advisor_create(actor=request.user, photo=form.cleaned_data.get("photo"),
                                                  **_advisor_kwargs(form.cleaned_data))
                messages.success(request, f"已登记法律顾问 {advisor.name}。")
                return redirect("legalservice:advisor_detail", pk=advisor.pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "legalservice/form.html", {"form": form, "title": "登记法律顾问", "multipart": True}, status=400)
    form = AdvisorForm(user=request.user, initial={"kind": request.GET.get("kind", Advisor.Kind.VILLAGE),
                                                   "villages": [request.GET["village"]] if request.GET.get("village", "").isdigit() else []})
    return render(request, "legalservice/form.html", {"form": form, "title": "登记法律顾问", "multipart": True})


@login_required
def advisor_detail(request, pk):
    advisor = selectors.advisor_get_for_user(user=request.user, pk=pk)
    today = clock.today()
    return render(request, "legalservice/advisor_detail.html", {
        "advisor": advisor, "villages": advisor.villages.all(), "timeline": audit.timeline(advisor),
        "upcoming": selectors.office_hour_list(user=request.user).filter(advisor=advisor, date__gte=today)[:10],
        "services": selectors.service_record_list(user=request.user).filter(advisor=advisor)[:10],
        "can_manage": policy.has_perm(request.user, "legalservice.manage", advisor.node)})


@login_required
def advisor_edit(request, pk):
    advisor = selectors.advisor_get_for_user(user=request.user, pk=pk)
    if not policy.has_perm(request.user, "legalservice.manage", advisor.node):
        raise PermissionDenied("您没有权限修改法律顾问信息。")
    if request.method == "POST":
        files.limit_uploads(request)
        too_large = _upload_error(request)
        form = AdvisorForm(request.POST, request.FILES, user=request.user)
        if too_large:
            ui.apply_error(form, too_large)
        elif form.is_valid():
            try:
                services.advisor_update(actor=request.user, advisor=advisor, version=form.cleaned_data.get("version"),
                                        is_active=form.cleaned_data["is_active"], photo=form.cleaned_data.get("photo"),
                                        **_advisor_kwargs(form.cleaned_data))
                messages.success(request, "已保存。")
                return redirect("legalservice:advisor_detail", pk=advisor.pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "legalservice/form.html", {"form": form, "title": f"修改：{advisor.name}", "multipart": True}, status=400)
    form = AdvisorForm(user=request.user, initial={
        "kind": advisor.kind, "name": advisor.name, "law_firm": advisor.law_firm, "licence_number": advisor.licence_number,
        "phone": advisor.phone, "public_phone": advisor.public_phone, "villages": list(advisor.villages.all()),
        "node": advisor.node if advisor.kind == Advisor.Kind.FULLTIME else None, "how_to_ask": advisor.how_to_ask, "appointed_on": advisor.appointed_on,
        "is_active": advisor.is_active, "version": advisor.version})
    return render(request, "legalservice/form.html", {"form": form, "title": f"修改：{advisor.name}", "multipart": True})


# ---- office hours & bookings ---------------------------------------------------------------------------------

@login_required
def office_hours(request):
    _require(request.user, "legalservice.view")
    params = request.GET.copy()
    if "f" not in params and not any(params.get(k) for k in ("year", "start", "end")):
        params["upcoming"] = "1"  # first visit: what is coming; untick to see the history
    qs = selectors.office_hour_list(user=request.user, filters=params)
    return render(request, "legalservice/office_hours.html", {
        **ui.paginate(request, qs), "filters": params, "statuses": OfficeHour.Status.choices,
        "rules": selectors.office_hour_rule_list(user=request.user),
        "can_manage": policy.has_perm(request.user, "legalservice.manage"),
        "can_record": policy.has_perm(request.user, "legalservice.record_office_hour")})


@login_required
def office_hour_rule_new(request):
    _require(request.user, "legalservice.manage")
    form = OfficeHourRuleForm(request.POST or None, user=request.user,
                              initial={"generate_from": clock.today(), "months": 12, "capacity": 6, "week_of_month": 1, "weekday": 2})
    if request.method == "POST":
        if form.is_valid():
            try:
                rule = services.office_hour_rule_create(actor=request.user, **form.cleaned_data)
                messages.success(request, f"已制定坐班规则“{rule}”，并生成坐班安排 {rule.slots.count()} 次。")
                return redirect("legalservice:office_hours")
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "legalservice/form.html", {"form": form, "title": "制定每月定期坐班规则"}, status=400)
    return render(request, "legalservice/form.html", {"form": form, "title": "制定每月定期坐班规则"})


@login_required
def office_hour_new(request):
    _require(request.user, "legalservice.record_office_hour")
    form = OfficeHourForm(request.POST or None, user=request.user, initial={"capacity": 6})
    if request.method == "POST":
        if form.is_valid():
            try:
                slot = services.office_hour_create(actor=request.user, **form.cleaned_data)
                messages.success(request, "已安排坐班。")
                return redirect("legalservice:office_hour_detail", pk=slot.pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "legalservice/form.html", {"form": form, "title": "临时安排一次坐班"}, status=400)
    return render(request, "legalservice/form.html", {"form": form, "title": "临时安排一次坐班"})


@login_required
def office_hour_detail(request, pk, status=200):
    slot = selectors.office_hour_get_for_user(user=request.user, pk=pk)
    return render(request, "legalservice/office_hour_detail.html", {
        "slot": slot, "bookings": slot.bookings.all().order_by("created_at"),
        "actions": office_hour_workflow.available(slot, request.user), "timeline": audit.timeline(slot)}, status=status)


@login_required
@require_POST
def office_hour_transition(request, pk):
    slot = selectors.office_hour_get_for_user(user=request.user, pk=pk)
    try:
        services.office_hour_transition(actor=request.user, office_hour=slot, name=request.POST.get("action", ""),
                                        version=request.POST.get("version") or None, reason=request.POST.get("reason", ""),
                                        people_received=request.POST.get("people_received") or 0, note=request.POST.get("note", ""))
        messages.success(request, "已登记。")
    except DomainError as exc:
        messages.error(request, exc.message)
        return office_hour_detail(request, pk, status=exc.status_code)
    return redirect("legalservice:office_hour_detail", pk=pk)


@login_required
def bookings(request):
    _require(request.user, "legalservice.view")
    params = request.GET.copy()
    if "f" not in params and not any(params.get(k) for k in ("year", "start", "end")):
        params["upcoming"] = "1"
    qs = selectors.booking_list(user=request.user, filters=params)
    return render(request, "legalservice/bookings.html", {**ui.paginate(request, qs), "filters": params})


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = policy.get_for_user(selectors.booking_list(user=request.user), request.user, "legalservice.view", pk=pk)
    try:
        services.booking_cancel(actor=request.user, booking=booking, reason=request.POST.get("reason", ""))
        messages.success(request, "已取消该预约。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("legalservice:office_hour_detail", pk=booking.office_hour_id)


# ---- consultations ---------------------------------------------------------------------------------------------

@login_required
def consultations(request):
    _require(request.user, "legalservice.view")
    qs = selectors.consultation_list(user=request.user, filters=request.GET)
    return render(request, "legalservice/consultations.html", {
        **ui.paginate(request, qs), "filters": request.GET, "statuses": Consultation.Status.choices, "today": clock.today()})


@login_required
def consultation_detail(request, pk, status=200):
    obj = selectors.consultation_get_for_user(user=request.user, pk=pk)
    deadline = services.answer_deadline(obj)
    done_on = obj.answered_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date() if obj.answered_at else None
    return render(request, "legalservice/consultation_detail.html", {
        "c": obj, "actions": consultation_workflow.available(obj, request.user), "timeline": audit.timeline(obj),
        "deadline": deadline, "deadline_status": deadline.status(clock.today(), done_on),
        "preview_question": services.cleaned_public_text(obj, obj.public_question or obj.question),
        "preview_answer": services.cleaned_public_text(obj, obj.public_answer or obj.answer)}, status=status)


@login_required
@require_POST
def consultation_transition(request, pk):
    obj = selectors.consultation_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    version = request.POST.get("version") or None
    try:
        if action == "answer":
            services.consultation_answer(actor=request.user, consultation=obj, answer=request.POST.get("answer", ""), version=version)
            messages.success(request, "已答复。群众可凭查询码和手机号查看答复。")
        elif action == "publish":
            services.consultation_publish(actor=request.user, consultation=obj, version=version,
                                          public_question=request.POST.get("public_question", ""),
                                          public_answer=request.POST.get("public_answer", ""))
            messages.success(request, "已发布为公开咨询案例（已隐去个人信息）。")
        elif action == "unpublish":
            services.consultation_unpublish(actor=request.user, consultation=obj, reason=request.POST.get("reason", ""), version=version)
            messages.success(request, "已撤回公开案例。")
        else:
            raise DomainError("未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
        return consultation_detail(request, pk, status=exc.status_code)
    return redirect("legalservice:consultation_detail", pk=pk)


# ---- service records -----------------------------------------------------------------------------------------

@login_required
def service_records(request):
    _require(request.user, "legalservice.view")
    qs = selectors.service_record_list(user=request.user, filters=request.GET)
    from django.db.models import Sum

    totals = qs.aggregate(people=Sum("people_served"))
    return render(request, "legalservice/services.html", {
        **ui.paginate(request, qs), "filters": request.GET, "kinds": ServiceRecord.Kind.choices, "total_people": totals["people"] or 0,
        "villages": selectors.villages_for(request.user, "legalservice.view"),
        "can_record": policy.has_perm(request.user, "legalservice.record_service")})


def _record_kwargs(data):
    kwargs = {k: data.get(k) for k in ("node", "advisor", "kind", "date", "title", "people_served", "hours", "notes")}
    if "dispute" in data:
        kwargs["dispute"] = data.get("dispute")
    return kwargs


@login_required
def service_new(request):
    _require(request.user, "legalservice.record_service")
    if request.method == "POST":
        files.limit_uploads(request)
        too_large = _upload_error(request)
        form = ServiceRecordForm(request.POST, request.FILES, user=request.user)
        if too_large:
            ui.apply_error(form, too_large)
        elif form.is_valid():
            try:
                record = services.service_record_create(actor=request.user, photos=request.FILES.getlist("photos"),
                                                        **_record_kwargs(form.cleaned_data))
                messages.success(request, "已登记法律服务。")
                return redirect("legalservice:service_detail", pk=record.pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "legalservice/form.html", {"form": form, "title": "登记法律服务", "multipart": True}, status=400)
    mine = selectors.advisors_for_user_account(request.user).first()
    form = ServiceRecordForm(user=request.user, initial={"date": clock.today(), "advisor": mine, "node": mine.node if mine else None,
                                                         "kind": request.GET.get("kind", "consultation")})
    return render(request, "legalservice/form.html", {"form": form, "title": "登记法律服务", "multipart": True})


@login_required
def service_detail(request, pk, status=200):
    record = selectors.service_record_get_for_user(user=request.user, pk=pk)
    return render(request, "legalservice/service_detail.html", {
        "r": record, "photos": files.files_of(record, purpose="photo"), "timeline": audit.timeline(record),
        "can_edit": policy.has_perm(request.user, "legalservice.record_service", record.node)}, status=status)


@login_required
def service_edit(request, pk):
    record = selectors.service_record_get_for_user(user=request.user, pk=pk)
    if not policy.has_perm(request.user, "legalservice.record_service", record.node):
        raise PermissionDenied("您没有权限修改此记录。")
    form = ServiceRecordForm(request.POST or None, user=request.user, initial={
        "node": record.node, "advisor": record.advisor, "kind": record.kind, "date": record.date, "title": record.title,
        "people_served": record.people_served, "hours": record.hours, "notes": record.notes, "version": record.version,
        "dispute": getattr(record, "dispute", None)})
    del form.fields["photos"]
    if request.method == "POST":
        if form.is_valid():
            try:
                services.service_record_update(actor=request.user, record=record, version=form.cleaned_data.get("version"),
                                               **_record_kwargs(form.cleaned_data))
                messages.success(request, "已保存。")
                return redirect("legalservice:service_detail", pk=pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "legalservice/form.html", {"form": form, "title": "修改法律服务记录"}, status=400)
    return render(request, "legalservice/form.html", {"form": form, "title": "修改法律服务记录"})


@login_required
@require_POST
def service_photo(request, pk):
    files.limit_uploads(request)
    record = selectors.service_record_get_for_user(user=request.user, pk=pk)
    too_large = _upload_error(request)
    try:
        if too_large:
            raise too_large
        upload = request.FILES.get("photo")
        if upload is None:
            raise DomainError("请选择要上传的照片。")
        services.service_record_add_photo(actor=request.user, record=record, upload=upload)
        messages.success(request, "照片已上传。")
    except DomainError as exc:
        messages.error(request, exc.message)
        return service_detail(request, pk, status=400)
    return redirect("legalservice:service_detail", pk=pk)


# ---- stations & demonstration villages -------------------------------------------------------------------------

@login_required
def stations(request):
    _require(request.user, "legalservice.view")
    return render(request, "legalservice/stations.html", {
        "stations": selectors.station_list(user=request.user, filters=request.GET),
        "demos": selectors.demonstration_village_list(user=request.user, filters=request.GET).order_by("-year", "node__path"),
        "can_manage": policy.has_perm(request.user, "legalservice.manage")})


def _simple_create(request, form_class, service, title, success):
    _require(request.user, "legalservice.manage")
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                service(actor=request.user, **form.cleaned_data)
                messages.success(request, success)
                return redirect("legalservice:stations")
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "legalservice/form.html", {"form": form, "title": title}, status=400)
    return render(request, "legalservice/form.html", {"form": form, "title": title})


@login_required
def station_new(request):
    return _simple_create(request, StationForm, services.station_create, "登记公共法律服务站", "已登记公共法律服务站。")


@login_required
def demonstration_village_new(request):
    return _simple_create(request, DemonstrationVillageForm, services.demonstration_village_create, "登记民主法治示范村",
                          "已登记民主法治示范村。")


def village_page_url(village):
    return reverse("legalservice_public:village", kwargs={"pk": village.pk})
