"""Public enforcement publicity (执法公示), no login. Only what the three systems require to be public; personal data
never appears (publications are masked when they are made — see services.publication_publish)."""
from django.shortcuts import render

from fazhi.core import clock, ui

from . import selectors


def home(request):
    """事前公开: subject, officers with certificate numbers, powers with legal basis, procedures, remedies, complaints."""
    return render(request, "enforcement/public/home.html", {
        "subjects": selectors.public_subjects(), "officers": selectors.public_officers(), "today": clock.today(),
        "recent": selectors.public_publications()[:5]})


def decisions(request):
    """事后公开: published decisions."""
    qs = selectors.public_publications(filters=request.GET)
    return render(request, "enforcement/public/decisions.html", {**ui.paginate(request, qs), "q": request.GET.get("q", "")})


def decision_detail(request, pk):
    return render(request, "enforcement/public/decision_detail.html", {"pub": selectors.public_publication(pk)})
