"""The public site (no login, mobile-first): village advisor pages, the printable poster with a QR code, booking an
office-hour slot, asking a question, reading one's answer with code + phone, and the published Q&A examples.

Nothing here shows a resident's data; advisors appear with the office phone they chose to publish.
"""
import io

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from fazhi.core import ratelimit, ui
from fazhi.core.errors import DomainError
from fazhi.core.masking import mask_name
from fazhi.core.pages import Page

from . import selectors, services
from .forms import AskForm, BookingForm, LookupForm

ASK_LIMIT = (5, 3600)  # questions per address per hour
BOOK_LIMIT = (10, 3600)
LOOKUP_LIMIT = (10, 3600)  # code guesses per address per hour


class _Public(Page):
    """A page of the public site: no login, and nothing but what anyone may see."""

    login_required = False
    census_skip = "public site: villages and published examples are shown to anyone"


class Index(_Public):
    public_menu = "法律顾问"
    template_name = "legalservice/public/index.html"

    def get(self, request):
        by_sub = {}
        for v in selectors.public_villages():
            by_sub.setdefault(v.parent.name if v.parent else "", []).append(v)
        return self.render({"groups": sorted(by_sub.items())})


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


class Village(_Public):
    template_name = "legalservice/public/village.html"

    def get(self, request, pk):
        return self.render(_village_context(_village_or_404(pk)))


def qr_svg(data):
    """An inline SVG QR code (no external service, no file on disk)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    img.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.find("<svg"):]


class Poster(_Public):
    template_name = "legalservice/public/poster.html"

    def get(self, request, pk):
        context = _village_context(_village_or_404(pk))
        context["qr"] = qr_svg(context["page_url"])
        context["local_address"] = is_local_address(context["page_url"])
        return self.render(context)


def is_local_address(url: str) -> bool:
    """True while the configured public address (FAZHI_PUBLIC_BASE_URL) is still this machine's own: a QR code with
    it cannot be opened from a resident's phone."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "0.0.0.0", "::1", "") or host.startswith("127.") or host.endswith(".localhost")


class Qr(_Public):
    def get(self, request, pk):
        return HttpResponse(qr_svg(public_url(_village_or_404(pk))), content_type="image/svg+xml")


class _PublicForm(_Public):
    """GET shows the form; POST (rate-limited per address) validates it and calls ``submit``; a refusal stays on
    the form with status 400 (429 when the address asked too often)."""

    form_class = None
    rate = None  # (scope, (limit, window))

    def context(self, form) -> dict:
        return {"form": form}

    def get_form(self, data=None):
        return self.form_class(data, initial=self.initial())

    def initial(self) -> dict:
        return {}

    def get(self, request, **kwargs):
        return self.render(self.context(self.get_form()))

    def post(self, request, **kwargs):
        form = self.get_form(request.POST)
        scope, (limit, window) = self.rate
        if not ratelimit.allow_request(request, scope, limit=limit, window=window):
            form.is_valid()
            form.add_error(None, ratelimit.MESSAGE)
            return self.render(self.context(form), status=429)
        if form.is_valid():
            try:
                return self.submit(form.cleaned_data)
            except DomainError as exc:
                ui.apply_error(form, exc)
        return self.render(self.context(form), status=400)


class Book(_PublicForm):
    template_name = "legalservice/public/book.html"
    form_class = BookingForm
    rate = ("legal_book", BOOK_LIMIT)

    @property
    def slot(self):
        slot = selectors.public_office_hour(self.kwargs["slot_pk"])
        if slot is None:
            raise Http404("该坐班时段不存在。")
        return slot

    def context(self, form) -> dict:
        return {"slot": self.slot, "form": form}

    def submit(self, data):
        slot = self.slot
        booking = services.booking_create(office_hour_id=slot.pk, **data)
        self.request.session["legal_booking"] = booking.pk
        return redirect("legalservice_public:booked", slot_pk=slot.pk)


class Booked(_Public):
    template_name = "legalservice/public/booked.html"

    def get(self, request, slot_pk):
        slot = selectors.public_office_hour(slot_pk)
        if slot is None or request.session.get("legal_booking") is None:
            return redirect("legalservice_public:index")
        return self.render({"slot": slot})


class Ask(_PublicForm):
    public_menu = "在线法律咨询"
    template_name = "legalservice/public/ask.html"
    form_class = AskForm
    rate = ("legal_ask", ASK_LIMIT)

    def initial(self) -> dict:
        village = self.request.GET.get("village", "")
        return {"village": village} if village.isdigit() else {}

    def submit(self, data):
        c = services.consultation_create(village=data["village"], asker_name=data["asker_name"], phone=data["phone"],
                                         title=data["title"], question=data["question"],
                                         is_anonymous=data["is_anonymous"])
        self.request.session["legal_ask_code"] = c.code
        return redirect("legalservice_public:asked")


class Asked(_Public):
    template_name = "legalservice/public/asked.html"

    def get(self, request):
        code = request.session.get("legal_ask_code")
        if not code:
            return redirect("legalservice_public:ask")
        return self.render({"code": code})


class Answer(_Public):
    """Read one's own answer with the code and the phone number given when asking. Guesses are throttled and a wrong
    code looks exactly like a wrong phone number."""

    template_name = "legalservice/public/answer.html"

    def get(self, request):
        return self.render({"form": LookupForm()})

    def post(self, request):
        form = LookupForm(request.POST)
        if ratelimit.is_blocked(request, "legal_lookup", limit=LOOKUP_LIMIT[0]):
            form.is_valid()
            form.add_error(None, "查询次数过多，请一小时后再试。")
            return self.render({"form": form}, status=429)
        if form.is_valid():
            c = selectors.public_consultation_by_code(form.cleaned_data["code"], form.cleaned_data["phone"])
            if c is not None:
                return self.render({"form": LookupForm(), "c": c})
            ratelimit.allow_request(request, "legal_lookup", limit=LOOKUP_LIMIT[0], window=LOOKUP_LIMIT[1])
            form.add_error(None, "查询码或手机号不正确，请核对后再试。")
        return self.render({"form": form}, status=400)


class Examples(_Public):
    template_name = "legalservice/public/examples.html"

    def get(self, request):
        qs = selectors.public_examples(request.GET)
        return self.render({**ui.paginate(request, qs, per_page=10), "q": request.GET.get("q", "")})


class Example(_Public):
    template_name = "legalservice/public/example.html"

    def get(self, request, pk):
        c = selectors.public_example(pk)
        if c is None:
            raise Http404("该案例不存在或已撤回。")
        return self.render({"c": c, "asker": "匿名" if c.is_anonymous else mask_name(c.asker_name)})
