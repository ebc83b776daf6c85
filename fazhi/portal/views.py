from django.apps import apps
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from fazhi.core import menu


def home(request):
    return render(request, "portal/home.html", {"tiles": menu.public_items(apps.get_app_configs())})


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
