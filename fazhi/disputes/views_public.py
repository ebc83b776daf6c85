"""Public site (residents, no account, mobile-first): submit a dispute, track it with code + phone, browse and
"order" the mediation rooms. Nothing personal about anyone's case is shown; submissions and lookups are limited per
address, and repeated misses on the tracking page are throttled. Pages on core's gate with ``login_required =
False``."""
from django.shortcuts import redirect
from django.urls import reverse

from fazhi.core import ratelimit, ui
from fazhi.core.errors import DomainError
from fazhi.core.masking import mask_name
from fazhi.core.pages import Page

from . import resident, selectors, services
from .forms import PublicSubmitForm, TrackForm
from .policies import room_policy

SUBMIT_LIMIT, SUBMIT_WINDOW = 10, 3600
TRACK_MISS_LIMIT, TRACK_WINDOW = 5, 900
SESSION_KEY = "disputes_submitted"
# the service's field names → the resident form's
_FORM_FIELDS = (("applicant_id_number", "id_number"), ("respondent_phone", "other_phone"),
                ("applicant_phone", "phone"), ("respondent_name", "other_name"), ("applicant_name", "name"),
                ("contact_phone", "phone"), ("requested_room", "room"))


class PublicPage(Page):
    login_required = False


class Submit(PublicPage):
    public_menu = "我要调解"
    template_name = "disputes/public/submit.html"

    def get(self, request):
        room_id = request.GET.get("room")
        initial = {"room": int(room_id)} if room_id and room_id.isdigit() and len(room_id) < 12 else {}
        return self.render({"form": PublicSubmitForm(initial=initial)})

    def post(self, request):
        form = PublicSubmitForm(request.POST)
        if not ratelimit.allow_request(request, "disputes-submit", limit=SUBMIT_LIMIT, window=SUBMIT_WINDOW):
            form.is_valid()
            form.add_error(None, ratelimit.MESSAGE + "同一网络每小时最多提交10次，如有急事请拨打街道矛调中心电话或到窗口登记。")
            return self.render({"form": form}, status=429)
        if form.is_valid():
            c = form.cleaned_data
            parties = [dict(role="applicant", name=c["name"], phone=c["phone"], id_number=c["id_number"]),
                       dict(role="respondent", name=c["other_name"], phone=c["other_phone"])]
            try:
                d = services.dispute_create(actor=None, channel="online", village=c["village"], kind=c["kind"],
                                            title=c["title"], description=c["description"], place=c["place"],
                                            contact_phone=c["phone"], parties=parties, requested_room=c.get("room"))
            except DomainError as exc:
                fields = dict(exc.field_errors)
                for src, dst in _FORM_FIELDS:
                    if src in fields:
                        fields[dst] = fields.pop(src)
                fields.pop("parties", None)
                exc.field_errors = fields
                ui.apply_error(form, exc)
            else:
                request.session[SESSION_KEY] = d.tracking_code
                return redirect(reverse("disputes_public:submitted"))
        return self.render({"form": form}, status=400)


class Submitted(PublicPage):
    template_name = "disputes/public/submitted.html"

    def get(self, request):
        code = request.session.get(SESSION_KEY)
        if not code:
            return redirect("disputes_public:submit")
        return self.render({"code": code})


class Track(PublicPage):
    public_menu = "调解进度查询"
    template_name = "disputes/public/track.html"

    def get(self, request):
        return self.render({"form": TrackForm()})

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
