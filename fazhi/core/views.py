import secrets

import chinese_calendar
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import audit, clock, files, jobs, ledger, orgkinds, policy, selectors, services, ui, workdays
from .errors import DomainError
from .forms import CalendarOverrideForm, CalendarYearForm, ChildNodeForm, DeadlineRuleForm, LoginForm
from .models import Job, OrgNode, StoredFile, User
from .pages import Page
from .todos import shortcuts_for, todos_for

WEEKDAYS = "一二三四五六日"


def require_perm(user, perm):
    """Workbench pages: a module the user has no role for at all is a 403 page (a module is not a secret)."""
    if not policy.has_perm(user, perm):
        raise PermissionDenied("您的岗位角色不包含此功能。")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    memberships = selectors.own_memberships(request.user)
    return render(request, "core/home.html", {"todos": todos_for(request.user), "memberships": memberships,
                                              "shortcuts": shortcuts_for(request.user)})


@login_required
def org_tree(request):
    require_perm(request.user, "core.view")
    nodes = list(selectors.org_tree_for_user(request.user))
    base = min((n.depth for n in nodes), default=0)
    for n in nodes:
        n.indent = 0.5 + (n.depth - base) * 1.5
    return render(request, "core/org_tree.html", {"nodes": nodes, "units": selectors.units_for_user(request.user)})


@login_required
def node_detail(request, pk):
    node = selectors.node_get_for_user(request.user, pk)
    can_add = bool(orgkinds.child_codes(node.kind)) and policy.has_perm(request.user, "core.manage_org", node)
    form = ChildNodeForm(request.POST or None, parent=node) if can_add else None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied("您没有维护组织架构的权限。")
        if form.is_valid():
            try:
                data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
                child = services.org_node_create(actor=request.user, parent=node, **data)
                messages.success(request, f"已新增“{child.name}”。")
                return redirect("core:node_detail", pk=node.pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
    children = node.children.order_by("sort_order", "path")
    return render(request, "core/node_detail.html", {
        "node": node, "members": selectors.members_of(request.user, node), "timeline": audit.timeline(node),
        "children": children, "form": form, "child_kinds": [orgkinds.get(c) for c in orgkinds.child_codes(node.kind)],
        "can_edit": policy.has_perm(request.user, "core.manage_org", node),
        "can_manage_users": policy.has_perm(request.user, "core.manage_users", node)},
        status=400 if form is not None and form.is_bound and form.errors else 200)


node_detail.census_model = OrgNode


def _calendar_context(request, override_form=None, year_form=None):
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() and 2000 <= int(year) <= 2100 else clock.today().year
    first, last = workdays.package_years()
    overrides = {o.date: o for o in selectors.calendar_overrides(year)}
    days = {}
    if first <= year <= last:
        for d, name in chinese_calendar.holidays.items():
            if d.year == year and d.weekday() < 5:
                days[d] = {"date": d, "name": workdays.HOLIDAY_NAMES.get(name, name), "is_working": False, "source": "国务院安排（内置）"}
        for d, name in chinese_calendar.workdays.items():
            if d.year == year and d.weekday() >= 5:
                days[d] = {"date": d, "name": f"{workdays.HOLIDAY_NAMES.get(name, name)}调休上班", "is_working": True, "source": "国务院安排（内置）"}
    for d, o in overrides.items():
        days[d] = {"date": d, "name": o.name, "is_working": o.is_working_day, "source": "管理员调整", "override": True}
    rows = sorted(days.values(), key=lambda r: r["date"])
    for r in rows:
        r["weekday"] = "周" + WEEKDAYS[r["date"].weekday()]
    cal = workdays.Calendar()
    return {
        "year": year, "days": rows, "year_known": cal.knows_year(year), "package_first": first, "package_last": last,
        "defined_years": selectors.calendar_years(),
        "override_form": override_form or CalendarOverrideForm(), "year_form": year_form or CalendarYearForm(initial={"year": year}),
    }


@login_required
def calendar_view(request):
    require_perm(request.user, "core.manage_calendar")
    return render(request, "core/calendar.html", _calendar_context(request))


def _report_recompute(request, changed):
    total = sum(v for v in (changed or {}).values() if isinstance(v, int))
    messages.success(request, f"已保存。未办结事项的期限已重新计算（{total} 项期限发生变化）。")


def _calendar_post(request, form_class, service, form_key: str):
    """A calendar form (one day's override, a whole year): save through the service, report what was recomputed,
    back to that year; a refusal stays on the form (400)."""
    require_perm(request.user, "core.manage_calendar")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            _, changed = service(actor=request.user, **form.cleaned_data)
            _report_recompute(request, changed)
            year = form.cleaned_data.get("year") or form.cleaned_data["date"].year
            return redirect(f"{reverse('core:calendar')}?year={year}")
        except DomainError as exc:
            ui.apply_error(form, exc)
    return render(request, "core/calendar.html", _calendar_context(request, **{form_key: form}), status=400)


@login_required
@require_POST
def calendar_override(request):
    return _calendar_post(request, CalendarOverrideForm, services.calendar_override_set, "override_form")


@login_required
@require_POST
def calendar_override_delete(request):
    require_perm(request.user, "core.manage_calendar")
    day = ui.parse_date(request.POST.get("date"))
    if day is None:
        messages.error(request, "日期格式不正确。")
        return redirect("core:calendar")
    try:
        changed = services.calendar_override_delete(actor=request.user, date=day)
        _report_recompute(request, changed)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('core:calendar')}?year={day.year}")


@login_required
@require_POST
def calendar_year(request):
    return _calendar_post(request, CalendarYearForm, services.calendar_year_define, "year_form")


@login_required
def deadline_rules(request):
    require_perm(request.user, "core.manage_calendar")
    return render(request, "core/deadline_rules.html", {"rules": selectors.deadline_rules()})


@login_required
def deadline_rule_edit(request, pk):
    require_perm(request.user, "core.manage_calendar")
    rule = selectors.deadline_rule(pk)
    if request.method == "POST":
        form = DeadlineRuleForm(request.POST)
        if form.is_valid():
            try:
                _, changed = services.deadline_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
                _report_recompute(request, changed)
                return redirect("core:deadline_rules")
            except DomainError as exc:
                ui.apply_error(form, exc)
    else:
        form = DeadlineRuleForm(initial={"name": rule.name, "amount": rule.amount, "unit": rule.unit,
                                         "legal_basis": rule.legal_basis, "due_soon_days": rule.due_soon_days})
    return render(request, "core/deadline_rule_edit.html", {"form": form, "rule": rule, "timeline": audit.timeline(rule)})


deadline_rule_edit.census_skip = "期限规则为全区共用数据（区级管理员维护），不属于某个街道"


@login_required
def audit_log(request):
    require_perm(request.user, "core.view_audit")
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "actor", "object_type")}
    qs = selectors.audit_events_for_user(request.user, filters=filters)
    return render(request, "core/audit_log.html", {"filters": filters, **ui.paginate(request, qs, 50)})


# ---- ledgers ---------------------------------------------------------------------------------------------------

@login_required
def ledgers(request):
    items = [{"key": item.key, "title": item.title, "importable": item.can_import(request.user)}
             for item in ledger.all_ledgers() if item.can_export(request.user)]
    return render(request, "core/ledgers.html", {"ledgers": items})


def _ledger_or_404(user, key):
    item = ledger.get(key)
    if item is None or not item.can_export(user):
        raise Http404("台账不存在。")
    return item


@login_required
def ledger_export(request, key):
    item = _ledger_or_404(request.user, key)
    rows = item.queryset(request.user, request.GET)
    content = ledger.export_for_user(item, request.user, rows)  # personal numbers masked or audited
    return ui.file_response(content, f"{item.title}-{clock.today():%Y%m%d}.xlsx", ui.XLSX)


@login_required
def ledger_template(request, key):
    item = _ledger_or_404(request.user, key)
    return ui.file_response(ledger.export_xlsx(item, [], template_only=True), f"{item.title}-导入模板.xlsx", ui.XLSX)


def _import_dir():
    return ledger.import_dir()


def _forget_import(request, token):
    """The upload behind ``token`` is spent (imported, or handed to a background job)."""
    for name in ("ledger_imports", "ledger_import_rows"):
        stash = request.session.get(name, {})
        stash.pop(token, None)
        request.session[name] = stash


@login_required
def ledger_import(request, key):
    item = _ledger_or_404(request.user, key)
    if not item.can_import(request.user):
        raise PermissionDenied("您没有导入此台账的权限。")
    context = {"ledger": item, "max_mb": settings.FAZHI["LEDGER_MAX_BYTES"] // 1024 // 1024}
    if request.method == "POST":
        files.limit_uploads(request, settings.FAZHI["LEDGER_MAX_BYTES"])
        if request.POST.get("confirm"):
            token = request.POST.get("token", "")
            stash = request.session.get("ledger_imports", {})
            if token not in stash or stash[token] != key:
                messages.error(request, "导入会话已失效，请重新上传文件。")
                return redirect("core:ledger_import", key=key)
            path = _import_dir() / token
            rows = request.session.get("ledger_import_rows", {}).get(token, 0)
            node = policy.user_home_node(request.user)
            if rows > ledger.background_rows() and node is not None and path.exists():
                # a large sheet: a background job (the task queue) with a progress bar that survives a reload
                job = ledger.start_import_job(actor=request.user, ledger=item, token=token, total=rows, node=node)
                _forget_import(request, token)
                return redirect("core:job_detail", pk=job.pk)
            data = path.read_bytes() if path.exists() else b""
            result = ledger.run_import(item, data, actor=request.user, dry_run=False)
            if result.ok:
                path.unlink(missing_ok=True)
                _forget_import(request, token)
        else:
            upload = request.FILES.get("file")
            if getattr(request, "upload_too_large", False):
                result = ledger.ImportResult(ok=False, errors=[ledger.RowError(None, "", f"文件超过 {context['max_mb']}MB 上限，请拆分后分批导入。")])
            elif upload is None:
                result = ledger.ImportResult(ok=False, errors=[ledger.RowError(None, "", "请选择要导入的 Excel 文件。")])
            else:
                data = upload.read(settings.FAZHI["LEDGER_MAX_BYTES"] + 1)
                queued = _check_in_background(request, item, data)
                if queued is not None:  # hundreds of rows: the check runs as a job with a progress bar
                    return redirect("core:job_detail", pk=queued.pk)
                result = ledger.run_import(item, data, actor=request.user, dry_run=True)
                if result.ok:
                    token = secrets.token_urlsafe(16)
                    (_import_dir() / token).write_bytes(data)
                    stash = request.session.get("ledger_imports", {})
                    stash[token] = key
                    request.session["ledger_imports"] = stash
                    counts = request.session.get("ledger_import_rows", {})
                    counts[token] = result.total
                    request.session["ledger_import_rows"] = counts
                    context["token"] = token
                    context["background"] = result.total > ledger.background_rows()
        headers = [c.header for c in item.import_columns()]
        context.update(result=result, headers=headers,
                       preview_rows=[[row.get(h) for h in headers] for row in result.preview])
        return render(request, "core/ledger_import.html", context, status=200 if result.ok else 400)
    if request.GET.get("check"):
        return _checked(request, item, context)
    return render(request, "core/ledger_import.html", context)


def _stash(request, key, token, total):
    stash = request.session.get("ledger_imports", {})
    stash[token] = key
    request.session["ledger_imports"] = stash
    counts = request.session.get("ledger_import_rows", {})
    counts[token] = total
    request.session["ledger_import_rows"] = counts


def _check_in_background(request, item, data):
    """A sheet of more than ``ledger.background_check_rows()`` rows: stored, and checked by a job (None otherwise)."""
    node = policy.user_home_node(request.user)
    if node is None or len(data) > settings.FAZHI["LEDGER_MAX_BYTES"]:
        return None
    rows, errors = ledger.read_rows(item, data)
    if errors or len(rows) <= ledger.background_check_rows(item):
        return None
    token = secrets.token_urlsafe(16)
    (_import_dir() / token).write_bytes(data)
    _stash(request, item.key, token, len(rows))
    return ledger.start_check_job(actor=request.user, ledger=item, token=token, total=len(rows), node=node)


def _checked(request, item, context):
    """The result of a background check (``?check=<job>``), shown as the synchronous check shows it."""
    pk = request.GET.get("check", "")
    try:
        job = jobs.job_policy.get_for_user(request.user, "view", int(pk)) if pk.isdigit() and len(pk) < 12 else None
    except DomainError:  # missing, or someone else's
        job = None
    if job is None or job.kind != ledger.CHECK_JOB or job.params.get("ledger") != item.key:
        raise Http404("检查任务不存在。")
    if job.status != Job.Status.DONE or "check" not in job.params:
        return redirect("core:job_detail", pk=job.pk)
    result = ledger.result_from_json(job.params["check"])
    token = job.params.get("token", "")
    if result.ok and request.session.get("ledger_imports", {}).get(token) == item.key:
        context["token"] = token
        context["background"] = result.total > ledger.background_rows()
    elif result.ok:
        messages.error(request, "导入会话已失效，请重新上传文件。")
        return redirect("core:ledger_import", key=item.key)
    headers = [c.header for c in item.import_columns()]
    context.update(result=result, headers=headers, checked_by_job=job,
                   preview_rows=[[row.get(h) for h in headers] for row in result.preview])
    return render(request, "core/ledger_import.html", context, status=200 if result.ok else 400)


# ---- background jobs (fazhi.core.jobs) ------------------------------------------------------------------------

class JobPage(Page):
    """A job's page: its starter's, or (for kinds registered with ``view_perm``) that permission's holders'."""

    access = jobs.job_policy

    def job(self, pk):
        return jobs.live(self.get_object(pk))

    def job_context(self, job):
        kind = jobs.get(job.kind)
        back = kind.back(job) if kind is not None and kind.back is not None else (reverse("core:home"), "工作台")
        return {"job": job, "notice": jobs.notice(job), "back_url": back[0], "back_label": back[1],
                "result_link": jobs.result_link(job)}


class JobList(JobPage):
    """Every background job the user may see, newest first: its progress, and why a failed one failed."""

    template_name = "core/job_list.html"

    def get(self, request):
        page = ui.paginate(request, jobs.visible(request.user).order_by("-created_at", "-pk"))
        page["page_obj"].object_list = [jobs.live(job) for job in page["page_obj"].object_list]
        return self.render(page)


class JobDetail(JobPage):
    template_name = "core/job_detail.html"

    def get(self, request, pk):
        return self.render(self.job_context(self.job(pk)))


class JobProgress(JobPage):
    template_name = "core/partials/job_progress.html"

    def get(self, request, pk):
        return self.render(self.job_context(self.job(pk)))


class JobDownload(JobPage):
    def get(self, request, pk):
        job = self.get_object(pk)
        if job.status != Job.Status.DONE or not job.result:
            raise Http404("结果文件尚未生成。")
        return ui.file_response(bytes(job.result), job.result_name, job.result_type)


# ---- files & health ----------------------------------------------------------------------------------------------

def file_download(request, uuid):
    """The only way to read an uploaded file: the owner's scope applies; out of scope is a 404."""
    stored = selectors.stored_file(uuid)
    if stored is None or not files.may_download(request.user, stored):
        raise Http404("文件不存在或不在您的管辖范围内。")
    return serve_stored(request, stored)


def serve_stored(request, stored):
    """Serve a stored file the caller has already authorised: blob present, SHA-256 re-checked, download hook run.
    ``file_download`` and pages that authorise otherwise (an applicant's tracking code) both answer through it."""
    path = files.blob_path(stored.sha256)
    if not path.exists():
        raise Http404("文件已丢失，请联系系统管理员。")
    refused = files.integrity_refusal(request, stored)
    if refused is not None:
        return refused
    files.on_download(request.user, stored)
    inline = stored.is_image or stored.content_type == "application/pdf"
    response = FileResponse(open(path, "rb"), content_type=stored.content_type, as_attachment=not inline,
                            filename=stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if not stored.is_public else "public, max-age=3600"
    return response


file_download.census_model = StoredFile


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = "ok"
    except Exception as exc:  # report, never crash
        db = f"error: {exc.__class__.__name__}"
    status = 200 if db == "ok" else 503
    try:
        worker = jobs.worker_status()
    except Exception as exc:  # noqa: BLE001 - the cache may be down; report, never crash
        worker = {"status": f"error: {exc.__class__.__name__}", "last_heartbeat": None}
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": db, "vendor": connection.vendor,
                         "worker": worker, "time": clock.now().isoformat()}, status=status)


# ---- accounts: password change, administrator reset, second factor ------------------------------------------------

class PasswordChangeView(auth_views.PasswordChangeView):
    """Self-service password change (the policy of AUTH_PASSWORD_VALIDATORS applies); audited."""

    template_name = "core/password_change.html"

    def get_form(self, form_class=None):
        from .accounts import localise_password_form

        return localise_password_form(super().get_form(form_class))

    def form_valid(self, form):
        from .accounts import record_account_event

        response = super().form_valid(form)
        record_account_event(actor=self.request.user, user=self.request.user, action="password_change",
                             label="修改密码")
        messages.success(self.request, "密码已修改。")
        return response

    def get_success_url(self):
        return reverse("core:home")


@login_required
def password_reset_by_admin(request, pk):
    """An administrator (core.manage_users over one of the user's nodes) sets a new password; audited.
    Users outside the administrator's part of the tree are a 404."""
    from django.contrib.auth.forms import SetPasswordForm

    from .accounts import localise_password_form, managed_user_or_404, record_account_event

    require_perm(request.user, "core.manage_users")
    target = managed_user_or_404(request.user, pk)
    form = localise_password_form(SetPasswordForm(target, request.POST or None))
    if request.method == "POST" and form.is_valid():
        form.save()
        record_account_event(actor=request.user, user=target, action="password_reset", label="管理员重置密码")
        messages.success(request, f"已为“{target.display_name}”设置新密码，请当面或电话告知本人并要求其登录后修改。")
        return redirect("core:home")
    return render(request, "core/password_reset.html", {"form": form, "target": target},
                  status=400 if form.is_bound and form.errors else 200)


password_reset_by_admin.census_model = User


def _safe_next(request, default="core:home"):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse(default)


@login_required
def otp_setup(request):
    """Enrol an authenticator app: a QR code (rendered here as SVG, no outside service) and a code to confirm."""
    from django_otp import login as otp_login

    from .accounts import confirm_device, pending_device, qr_svg, record_account_event

    device = pending_device(request.user)
    error = ""
    if request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())[:8]
        if token and device.verify_token(token):
            confirm_device(request.user, device)
            otp_login(request, device)
            record_account_event(actor=request.user, user=request.user, action="otp_enrol", label="绑定动态口令")
            messages.success(request, "已绑定动态口令。")
            return redirect(_safe_next(request))
        error = "动态口令不正确，请核对手机上显示的 6 位数字后重试。"
    return render(request, "core/otp_setup.html", {"qr": qr_svg(device.config_url), "error": error,
                                                   "next": _safe_next(request)}, status=400 if error else 200)


@login_required
def otp_verify(request):
    """Enter the current code of the enrolled authenticator app (once per login)."""
    from django_otp import devices_for_user
    from django_otp import login as otp_login

    from .accounts import record_account_event

    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('core:otp_setup')}?next={_safe_next(request)}")
    error = ""
    if request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())[:8]
        device = next((d for d in devices if token and d.verify_token(token)), None)
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        record_account_event(actor=request.user, user=request.user, action="otp_failed", label="动态口令错误")
        error = "动态口令不正确或已过期，请重试。"
    return render(request, "core/otp_verify.html", {"error": error, "next": _safe_next(request)},
                  status=400 if error else 200)
