"""The public disclosure portal /open/ (no login, mobile-first): Page classes with ``login_required = False``.
Personal data never shown; only published rows (selectors.public_*)."""
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import strip_tags

from fazhi.core import audit, clock, ratelimit, ui
from fazhi.core.errors import DomainError
from fazhi.core.masking import mask_name, mask_phone, scrub_text
from fazhi.core.middleware import client_ip
from fazhi.core.pages import PublicPage
from fazhi.core.views import serve_stored

from . import documents, forms, selectors, services

TRACK_SALT = "governance.track"


class Index(PublicPage):
    public_menu = "政务公开"
    template_name = "governance/public/index.html"

    def get(self, request):
        filters = {k: request.GET.get(k, "") for k in ("category", "year", "q")}
        year = filters["year"] if filters["year"].isdigit() else None
        return self.render({
            **ui.paginate(request, selectors.public_items(filters), per_page=20), "filters": filters,
            "category_counts": selectors.public_category_counts(year), "years": selectors.public_years(),
            "current_category": next((c for c in selectors.categories() if c.code == filters["category"]), None)})


class Item(PublicPage):
    template_name = "governance/public/item.html"

    def get(self, request, pk):
        return self.render(selectors.public_view(selectors.public_item(pk)))


class Feed(PublicPage):
    def get(self, request):
        base = settings.FAZHI["PUBLIC_BASE_URL"].rstrip("/")
        feed_url = base + reverse("governance_public:feed")
        f = feedgenerator.Atom1Feed(title="政务公开 · 主动公开信息", link=base + reverse("governance_public:index"),
                                    description="主动公开的政府信息", language="zh-CN", feed_url=feed_url,
                                    feed_guid=feed_url)
        for obj in selectors.public_items({"category": request.GET.get("category", "")})[:50]:
            link = base + reverse("governance_public:item", args=[obj.pk])
            f.add_item(title=obj.title, link=link, description=strip_tags(scrub_text(obj.body))[:500], unique_id=link,
                       pubdate=obj.published_at, updateddate=obj.published_at, categories=[obj.category.name],
                       author_name=obj.publisher_name or obj.node.name)
        return HttpResponse(f.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


class Apply(PublicPage):
    public_menu = "依申请公开"
    template_name = "governance/public/apply.html"

    def form(self):
        self.nodes = list(selectors.subdistricts_public())
        return forms.RequestForm(self.request.POST or None, nodes=self.nodes)

    def get(self, request):
        return self.render({"form": self.form()})

    def post(self, request):
        form = self.form()
        if not ratelimit.allow_request(request, "gov-request", limit=5, window=3600):
            messages.error(request, ratelimit.MESSAGE)
            return self.render({"form": form}, status=429)
        if form.is_valid():
            d = form.cleaned_data
            node = next((n for n in self.nodes if str(n.pk) == d["node"]), None)
            try:
                req = services.request_submit(node=node, applicant_type=d["applicant_type"],
                                              organisation_kind=d["organisation_kind"],
                                              applicant_name=d["applicant_name"], phone=d["phone"], email=d["email"],
                                              address=d["address"], content=d["content"], purpose=d["purpose"])
            except DomainError as exc:
                ui.apply_error(form, exc)
            else:
                return self.render({"req": req, "deadline": services.request_deadline(req)},
                                   template="governance/public/applied.html")
        return self.render({"form": form}, status=400)


class Track(PublicPage):
    """The applicant's own request, found by tracking code + phone; the correction is submitted, the reply letter
    and its attachments are downloaded from here. What travels back is a token signed with the phone number as
    part of its key: it names the tracking code only, so the phone number is never written into the page."""

    template_name = "governance/public/track.html"

    def get(self, request):
        return self.page(forms.TrackForm(), None)

    def post(self, request):
        if request.POST.get("correction_text") is not None:
            return self.page(forms.TrackForm(), self.correct())
        form = forms.TrackForm(request.POST)
        req = None
        if ratelimit.is_blocked(request, "gov-track", limit=20) or \
                not ratelimit.allow_request(request, "gov-track", limit=20, window=3600):
            messages.error(request, ratelimit.MESSAGE)
        elif form.is_valid():
            req = selectors.request_track(form.cleaned_data["code"], form.cleaned_data["phone"])
            if req is None:
                form.add_error(None, "查询码或联系电话不正确。")
            else:
                form = forms.TrackForm()  # never echo the phone number back into the page
        return self.page(form, req)

    @staticmethod
    def signer(req):
        return signing.TimestampSigner(salt=f"{TRACK_SALT}:{req.phone}")

    def tracked(self):
        """The request the posted token names, if the token is genuine and fresh (an hour), else None."""
        token = self.request.POST.get("token", "")
        req = selectors.request_by_code(token.split(":", 1)[0])
        try:
            self.signer(req).unsign(token, max_age=3600) if req else None
        except signing.BadSignature:
            return None
        return req

    def correct(self):
        req = self.tracked()
        if req is None:
            messages.error(self.request, "页面已过期，请重新输入查询码和联系电话。")
            return None
        if not ratelimit.allow_request(self.request, "gov-track", limit=20, window=3600):
            messages.error(self.request, ratelimit.MESSAGE)
            return None
        try:
            req = services.request_correct_by_applicant(code=req.tracking_code, phone=req.phone,
                                                        correction_text=self.request.POST.get("correction_text"))
        except DomainError as exc:
            messages.error(self.request, exc.message)
            return req
        messages.success(self.request, "补正已提交，答复期限自今日起重新计算。")
        return req

    def page(self, form, req):
        context = {"form": form, "req": req}
        if req is not None:
            d = services.request_deadline(req)
            answered = req.status == "answered"
            context.update(deadline=d, deadline_status=d.status(done_on=req.answered_on),
                           masked_name=mask_name(req.applicant_name), masked_phone=mask_phone(req.phone),
                           events=[{"action_label": scrub_text(e.action_label), "at": e.at} for e in audit.timeline(req)],
                           token=self.signer(req).sign(req.tracking_code),
                           attachments=[(f.uuid, scrub_text(f.original_name), f.size)
                                        for f in (selectors.reply_files(req) if answered else ())])
        return self.render(context)


class TrackDownload(Track):
    """A download of the applicant's own answered request (signed token, POST only): ``document(req)`` answers."""

    def get(self, request, **kwargs):
        return HttpResponseRedirect(reverse("governance_public:track"))

    def post(self, request, **kwargs):
        req = self.tracked()
        if req is None or req.status != "answered":
            messages.error(request, "页面已过期或尚未答复，请重新查询。")
            return HttpResponseRedirect(reverse("governance_public:track"))
        return self.document(req)

    def document(self, req):
        raise NotImplementedError


class TrackLetter(TrackDownload):
    """The reply letter (.docx)."""

    def document(self, req):
        return ui.file_response(documents.reply_letter(req), f"答复书-{req.reply_number or req.tracking_code}.docx",
                                ui.DOCX)


class TrackAttachment(TrackDownload):
    """An attachment of the reply — only one of this request's reply files (another uuid is a 404)."""

    census_skip = "public download scoped by the signed tracking token: another request's file is a 404"

    def document(self, req):
        stored = selectors.reply_files(req).filter(uuid=self.kwargs["uuid"]).first()
        if stored is None:
            raise Http404("附件不存在。")
        return serve_stored(self.request, stored)


class Documents(PublicPage):
    public_menu = "征求意见"
    template_name = "governance/public/documents.html"

    def get(self, request):
        return self.render({**ui.paginate(request, selectors.public_documents(), per_page=20),
                            "decisions": selectors.public_decisions()[:20], "today": clock.today()})


class CommentTarget(PublicPage):
    """A draft document or a decision open for public comment: the page, and the comment form posting to it."""

    def target(self, pk):
        raise NotImplementedError

    def context(self, obj) -> dict:
        raise NotImplementedError

    def get(self, request, pk):
        obj = self.target(pk)
        return self.render({**self.context(obj), "form": forms.CommentForm()})

    def post(self, request, pk):
        obj = self.target(pk)
        form = forms.CommentForm(request.POST)
        if not ratelimit.allow_request(request, "gov-comment", limit=5, window=3600):
            messages.error(request, "您提交意见过于频繁，请稍后再试（每小时最多5条）。")
            return self.render({**self.context(obj), "form": form}, status=429)
        if form.is_valid():
            try:
                services.comment_submit(target=obj, body=form.cleaned_data["body"],
                                        author_name=form.cleaned_data["author_name"],
                                        contact=form.cleaned_data["contact"], ip=client_ip(request))
            except DomainError as exc:
                if exc.field_errors:
                    ui.apply_error(form, exc)
                else:
                    messages.error(request, exc.message)
            else:
                messages.success(request, "感谢您的意见！意见经审核后将在本页展示。")
                return HttpResponseRedirect(request.path)
        return self.render({**self.context(obj), "form": form}, status=400)


class Document(CommentTarget):
    template_name = "governance/public/document.html"

    def target(self, pk):
        return selectors.public_document(pk)

    def context(self, doc):
        is_open = doc.status == "commenting" and doc.comment_end and clock.today() <= doc.comment_end
        return {"doc": doc, "is_open": is_open, "comments": selectors.approved_comments(doc)}


class Decision(CommentTarget):
    template_name = "governance/public/decision.html"

    def target(self, pk):
        return selectors.public_decision(pk)

    def context(self, obj):
        today = clock.today()
        is_open = bool(obj.comment_start and obj.comment_start <= today <= obj.comment_end)
        return {"decision": obj, "is_open": is_open, "comments": selectors.approved_comments(obj),
                "hearings": obj.hearings.all()}


class AnnualReport(PublicPage):
    """A published annual disclosure report, its frozen tables laid out (no records links: those are staff lists)."""

    template_name = "governance/public/annual_report.html"

    def get(self, request, pk):
        from . import annual

        report = selectors.public_annual_report(pk)
        return self.render({"report": report, "sections": annual.sections(report, report.tables)})
