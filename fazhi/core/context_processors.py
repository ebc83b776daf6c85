from django.apps import apps
from django.urls import NoReverseMatch, reverse

from . import policy


def _nav(user):
    sections = []
    for config in apps.get_app_configs():
        items = []
        for label, url_name, perm in getattr(config, "nav", []):
            if perm and not policy.has_perm(user, perm):
                continue
            try:
                items.append({"label": label, "url": reverse(url_name), "name": url_name})
            except NoReverseMatch:
                continue
        if items:
            sections.append({"title": config.verbose_name, "items": items, "app": config.label})
    return sections


def _public_nav():
    items = []
    for config in apps.get_app_configs():
        for entry in getattr(config, "public_nav", []):
            label, url_name = entry[0], entry[1]
            try:
                items.append({"label": label, "url": reverse(url_name)})
            except NoReverseMatch:
                continue
    return items


def shell(request):
    user = getattr(request, "user", None)
    data = {"site_name": "法治政府建设工作平台", "large_text": request.COOKIES.get("large_text") == "1"}
    if request.path.startswith("/work/") or request.path.startswith("/admin/"):
        if user is not None and user.is_authenticated:
            data["nav_sections"] = _nav(user)
            data["user_roles"] = sorted({r for r in policy.roles(user)})
            node = policy.user_home_node(user)
            data["home_node"] = node
            from .notifications import unread_count

            data["unread_notifications"] = unread_count(user)
    else:
        data["public_nav"] = _public_nav()
    return data
