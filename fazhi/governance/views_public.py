"""The public disclosure portal /open/ (no login, mobile-first). Personal data never shown."""
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import strip_tags

from fazhi.core import audit, clock, files, ratelimit, ui
from fazhi.core.errors import DomainError
from fazhi.core.masking import mask_name, mask_phone, scrub_text
from fazhi.core.middleware import client_ip

from . import forms, selectors, services

TRACK_SALT = "governance.track"


def index(request):
    filters = {k: request.GET.get(k, "") for k in ("category", "year", "q")}
    year = filters["year"] if filters["year"].isdigit() else None
    qs = selectors.public_items(filters)
    return render(request, "governance/public/index.html", {
        **ui.paginate(request, qs, per_page=20), "filters": filters, "category_counts": selectors.public_category_counts(year),
        "years": selectors.public_years(), "current_category": next((c for c in selectors.categories() if c.code == filters["category"]), None)})


def item(request, pk):
    obj = selectors.public_item(pk)
    attachments = files.files_of(obj) if obj.status == "published" else []
    return render(request, "governance/public/item.html", {"item": obj, "attachments": attachments,
                                                           "body": scrub_text(obj.body) if obj.status == "published" else ""})


def feed(request):
    base = settings.FAZHI["PUBLIC_BASE_URL"].rstrip("/")
    f = feedgenerator.Atom1Feed(title="政务公开 · 主动公开信息", link=base + reverse("governance_public:index"),
                                description="主动公开的政府信息", language="zh-CN", feed_url=base + reverse("governance_public:feed"),
                                feed_guid=base + reverse("governance_public:feed"))
    category = request.GET.get("category", "")
    for obj in selectors.public_items({"category": category})[:50]:
        link = base + reverse("governance_public:item", args=[obj.pk])
        f.add_item(title=obj.title, link=link, description=strip_tags(scrub_text(obj.body))[:500], unique_id=link,
                   pubdate=obj.published_at, updateddate=obj.published_at, categories=[obj.category.name],
                   author_name=obj.publisher_name or obj.node.name)
    return HttpResponse(f.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


def apply(request):
    nodes = list(selectors.subdistricts_public())
    form = forms.RequestForm(request.POST or None, nodes=nodes)
    if request.method == "POST":
        if not ratelimit.allow_request(request, "gov-request", limit=5, window=3600):
            messages.error(request, ratelimit.MESSAGE)
            return render(request, "governance/public/apply.html", {"form": form}, status=429)
        if form.is_valid():
            d = form.cleaned_data
            node = next((n for n in nodes if str(n.pk) == d["node"]), None)
            try:
                req = services.request_submit(node=node, applicant_type=d["applicant_type"], applicant_name=d["applicant_name"],
                                              phone=d["phone"], email=d["email"], address=d["address"], content=d["content"],
                                              purpose=d["purpose"])
                return render(request, "governance/public/applied.html", {"req": req, "deadline": services.request_deadline(req)})
            except DomainError as exc:
                ui.apply_error(form, exc)
    return render(request, "governance/public/apply.html", {"form": form})


def track(request):
    form = forms.TrackForm(request.POST or None)
    req = None
    if request.method == "POST" and request.POST.get("correction_text") is not None:
        # the code and phone travel back signed, so the phone number is never written into the page
        try:
            ident = signing.loads(request.POST.get("token", ""), salt=TRACK_SALT, max_age=3600)
        except signing.BadSignature:
            ident = None
        if ident is None:
            messages.error(request, "页面已过期，请重新输入查询码和联系电话。")
        elif not ratelimit.allow_request(request, "gov-track", limit=20, window=3600):
            messages.error(request, ratelimit.MESSAGE)
        else:
            try:
                req = services.request_correct_by_applicant(code=ident["c"], phone=ident["p"],
                                                            correction_text=request.POST.get("correction_text"))
                messages.success(request, "补正已提交，答复期限自今日起重新计算。")
            except DomainError as exc:
                messages.error(request, exc.message)
                req = selectors.request_track(ident["c"], ident["p"])
        form = forms.TrackForm()
    elif request.method == "POST":
        if ratelimit.is_blocked(request, "gov-track", limit=20) or not ratelimit.allow_request(request, "gov-track", limit=20, window=3600):
            messages.error(request, ratelimit.MESSAGE)
        elif form.is_valid():
            req = selectors.request_track(form.cleaned_data["code"], form.cleaned_data["phone"])
            if req is None:
                form.add_error(None, "查询码或联系电话不正确。")
            else:
                form = forms.TrackForm()  # never echo the phone number back into the page
    context = {"form": form, "req": req}
    if req is not None:
        d = services.request_deadline(req)
        context.update(deadline=d, deadline_status=d.status(done_on=req.answered_on), masked_name=mask_name(req.applicant_name),
                       masked_phone=mask_phone(req.phone), events=audit.timeline(req),
                       token=signing.dumps({"c": req.tracking_code, "p": req.phone}, salt=TRACK_SALT))
    return render(request, "governance/public/track.html", context)


def documents(request):
    qs = selectors.public_documents()
    return render(request, "governance/public/documents.html", {**ui.paginate(request, qs, per_page=20),
                                                                "decisions": selectors.public_decisions()[:20], "today": clock.today()})


def _comment(request, target, url):
    form = forms.CommentForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow_request(request, "gov-comment", limit=5, window=3600):
            messages.error(request, "您提交意见过于频繁，请稍后再试（每小时最多5条）。")
            return None, form, 429
        if form.is_valid():
            try:
                services.comment_submit(target=target, body=form.cleaned_data["body"], author_name=form.cleaned_data["author_name"],
                                        contact=form.cleaned_data["contact"], ip=client_ip(request))
                messages.success(request, "感谢您的意见！意见经审核后将在本页展示。")
                return redirect(url), form, 200
            except DomainError as exc:
                if exc.field_errors:
                    ui.apply_error(form, exc)
                else:
                    messages.error(request, exc.message)
        return None, form, 400
    return None, form, 200


def document(request, pk):
    doc = selectors.public_document(pk)
    done, form, status = _comment(request, doc, reverse("governance_public:document", args=[doc.pk]))
    if done:
        return done
    is_open = doc.status == "commenting" and doc.comment_end and clock.today() <= doc.comment_end
    return render(request, "governance/public/document.html", {"doc": doc, "form": form, "is_open": is_open,
                                                               "comments": selectors.approved_comments(doc)}, status=status)


def decision(request, pk):
    obj = selectors.public_decision(pk)
    done, form, status = _comment(request, obj, reverse("governance_public:decision", args=[obj.pk]))
    if done:
        return done
    today = clock.today()
    is_open = bool(obj.comment_start and obj.comment_start <= today <= obj.comment_end)
    return render(request, "governance/public/decision.html", {"decision": obj, "form": form, "is_open": is_open,
                                                               "comments": selectors.approved_comments(obj),
                                                               "hearings": obj.hearings.all()}, status=status)
