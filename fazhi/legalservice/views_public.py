"""The public site (no login, mobile-first): village advisor pages, the printable poster with a QR code, booking an
office-hour slot, asking a question, reading one's answer with code + phone, and the published Q&A examples.

Nothing here shows a resident's data; advisors appear with the office phone they chose to publish.
"""
import io

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fazhi.core import ratelimit, ui
from fazhi.core.errors import DomainError
from fazhi.core.masking import mask_name

from . import selectors, services
from .forms import AskForm, BookingForm, LookupForm

ASK_LIMIT = (5, 3600)  # questions per address per hour
BOOK_LIMIT = (10, 3600)
LOOKUP_LIMIT = (10, 3600)  # code guesses per address per hour


def index(request):
    villages = list(selectors.public_villages())
    by_sub = {}
    for v in villages:
        by_sub.setdefault(v.parent.name if v.parent else "", []).append(v)
    return render(request, "legalservice/public/index.html", {"groups": sorted(by_sub.items())})


def _village_or_404(pk):
    village = selectors.public_village(pk)
    if village is None:
        raise Http404("该村（社区）不存在。")
    return village


def _village_context(village):
    village_advisors, fulltime = selectors.public_advisors_of(village)
    slots = list(selectors.public_upcoming_office_hours(village))
    for s in slots:
        s.remaining = s.capacity - s.booked
    return {
        "village": village, "advisors": village_advisors, "fulltime": fulltime,
        "rules": selectors.public_rules_of(village), "slots": slots,
        "station": selectors.public_station_of(village), "demos": selectors.public_demonstration_of(village),
        "page_url": public_url(village),
    }


def public_url(village):
    return settings.FAZHI["PUBLIC_BASE_URL"].rstrip("/") + reverse("legalservice_public:village", kwargs={"pk": village.pk})


def village(request, pk):
    return render(request, "legalservice/public/village.html", _village_context(_village_or_404(pk)))


def qr_svg(data):
    """An inline SVG QR code (no external service, no file on disk)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    img.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.find("<svg"):]


def poster(request, pk):
    v = _village_or_404(pk)
    context = _village_context(v)
    context["qr"] = qr_svg(context["page_url"])
    return render(request, "legalservice/public/poster.html", context)


def qr(request, pk):
    v = _village_or_404(pk)
    return HttpResponse(qr_svg(public_url(v)), content_type="image/svg+xml")


@require_http_methods(["GET", "POST"])
def book(request, slot_pk):
    slot = selectors.public_office_hour(slot_pk)
    if slot is None:
        raise Http404("该坐班时段不存在。")
    form = BookingForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow_request(request, "legal_book", limit=BOOK_LIMIT[0], window=BOOK_LIMIT[1]):
            form.is_valid()
            form.add_error(None, ratelimit.MESSAGE)
            return render(request, "legalservice/public/book.html", {"slot": slot, "form": form}, status=429)
        if form.is_valid():
            try:
                booking = services.booking_create(office_hour_id=slot.pk, **form.cleaned_data)
                request.session["legal_booking"] = booking.pk
                return redirect("legalservice_public:booked", slot_pk=slot.pk)
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "legalservice/public/book.html", {"slot": slot, "form": form}, status=400)
    return render(request, "legalservice/public/book.html", {"slot": slot, "form": form})


def booked(request, slot_pk):
    slot = selectors.public_office_hour(slot_pk)
    if slot is None or request.session.get("legal_booking") is None:
        return redirect("legalservice_public:index")
    return render(request, "legalservice/public/booked.html", {"slot": slot})


@require_http_methods(["GET", "POST"])
def ask(request):
    initial = {}
    if request.GET.get("village", "").isdigit():
        initial["village"] = request.GET["village"]
    form = AskForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not ratelimit.allow_request(request, "legal_ask", limit=ASK_LIMIT[0], window=ASK_LIMIT[1]):
            form.is_valid()
            form.add_error(None, ratelimit.MESSAGE)
            return render(request, "legalservice/public/ask.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                c = services.consultation_create(village=data["village"], asker_name=data["asker_name"], phone=data["phone"],
                                                 title=data["title"], question=data["question"], is_anonymous=data["is_anonymous"])
                request.session["legal_ask_code"] = c.code
                return redirect("legalservice_public:asked")
            except DomainError as exc:
                ui.apply_error(form, exc)
        return render(request, "legalservice/public/ask.html", {"form": form}, status=400)
    return render(request, "legalservice/public/ask.html", {"form": form})


def asked(request):
    code = request.session.get("legal_ask_code")
    if not code:
        return redirect("legalservice_public:ask")
    return render(request, "legalservice/public/asked.html", {"code": code})


@require_http_methods(["GET", "POST"])
def answer(request):
    """Read one's own answer with the code and the phone number given when asking. Guesses are throttled and a wrong
    code looks exactly like a wrong phone number."""
    form = LookupForm(request.POST or None)
    if request.method == "POST":
        if ratelimit.is_blocked(request, "legal_lookup", limit=LOOKUP_LIMIT[0]):
            form.is_valid()
            form.add_error(None, "查询次数过多，请一小时后再试。")
            return render(request, "legalservice/public/answer.html", {"form": form}, status=429)
        if form.is_valid():
            c = selectors.public_consultation_by_code(form.cleaned_data["code"], form.cleaned_data["phone"])
            if c is not None:
                return render(request, "legalservice/public/answer.html", {"form": LookupForm(), "c": c})
            ratelimit.allow_request(request, "legal_lookup", limit=LOOKUP_LIMIT[0], window=LOOKUP_LIMIT[1])
            form.add_error(None, "查询码或手机号不正确，请核对后再试。")
        return render(request, "legalservice/public/answer.html", {"form": form}, status=400)
    return render(request, "legalservice/public/answer.html", {"form": form})


def examples(request):
    qs = selectors.public_examples(request.GET)
    return render(request, "legalservice/public/examples.html", {**ui.paginate(request, qs, per_page=10), "q": request.GET.get("q", "")})


def example(request, pk):
    c = selectors.public_example(pk)
    if c is None:
        raise Http404("该案例不存在或已撤回。")
    return render(request, "legalservice/public/example.html", {"c": c, "asker": "匿名" if c.is_anonymous else mask_name(c.asker_name)})
