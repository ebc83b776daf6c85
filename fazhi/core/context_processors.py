from django.apps import apps

from . import menu, policy


def _nav(user):
    return menu.sections(user, apps.get_app_configs())


def _public_nav():
    return menu.public_items(apps.get_app_configs())


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
