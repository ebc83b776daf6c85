"""Public site (residents, no account, mobile-first): submit a dispute, track it with code + phone, browse and
"order" the mediation rooms. Nothing personal about anyone's case is shown; submissions and lookups are limited per
address, and repeated misses on the tracking page are throttled. Pages on core's gate with ``login_required =
False``."""
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from fazhi.core import personal, ratelimit, ui
from fazhi.core.errors import DomainError
from fazhi.core.masking import mask_name
from fazhi.core.pages import Page

from . import resident, selectors, services
from .forms import REPORT_STEPS, ReportMatterStep, ReportRoomStep, TrackForm
from .policies import room_policy

SUBMIT_LIMIT, SUBMIT_WINDOW = 10, 3600
TRACK_MISS_LIMIT, TRACK_WINDOW = 5, 900
SESSION_KEY = "disputes_submitted"
DRAFT_KEY = "disputes_report_draft"  # the answers of an unfinished report (server-side session)
# the service's field names → the resident form's
_FORM_FIELDS = (("applicant_id_number", "id_number"), ("respondent_phone", "other_phone"),
                ("applicant_phone", "phone"), ("respondent_name", "other_name"), ("applicant_name", "name"),
                ("contact_phone", "phone"), ("requested_room", "room"))


class PublicPage(Page):
    login_required = False


STEPS = {step.slug: step for step in REPORT_STEPS}
FIELD_STEP = {name: step.slug for step in REPORT_STEPS for name in step.base_fields}


# ---- the report draft: kept in the (server-side) session between the steps, personal numbers encrypted ----------

def _draft(request) -> dict:
    draft = request.session.get(DRAFT_KEY)
    return draft if isinstance(draft, dict) else {}


def _save_step(request, step, cleaned: dict) -> None:
    """Store a step's checked answers; the personal numbers only as ciphertext (personal.encrypt)."""
    draft = _draft(request)
    draft[step.slug] = {k: (personal.encrypt(v) if k in step.personal and v else v) for k, v in cleaned.items()}
    request.session[DRAFT_KEY] = draft


def _answers(draft: dict, step) -> dict | None:
    """A stored step's answers with the personal numbers decrypted (kept in memory only); None when not answered."""
    stored = draft.get(step.slug)
    if not isinstance(stored, dict):
        return None
    return {k: (personal.decrypt(v) if k in step.personal and v else v) for k, v in stored.items()}


def clear_draft(request) -> None:
    request.session.pop(DRAFT_KEY, None)


def _village(draft: dict):
    matter = draft.get("matter") if isinstance(draft.get("matter"), dict) else {}
    village = matter.get("village")
    return selectors.villages_public().filter(pk=village).first() if isinstance(village, int) else None


def _step_form(step, draft, data=None, initial=None):
    kwargs = {"village": _village(draft)} if step is ReportRoomStep else {}
    return step(data, initial=initial, **kwargs)


def _checked_forms(draft):
    """Every step's stored answers validated again (a village may have closed, a room moved); the first step that
    is missing or no longer valid comes back as ``first_invalid``."""
    forms, first_invalid = [], None
    for step in REPORT_STEPS:
        answers = _answers(draft, step)
        form = _step_form(step, draft, data=answers) if answers is not None else None
        if form is None or not form.is_valid():
            first_invalid = first_invalid or step
        forms.append(form)
    return forms, first_invalid


def _step_url(step, change=False):
    url = reverse("disputes_public:report_step", args=[step.slug])
    return url + "?change=1" if change else url


class ReportStep(PublicPage):
    """One step of the resident's report: 你的信息 → 对方信息 → 纠纷情况 → 选择调解室, then 核对信息. Works without
    JavaScript; each failed step shows the error summary; answers wait in the session until the report is sent."""

    public_menu = "我要调解"
    template_name = "disputes/public/step.html"

    def _step(self, slug):
        if slug is None:
            return REPORT_STEPS[0]
        if slug not in STEPS:
            raise Http404("没有这一步。")
        return STEPS[slug]

    def _earlier_missing(self, step, draft):
        for earlier in REPORT_STEPS[:REPORT_STEPS.index(step)]:
            if _answers(draft, earlier) is None:
                return earlier
        return None

    def get(self, request, step=None):
        step = self._step(step)
        draft = _draft(request)
        room_id = request.GET.get("room") if step is REPORT_STEPS[0] else None
        if room_id and room_id.isdigit() and len(room_id) < 12:  # "点单" from a room's page
            draft["preselected_room"] = int(room_id)
            request.session[DRAFT_KEY] = draft
        missing = self._earlier_missing(step, draft)
        if missing is not None:
            return redirect(_step_url(missing))
        initial = dict(_answers(draft, step) or {})
        for name in step.personal:  # a page that is read (GET) never carries a personal number, even the resident's
            initial.pop(name, None)
        if step is ReportRoomStep and "room" not in initial and draft.get("preselected_room"):
            initial["room"] = draft["preselected_room"]
        return render_step(self, step, _step_form(step, draft, initial=initial), draft)

    def post(self, request, step=None):
        step = self._step(step)
        draft = _draft(request)
        missing = self._earlier_missing(step, draft)
        if missing is not None:
            return redirect(_step_url(missing))
        data = request.POST.copy()
        stored = _answers(draft, step) or {}
        for name in step.personal:  # left empty on a "修改" visit: the number given before stays
            if not data.get(name, "").strip() and stored.get(name):
                data[name] = stored[name]
        form = _step_form(step, draft, data=data)
        if not form.is_valid():
            return render_step(self, step, form, draft, status=400)
        _save_step(request, step, form.cleaned_data)
        draft = _draft(request)
        index = REPORT_STEPS.index(step)
        if step is ReportMatterStep and "room" in draft:  # a new village may rule the chosen room out
            room_form = _step_form(ReportRoomStep, draft, data=_answers(draft, ReportRoomStep))
            if not room_form.is_valid():
                draft.pop("room")
                request.session[DRAFT_KEY] = draft
        _, first_invalid = _checked_forms(draft)
        if first_invalid is None:
            return redirect("disputes_public:report_check")
        if request.POST.get("return") == "check" or index + 1 == len(REPORT_STEPS):
            return redirect(_step_url(first_invalid))
        return redirect(_step_url(REPORT_STEPS[index + 1]))


def render_step(page, step, form, draft, status=200, template=None):
    request = page.request
    index = REPORT_STEPS.index(step)
    stored = _answers(draft, step) or {}
    kept = {name: personal.mask(stored[name], kind) for name, kind in step.personal.items() if stored.get(name)}
    rooms = []
    if step is ReportRoomStep:
        rooms = [(radio, form.rooms.get(int(radio.data["value"])) if str(radio.data["value"]).isdigit() else None)
                 for radio in form["room"]]
    change = bool(request.GET.get("change") or request.POST.get("return") == "check")
    back = (reverse("disputes_public:report_check") if change
            else _step_url(REPORT_STEPS[index - 1]) if index else reverse("portal:home"))
    return page.render({"form": form, "step": step, "number": index + 1, "total": len(REPORT_STEPS),
                        "steps": REPORT_STEPS, "change": change, "kept": kept, "rooms": rooms, "back_url": back},
                       status=status, template=template)


class ReportCheck(PublicPage):
    """核对信息: every answer with a "修改" link back to its step; 提交 files the case through the one service."""

    template_name = "disputes/public/check.html"

    def get(self, request):
        draft = _draft(request)
        forms, first_invalid = _checked_forms(draft)
        if first_invalid is not None:
            if not draft and request.session.get(SESSION_KEY):
                return redirect("disputes_public:submitted")
            return redirect(_step_url(first_invalid))
        return self.render({"sections": [(form, _step_url(type(form), change=True)) for form in forms]})

    def post(self, request):
        draft = _draft(request)
        if not draft and request.session.get(SESSION_KEY):  # 提交 pressed twice: the first one filed the case
            return redirect("disputes_public:submitted")
        forms, first_invalid = _checked_forms(draft)
        if first_invalid is not None:
            return redirect(_step_url(first_invalid))
        if not ratelimit.allow_request(request, "disputes-submit", limit=SUBMIT_LIMIT, window=SUBMIT_WINDOW):
            return self.render({"sections": [(form, _step_url(type(form), change=True)) for form in forms],
                                "error": ratelimit.MESSAGE + "同一网络每小时最多提交10次，如有急事请拨打街道矛调中心电话或到窗口登记。"},
                               status=429)
        c = {k: v for form in forms for k, v in form.cleaned_data.items()}
        parties = [dict(role="applicant", name=c["name"], phone=c["phone"], id_number=c["id_number"]),
                   dict(role="respondent", name=c["other_name"], phone=c["other_phone"])]
        try:
            d = services.dispute_create(actor=None, channel="online", village=c["village"], kind=c["kind"],
                                        title=c["title"], description=c["description"], place=c["place"],
                                        contact_phone=c["phone"], parties=parties, requested_room=c.get("room"))
        except DomainError as exc:
            return self._back_to_step(draft, exc)
        clear_draft(request)
        request.session[SESSION_KEY] = {"code": d.tracking_code, "duplicate": bool(d.duplicate),
                                        "room": d.requested_room.name if d.requested_room_id else ""}
        return redirect("disputes_public:submitted")

    def _back_to_step(self, draft, exc):
        """A rule only the service knows refused the report: the step holding the field shows the error."""
        fields = dict(exc.field_errors)
        for src, dst in _FORM_FIELDS:
            if src in fields:
                fields[dst] = fields.pop(src)
        fields.pop("parties", None)
        exc.field_errors = fields
        slug = next((FIELD_STEP[name] for name in fields if name in FIELD_STEP), REPORT_STEPS[0].slug)
        step = STEPS[slug]
        form = _step_form(step, draft, data=_answers(draft, step))
        form.is_valid()
        ui.apply_error(form, exc)
        return render_step(self, step, form, draft, status=400, template=ReportStep.template_name)


class Submitted(PublicPage):
    template_name = "disputes/public/submitted.html"

    def get(self, request):
        done = request.session.get(SESSION_KEY)
        if isinstance(done, str):
            done = {"code": done}
        if not isinstance(done, dict) or not done.get("code"):
            return redirect("disputes_public:submit")
        track = reverse("disputes_public:track") + "?" + urlencode({"code": done["code"]})
        return self.render({"code": done["code"], "room": done.get("room", ""), "duplicate": done.get("duplicate"),
                            "track_url": track})


class Track(PublicPage):
    public_menu = "调解进度查询"
    template_name = "disputes/public/track.html"

    def get(self, request):
        code = request.GET.get("code", "").strip().upper()  # the confirmation page's link carries the code
        initial = {"code": code} if code.isalnum() and len(code) <= 16 else {}
        return self.render({"form": TrackForm(initial=initial)})

    def post(self, request):
        form = TrackForm(request.POST)
        if ratelimit.is_blocked(request, "disputes-track-miss", limit=TRACK_MISS_LIMIT):
            form.is_valid()
            form.add_error(None, "查询失败次数过多，请15分钟后再试。")
            return self.render({"form": form}, status=429)
        if not form.is_valid():
            return self.render({"form": form}, status=400)
        dispute = selectors.dispute_track(code=form.cleaned_data["code"], phone=form.cleaned_data["phone"])
        if dispute is None:
            ratelimit.allow_request(request, "disputes-track-miss", limit=TRACK_MISS_LIMIT, window=TRACK_WINDOW)
            form.add_error(None, "没有找到与查询码和手机号相符的纠纷，请核对后再试。")
            return self.render({"form": form}, status=404)
        return self.render({"form": form, **case_context(dispute)})


def case_context(dispute):
    """What the tracking page shows of a case: its progress, never a personal number."""
    return {"d": dispute, "notices": dispute.notices.all(), "events": selectors.public_events(dispute),
            "applicant": mask_name(next((p.name for p in dispute.parties.all() if p.role == "applicant"), ""))}


class TrackLink(Track):
    """The link in a resident's SMS: opens that case's tracking page without its code; an expired or altered link
    says so and offers the code form."""

    public_menu = None

    def get(self, request, token):
        try:
            dispute = resident.case_for_token(token)
        except resident.LinkProblem as problem:
            form = TrackForm()
            return self.render({"form": form, "link_problem": problem.message}, status=400)
        return self.render({"form": TrackForm(), "by_link": True, **case_context(dispute)})

    def post(self, request, token):
        return redirect("disputes_public:track")


class Rooms(PublicPage):
    public_menu = "群众诉求超市"
    template_name = "disputes/public/rooms.html"

    def get(self, request):
        return self.render({"rooms": selectors.rooms_public()})


class Room(PublicPage):
    access = room_policy
    template_name = "disputes/public/room.html"

    def get(self, request, pk):
        return self.render({"room": selectors.room_public(pk)})
