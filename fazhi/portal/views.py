from django.apps import apps
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme


def home(request):
    tiles = []
    for config in apps.get_app_configs():
        for item in getattr(config, "public_nav", []):
            label, url_name = item[0], item[1]
            note = item[2] if len(item) > 2 else ""
            try:
                tiles.append({"label": label, "url": reverse(url_name), "note": note})
            except NoReverseMatch:
                continue
    return render(request, "portal/home.html", {"tiles": tiles})


def text_size(request):
    """Large-text mode without JavaScript: toggles a cookie and goes back."""
    target = request.GET.get("next") or "/"
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    on = request.COOKIES.get("large_text") != "1"
    response.set_cookie("large_text", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    return response


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "403.html", {"exception": str(exception) if exception else ""}, status=403)
