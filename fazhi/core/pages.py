"""The workbench twin of ``fazhi.core.endpoints``: the one gate between a staff page and the services.

A page declares ``perms`` per HTTP method (without the permission anywhere: 403 page) and the ``access`` policy of
its model; ``self.get_object(pk, action)`` answers 404 for missing or out-of-scope rows and 403 for visible rows
the user may not act on. Domain errors raised while handling become 404/403 pages, or a form error / flash message.

- ``ListPage``: selector + filters + id-first paging (+ htmx partial for the rows).
- ``FormPage``: a Django form → one service call → redirect; failed input re-renders with status 400 and every
  error on its field.
- ``ActionPage``: POST-only (a button): object lookup → one service call → flash → redirect back to the record.
"""
from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from . import policy, ui
from .access import AccessPolicy, Gate
from .errors import DomainError, NotAllowed, NotFound

ROLE_LACKS = "您的岗位角色不包含此功能。"


class Page(Gate, View):
    perms: ClassVar[dict[str, str | tuple[str, ...]]] = {}
    access: ClassVar[AccessPolicy | None] = None
    template_name: ClassVar[str] = ""
    partial_template: ClassVar[str | None] = None  # rendered for htmx requests
    login_required: ClassVar[bool] = True
    record_action: ClassVar[str] = "view"  # what ``self.record`` (the URL's ``pk`` through the policy) is checked for

    def dispatch(self, request, *args, **kwargs):
        if self.login_required and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.may_any(request.user, request.method):
            raise PermissionDenied(ROLE_LACKS)
        try:
            return super().dispatch(request, *args, **kwargs)
        except NotFound:
            raise Http404("记录不存在或不在您的管辖范围内。") from None
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None

    @cached_property
    def record(self):
        """The object named by the URL's ``pk``, fetched once through the policy for ``record_action``."""
        return self.get_object(self.kwargs["pk"], self.record_action)

    def render(self, context: dict, *, status: int = 200, template: str | None = None):
        if template is None:
            template = self.partial_template if (self.partial_template and getattr(self.request, "htmx", False)) \
                else self.template_name
        return render(self.request, template, context, status=status)

    def back(self, default: str):
        """Redirect to ?next= when it is a local address, else to ``default``."""
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()},
                                                      require_https=self.request.is_secure()):
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(default)


class ListPage(Page):
    """GET: the scoped list (``get_queryset``) with its filters, paged id-first; ``extra_context`` adds the rest.
    The permission is the policy's "view" unless ``perms`` says otherwise."""

    per_page: ClassVar[int] = ui.PAGE_SIZE

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.access is not None and not cls.perms:
            cls.perms = {"GET": cls.access.actions["view"]}

    def get_queryset(self):
        raise NotImplementedError

    def extra_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        context = {**ui.paginate(request, self.get_queryset(), self.per_page), "filters": request.GET,
                   **self.extra_context()}
        return self.render(context)


class FormPage(Page):
    """GET shows the form; POST validates it, calls ``perform(form)`` (one service) and redirects to
    ``success_url(result)``. Errors stay on the form (status 400); nothing is half-written. The permission, to see
    the form and to send it, is the policy's for ``record_action`` unless ``perms`` says otherwise."""

    form_class: ClassVar[Any] = None
    title: ClassVar[str] = ""
    success_message: ClassVar[str] = "已保存。"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.access is not None and not cls.perms:
            perm = cls.access.actions[cls.record_action]
            cls.perms = {"GET": perm, "POST": perm}

    def get_form_kwargs(self) -> dict:
        return {}

    def query_initial(self, *names: str) -> dict:
        """Initial values taken from whole-number query parameters (``?node=12`` preselects the node)."""
        values = {name: self.request.GET.get(name, "") for name in names}
        return {name: value for name, value in values.items() if value.isdigit() and len(value) < 12}

    def get_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        kwargs = self.get_form_kwargs()
        if files is not None and _takes_files(self.form_class):
            kwargs["files"] = files
        return self.form_class(data, **kwargs)

    def extra_context(self) -> dict:
        return {}

    def context(self, form) -> dict:
        return {"form": form, "title": self.title, **self.extra_context()}

    def perform(self, form):
        raise NotImplementedError

    def success_url(self, result) -> str:
        raise NotImplementedError

    def get_success_message(self, result) -> str:
        return self.success_message

    def get(self, request, *args, **kwargs):
        return self.render(self.context(self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if getattr(request, "upload_too_large", False):
            form.is_valid()
            form.add_error(None, "上传的文件过大。")
            return self.render(self.context(form), status=413)
        if form.is_valid():
            try:
                result = self.perform(form)
            except (NotFound, NotAllowed):
                raise
            except DomainError as exc:
                ui.apply_error(form, exc)
            else:
                message = self.get_success_message(result)
                if message:
                    messages.success(request, message)
                return HttpResponseRedirect(self.success_url(result))
        return self.render(self.context(form), status=400)


class ActionPage(Page):
    """POST only: ``perform()`` runs one service; a domain error is flashed; then back to ``redirect_url()``."""

    http_method_names = ["post"]
    success_message: ClassVar[str] = "已完成。"

    def perform(self):
        raise NotImplementedError

    def redirect_url(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            result = self.perform()
        except (NotFound, NotAllowed):
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            message = result if isinstance(result, str) else self.success_message
            if message:
                messages.success(request, message)
        return self.back(self.redirect_url())


def _takes_files(form_class) -> bool:
    import inspect

    try:
        return "files" in inspect.signature(form_class.__init__).parameters or bool(
            getattr(form_class, "base_fields", None) and any(
                getattr(f.widget, "needs_multipart_form", False) for f in form_class.base_fields.values()))
    except (TypeError, ValueError):
        return False


class SelectorList(ListPage):
    """A ``ListPage`` over one selector, ``selector(*, user, filters)``, filtered by the query string. ``flags`` adds
    booleans to the context — ``{"can_create": "governance.documents"}``: the user holds that permission somewhere
    (to show the "new" button); ``more_context()`` adds the rest."""

    selector: ClassVar[Any] = None
    flags: ClassVar[dict[str, str]] = {}

    def get_queryset(self):
        return type(self).selector(user=self.request.user, filters=self.request.GET.dict())

    def more_context(self) -> dict:
        return {}

    def extra_context(self) -> dict:
        return {**{key: policy.has_perm(self.request.user, perm) for key, perm in self.flags.items()},
                **self.more_context()}


class RecordAction(ActionPage):
    """A button on a record's page: the record (URL ``pk``) through ``access`` for ``action`` (404 outside scope,
    403 without the action), ``act(obj)`` runs one service, then back to the record's ``detail_url``. The
    permission is the policy's for ``action`` unless ``perms`` says otherwise."""

    action: ClassVar[str] = "view"
    detail_url: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.access is not None and not cls.perms:
            cls.perms = {"POST": cls.access.actions[cls.action]}

    def perform(self):
        return self.act(self.get_object(self.kwargs["pk"], self.action))

    def act(self, obj):
        raise NotImplementedError

    def redirect_url(self) -> str:
        from django.urls import reverse

        return reverse(self.detail_url, args=[self.kwargs["pk"]])


class PublicPage(Page):
    """A page of the public site (no account): it shows only what anyone may see — published rows, or a resident's
    own record found by a code — so the route census does not probe it with other users (``census_skip``)."""

    login_required = False
    census_skip = "public page: published rows only, the same for everyone"


class RecordPage(Page):
    """GET one record (URL ``pk``) through ``access`` — 404 missing or outside scope — rendered with
    ``context(obj)``. The permission is the policy's "view" unless ``perms`` says otherwise."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.access is not None and not cls.perms:
            cls.perms = {"GET": cls.access.actions["view"]}

    def get(self, request, pk):
        return self.render(self.context(self.get_object(pk)))

    def context(self, obj) -> dict:
        raise NotImplementedError


class RecordFilePage(RecordPage):
    """GET a document made from one record (a letter, a .docx, an archive): ``document(obj)`` returns
    ``(content, filename, content_type)``, or a response of its own (a redirect with a message)."""

    def get(self, request, pk):
        made = self.document(self.get_object(pk))
        return ui.file_response(*made) if isinstance(made, tuple) else made

    def document(self, obj):
        raise NotImplementedError
