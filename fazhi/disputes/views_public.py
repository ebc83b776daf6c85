"""Public site (residents, no account, mobile-first): submit a dispute, track it with code + phone, browse and
"order" the mediation rooms. Nothing personal about anyone's case is shown; submissions and lookups are limited per
address, and repeated misses on the tracking page are throttled."""
from django.shortcuts import redirect, render
from django.urls import reverse

from fazhi.core import ratelimit
from fazhi.core.errors import DomainError
from fazhi.core.masking import mask_name

from . import selectors, services
from .forms import PublicSubmitForm, TrackForm

SUBMIT_LIMIT, SUBMIT_WINDOW = 10, 3600
TRACK_MISS_LIMIT, TRACK_WINDOW = 5, 900
SESSION_KEY = "disputes_submitted"


def submit(request):
    room_id = request.GET.get("room")
    initial = {"room": int(room_id)} if room_id and room_id.isdigit() else {}
    form = PublicSubmitForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not ratelimit.allow_request(request, "disputes-submit", limit=SUBMIT_LIMIT, window=SUBMIT_WINDOW):
            form.is_valid()
            form.add_error(None, ratelimit.MESSAGE + "同一网络每小时最多提交10次，如有急事请拨打街道矛调中心电话或到窗口登记。")
            return render(request, "disputes/public/submit.html", {"form": form}, status=429)
        if form.is_valid():
            c = form.cleaned_data
            parties = [dict(role="applicant", name=c["name"], phone=c["phone"], id_number=c["id_number"]),
                       dict(role="respondent", name=c["other_name"], phone=c["other_phone"])]
            try:
                d = services.dispute_create(actor=None, channel="online", village=c["village"], kind=c["kind"],
                                            title=c["title"], description=c["description"], place=c["place"],
                                            contact_phone=c["phone"], parties=parties, requested_room=c.get("room"))
                request.session[SESSION_KEY] = d.tracking_code
                return redirect(reverse("disputes_public:submitted"))
            except DomainError as exc:
                fields = dict(exc.field_errors)
                for src, dst in (("applicant_id_number", "id_number"), ("respondent_phone", "other_phone"),
                                 ("applicant_phone", "phone"), ("respondent_name", "other_name"),
                                 ("applicant_name", "name"), ("contact_phone", "phone"), ("requested_room", "room")):
                    if src in fields:
                        fields[dst] = fields.pop(src)
                fields.pop("parties", None)
                exc.field_errors = fields
                from fazhi.core import ui

                ui.apply_error(form, exc)
        status = 400
    return render(request, "disputes/public/submit.html", {"form": form}, status=status)


def submitted(request):
    code = request.session.get(SESSION_KEY)
    if not code:
        return redirect("disputes_public:submit")
    return render(request, "disputes/public/submitted.html", {"code": code})


def track(request):
    form = TrackForm(request.POST or None)
    dispute, status = None, 200
    if request.method == "POST":
        if ratelimit.is_blocked(request, "disputes-track-miss", limit=TRACK_MISS_LIMIT):
            form.is_valid()
            form.add_error(None, "查询失败次数过多，请15分钟后再试。")
            return render(request, "disputes/public/track.html", {"form": form}, status=429)
        if form.is_valid():
            dispute = selectors.dispute_track(code=form.cleaned_data["code"], phone=form.cleaned_data["phone"])
            if dispute is None:
                ratelimit.allow_request(request, "disputes-track-miss", limit=TRACK_MISS_LIMIT, window=TRACK_WINDOW)
                form.add_error(None, "没有找到与查询码和手机号相符的纠纷，请核对后再试。")
                status = 404
        else:
            status = 400
    ctx = {"form": form, "d": dispute}
    if dispute is not None:
        ctx.update({"notices": dispute.notices.all(), "events": selectors.public_events(dispute),
                    "applicant": mask_name(next((p.name for p in dispute.parties.all() if p.role == "applicant"), ""))})
    return render(request, "disputes/public/track.html", ctx, status=status)


def rooms(request):
    return render(request, "disputes/public/rooms.html", {"rooms": selectors.rooms_public()})


def room(request, pk):
    return render(request, "disputes/public/room.html", {"room": selectors.room_public(pk)})
