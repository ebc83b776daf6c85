"""The audited "显示" of a personal number on staff pages (htmx: swaps the masked number for the full one; without
JavaScript: a small page). The object is named in the body, never in the URL; scope and permission are checked by
``personal.reveal`` (outside scope 404, role may not see numbers 403, no reason 400)."""
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from . import personal
from .errors import DomainError, NotAllowed, NotFound
from .pages import Page


class PersonalReveal(Page):
    perms = {"POST": personal.REVEAL_PERM}
    template_name = "core/personal_revealed.html"
    partial_template = "core/partials/personal_revealed.html"
    census_skip = "the record is named in the POST body; personal.reveal scopes it through the owner's policy"

    def _back(self) -> str:
        target = self.request.POST.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()},
                                                      require_https=self.request.is_secure()):
            return target
        return "/work/"

    def post(self, request):
        data = request.POST
        try:
            obj, shown = personal.reveal(actor=request.user, target=data.get("target"), object_id=data.get("id"),
                                         reason=data.get("reason"), fields=data.getlist("field"))
        except (NotFound, NotAllowed):
            raise  # 404 / 403 through Page.dispatch
        except DomainError as exc:
            if getattr(request, "htmx", False):
                return self.render({"error": exc.message}, status=400, template="core/partials/personal_error.html")
            messages.error(request, exc.message)
            return HttpResponseRedirect(self._back())
        dom_id = "".join(ch for ch in (data.get("dom_id") or "") if ch.isalnum() or ch in "-_")[:120]
        response = self.render({"shown": shown, "dom_id": dom_id, "target_label": personal.describe_target(obj),
                                "back": self._back()})
        response["Cache-Control"] = "no-store"
        return response
