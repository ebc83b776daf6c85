"""The one gate between an API request and the services (Sentry's organization endpoints, HackSoft's APIs).

An app's API is a set of ``Endpoint`` subclasses. Each declares:

- ``perms``: the permission each HTTP method needs somewhere in the user's part of the tree (``"GET":
  "disputes.view"``; a tuple means any of them). Without it anywhere the answer is 403, before any work.
- ``access``: the model's ``AccessPolicy``; ``self.get_object(pk, action)`` fetches and authorises together
  (missing or outside scope → 404, visible but not allowed → 403).
- input serializers, validated by ``self.validated(SerializerClass)``: a body that is not a JSON object, wrong types
  or shapes → 400 with a Chinese message per field, and nothing reaches the service.
- ``self.page(queryset, Serializer)``: the one paging (``?page=``, 50 a page).

Domain errors (``fazhi.core.errors``) become responses in one place, ``exception_handler``: 400 invalid, 403 not
allowed, 404 not found or out of scope, 409 conflict, 413 too large, 429 too many. Nothing becomes a 500.

``PublicEndpoint`` is the same for residents (no account), with a rate limit per client address.
"""
from __future__ import annotations

import copy
import datetime
import sys
from typing import Any, ClassVar

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import ratelimit, ui
from .access import AccessPolicy, Gate
from .errors import DomainError, NotAllowed

NOT_FOUND = "记录不存在或不在您的管辖范围内。"
ROLE_LACKS = "您的岗位角色不包含此功能。"

_DRF_MESSAGES = {
    drf_exceptions.NotAuthenticated: (401, "请先登录。"),
    drf_exceptions.AuthenticationFailed: (401, "用户名或密码不正确。"),
    drf_exceptions.PermissionDenied: (403, "您没有权限执行此操作。"),
    drf_exceptions.MethodNotAllowed: (405, "不支持该请求方法。"),
    drf_exceptions.NotAcceptable: (406, "无法以请求的格式返回。"),
    drf_exceptions.UnsupportedMediaType: (415, "不支持的内容类型，请以 JSON 或表单提交。"),
    drf_exceptions.Throttled: (429, "请求过于频繁，请稍后再试。"),
    drf_exceptions.ParseError: (400, "请求内容无法解析，请以合法的 JSON 提交。"),
}


def exception_handler(exc, context):
    """Every error of the API in one place: a Chinese message, a code and per-field errors; never a 500 for input."""
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "code": exc.code, "errors": exc.field_errors}, status=exc.status_code)
    if isinstance(exc, (Http404, drf_exceptions.NotFound)):
        return Response({"detail": NOT_FOUND, "code": "not_found"}, status=404)
    if isinstance(exc, drf_exceptions.ValidationError):
        errors = field_errors(exc.detail)
        return Response({"detail": "请检查填写的内容：" + "；".join(f"{k}：{v}" for k, v in errors.items()),
                         "code": "invalid", "errors": errors}, status=400)
    for cls, (status, message) in _DRF_MESSAGES.items():
        if isinstance(exc, cls):
            response = Response({"detail": message, "code": cls.default_code}, status=status)
            if isinstance(exc, drf_exceptions.NotAuthenticated):
                response["WWW-Authenticate"] = 'Basic realm="api"'
            return response
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "您没有权限执行此操作。", "code": "not_allowed"}, status=403)
    if isinstance(exc, drf_exceptions.APIException):
        return Response({"detail": "请求未能完成。", "code": exc.default_code}, status=exc.status_code)
    return None


def field_errors(detail: Any, prefix: str = "") -> dict[str, str]:
    """DRF's nested error detail flattened to {"parties.0.name": "该字段是必填项。"} with Chinese text."""
    out: dict[str, str] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "请求" if key == "non_field_errors" and not prefix else f"{prefix}{key}"
            out.update(field_errors(value, f"{name}."))
    elif isinstance(detail, list):
        if all(not isinstance(x, (dict, list)) for x in detail):
            out[prefix.rstrip(".") or "请求"] = "；".join(str(x) for x in detail)
        else:
            for i, value in enumerate(detail):
                if value:
                    out.update(field_errors(value, f"{prefix}{i}."))
    else:
        out[prefix.rstrip(".") or "请求"] = str(detail)
    return out


class Pagination(PageNumberPagination):
    django_paginator_class = ui.IdFirstPaginator
    page_size = 50
    page_size_query_param = None

    def get_page_number(self, request, paginator):
        """A page number that is not a small whole number is page 1, never an error."""
        value = request.query_params.get(self.page_query_param, 1)
        text = str(value)
        if text == "last":
            return text
        return text if text.isdigit() and 0 < len(text) < 7 else 1


class Endpoint(Gate, APIView):
    """A staff API endpoint: permission per HTTP method, object lookup through the model's policy."""

    permission_classes = [IsAuthenticated]
    perms: ClassVar[dict[str, str | tuple[str, ...]]] = {}
    access: ClassVar[AccessPolicy | None] = None
    pagination_class: ClassVar[type[PageNumberPagination]] = Pagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.may_any(request.user, request.method):
            raise NotAllowed(ROLE_LACKS)
        _require_object_body(request)

    # ---- input ------------------------------------------------------------------------------------------------
    def validated(self, serializer_class: type[serializers.Serializer], data: Any = None, **kwargs) -> dict:
        """The body checked by an input serializer; 400 (nothing stored) if it is not an object of that shape."""
        data = self.request.data if data is None else data
        if not hasattr(data, "get") or isinstance(data, (str, bytes)):
            raise DomainError("请求内容应为一个 JSON 对象。", field_errors={"请求": "应为 JSON 对象。"})
        serializer = serializer_class(data=data, **kwargs)
        if not serializer.is_valid():
            errors = field_errors(serializer.errors)
            raise DomainError("请检查填写的内容：" + "；".join(f"{k}：{v}" for k, v in errors.items()),
                              field_errors=errors)
        return dict(serializer.validated_data)

    # ---- output -----------------------------------------------------------------------------------------------
    def page(self, queryset, serializer_class, **serializer_kwargs) -> Response:
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(rows, many=True, **serializer_kwargs).data)


def _require_object_body(request) -> None:
    """A write's body is a JSON object or a form — a list, a string, a number or null is refused (400) here, once,
    before any endpoint reads ``request.data.get``."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    try:
        data = request.data
    except drf_exceptions.UnsupportedMediaType:
        return  # an upload endpoint given JSON: the object lookup answers first (404), then the endpoint (415)
    if not hasattr(data, "get"):
        raise DomainError("请求内容应为一个 JSON 对象。", field_errors={"请求": "应为 JSON 对象。"})


def text_field(**kwargs) -> serializers.CharField:
    """An optional text input (the services clean and check it): the one shape most API inputs share."""
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


def transition_input(workflow, name: str) -> type[serializers.Serializer]:
    """The input serializer of a workflow's transitions: action, version, reason and every field a row asks for."""
    names = {"reason"} | {f for t in workflow.transitions.values() for f in t.fields}
    fields: dict[str, Any] = {field: text_field(allow_null=True) for field in sorted(names)}
    fields["action"] = serializers.CharField()
    fields["version"] = serializers.JSONField(required=False, allow_null=True)
    return type(name, (serializers.Serializer,), fields)


def _view_perm(cls) -> dict[str, str]:
    access = cls.access
    return {"GET": access.actions["view"]} if access is not None else {}


class RecordDetail(Endpoint):
    """GET one record through the policy (404 outside scope), serialised with ``out``; the permission is the
    policy's "view" permission and the OpenAPI description is derived from ``summary`` and ``out`` once, here."""

    out: ClassVar[Any] = None
    summary: ClassVar[str] = ""
    # PATCH (optional): ``edit_in`` validates the body, ``edit_service(actor=, <edit_kw>=record, **data)`` writes.
    edit_in: ClassVar[Any] = None
    edit_service: ClassVar[Any] = None
    edit_kw: ClassVar[str] = ""
    edit_summary: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.perms:
            cls.perms = _view_perm(cls)

        def get(self, request, pk):
            return self.respond(self.get_object(pk))

        def patch(self, request, pk):
            record = self.get_object(pk)
            data = self.validated(self.edit_in)
            return self.respond(type(self).edit_service(actor=request.user, **{self.edit_kw: record}, **data))

        if cls.out is not None and "get" not in cls.__dict__:
            cls.get = extend_schema(summary=cls.summary, responses=cls.out)(get)
        if cls.edit_in is not None and "patch" not in cls.__dict__:
            cls.patch = extend_schema(summary=cls.edit_summary, request=cls.edit_in, responses=cls.out)(patch)

    def respond(self, record, status: int = 200) -> Response:
        return Response(self.out(record, context={"user": self.request.user}).data, status=status)


class TransitionEndpoint(Endpoint):
    """POST {"action": name, "version": n, ...the row's fields}: one workflow transition through its service.

    A subclass names its ``access`` policy, ``workflow``, ``service``, ``id_kw``, ``out`` serializer and ``summary``;
    the input serializer and the OpenAPI description are derived from the table once, here. Which transitions a
    user may run is the workflow table's business (``Workflow.run`` checks each row's permission)."""

    workflow: ClassVar[Any] = None
    service: ClassVar[Any] = None
    id_kw: ClassVar[str] = ""
    out: ClassVar[Any] = None
    summary: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.workflow is None:
            return
        if not cls.perms:
            cls.perms = {"POST": _view_perm(cls).get("GET")}
        cls.input_class = transition_input(cls.workflow, cls.__name__ + "In")

        def post(self, request, pk):
            return self.run(request, pk)

        summary = f"{cls.summary}：action = " + " / ".join(cls.workflow.transitions)
        cls.post = extend_schema(summary=summary, request=cls.input_class, responses=cls.out)(post)

    def run(self, request, pk):
        obj = self.get_object(pk)
        data = self.validated(self.input_class)
        name = data.pop("action")
        fields = set(self.workflow.get(name).fields) | {"reason"}
        kwargs = {k: v for k, v in data.items() if k in fields and v is not None}
        obj = type(self).service(actor=request.user, name=name, version=data.get("version"),
                                 **{self.id_kw: obj.pk}, **self.attachments(request), **kwargs)
        return Response(self.out(obj, context={"user": request.user}).data)

    def attachments(self, request) -> dict:
        uploads = request.FILES.getlist("files")
        return {"attachments": uploads} if uploads else {}


class PublicEndpoint(Endpoint):
    """An endpoint for residents (no account). ``rate_limit = ("scope", limit, window_seconds)`` per client."""

    permission_classes = [AllowAny]
    rate_limit: ClassVar[tuple[str, int, int] | None] = None
    rate_limit_methods: ClassVar[tuple[str, ...]] = ("POST",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.rate_limit and request.method in self.rate_limit_methods:
            scope, limit, window = self.rate_limit
            if not ratelimit.allow_request(request._request, scope, limit=limit, window=window):
                raise TooMany(ratelimit.MESSAGE)


class TooMany(DomainError):
    status_code = 429

    def __init__(self, message: str = "请求过于频繁，请稍后再试。", **kwargs):
        super().__init__(message, code="rate_limited", **kwargs)


class OkSerializer(serializers.Serializer):
    """Schema for answers that only confirm."""

    ok = serializers.BooleanField()


_FIELD_FOR_TYPE = {int: serializers.IntegerField, str: serializers.CharField, bool: serializers.BooleanField,
                   datetime.date: serializers.DateField, datetime.time: serializers.TimeField,
                   datetime.datetime: serializers.DateTimeField}


def shape(name: str, /, *, base: type[serializers.Serializer] = serializers.Serializer, **fields) -> type:
    """A serializer declared by its fields' Python types, in order: ``shape("JobOut", id=int, status=str)``; ``int``,
    ``str``, ``bool`` and the ``datetime`` types stand for DRF's plain field (required on input); a serializer field
    is taken as given. For answers that are not one model row (a dict, a dataclass) and simple
    input; a model row is a ``ModelOut``."""
    # every field made here, in order: DRF orders declared fields by when they were made (copies are made anew)
    declared = {key: _FIELD_FOR_TYPE[value]() if isinstance(value, type) else copy.deepcopy(value)
                for key, value in fields.items()}
    module = sys._getframe(1).f_globals.get("__name__", __name__)  # the caller's, as collections.namedtuple does
    return type(name, (base,), {"__module__": module, **declared})


def each(names: str, field) -> dict:
    """The same field under each of the space-separated ``names``, for ``shape(..., **each("title body", text()))``
    (``shape`` makes each its own copy)."""
    return dict.fromkeys(names.split(), field)


class ModelOut(serializers.ModelSerializer):
    """A record as the API shows it, from ``Meta.model`` and the names in ``Meta.fields`` alone:

    - a model field as DRF's ``ModelSerializer`` maps it (a relation: the related record's id);
    - ``<field>_label``: the Chinese label of a field with choices (``get_<field>_display``);
    - ``<relation>_name``: the related record's ``name`` (left out when there is none).

    A model attribute of the same name (a property) is shown as it is instead. Declare a field on the class for
    anything else (another source, a method, a nested record)."""

    def build_unknown_field(self, field_name, model_class):
        base, _, suffix = field_name.rpartition("_")
        if suffix == "label" and hasattr(model_class, f"get_{base}_display"):
            return serializers.CharField, {"source": f"get_{base}_display", "read_only": True}
        relation = getattr(model_class, base, None)
        if suffix == "name" and getattr(getattr(relation, "field", None), "is_relation", False):
            return serializers.CharField, {"source": f"{base}.name", "read_only": True}
        return super().build_unknown_field(field_name, model_class)


def model_out(name: str, model, fields, /, *, base: type | tuple[type, ...] = ModelOut) -> type:
    """A ``ModelOut`` named ``name`` that shows ``model``'s ``fields`` and nothing else: the whole declaration of a
    record shown as it is (``base``: a mixin such as ``MaskPersonalNumbers`` before ``ModelOut``, or a subclass)."""
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    module = sys._getframe(1).f_globals.get("__name__", __name__)
    return type(name, base if isinstance(base, tuple) else (base,), {"__module__": module, "Meta": meta})


class RecordList(Endpoint):
    """A collection route: GET lists, POST (optional) creates.

    GET pages ``selector(user=, filters=query parameters)`` — the app's scoped read — with the ``row`` serializer
    (``out`` when no ``row`` is named). A subclass that names ``create_in`` answers POST: the body is checked by it,
    ``create(data)`` makes one service call (``self.request`` is at hand) and returns the record, answered 201 with
    ``out``. Without ``perms``, GET needs the policy's "view" permission and POST its ``create_action``
    permission. The OpenAPI descriptions come from ``summary`` / ``create_summary`` (and ``tags``), derived once,
    here; a subclass may still write its own ``get``/``post``."""

    selector: ClassVar[Any] = None
    row: ClassVar[Any] = None
    out: ClassVar[Any] = None
    summary: ClassVar[str] = ""
    create_in: ClassVar[Any] = None
    create_summary: ClassVar[str] = ""
    create_action: ClassVar[str] = "manage"
    tags: ClassVar[list[str] | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.perms:
            cls.perms = _view_perm(cls)
            if cls.create_in is not None and cls.access is not None:
                cls.perms["POST"] = cls.access.actions[cls.create_action]
        extra = {"tags": cls.tags} if cls.tags else {}
        row = cls.row or cls.out

        def get(self, request):
            rows = type(self).selector(user=request.user, filters=request.query_params)
            return self.page(rows, self.row or self.out, context={"user": request.user})

        def post(self, request):
            record = self.create(self.validated(self.create_in))
            return Response(self.out(record, context={"user": request.user}).data, status=201)

        if cls.selector is not None and row is not None and "get" not in cls.__dict__:
            cls.get = extend_schema(summary=cls.summary, responses=row(many=True), **extra)(get)
        if cls.create_in is not None and cls.out is not None and "post" not in cls.__dict__:
            cls.post = extend_schema(summary=cls.create_summary, request=cls.create_in, responses={201: cls.out},
                                     **extra)(post)

    def create(self, data: dict):
        """One service call with the checked body; returns the new record (as ``out`` should show it)."""
        raise NotImplementedError


class RecordEdit(RecordDetail):
    """``RecordDetail`` plus PUT: the record through the policy for ``edit_action`` (outside scope 404, visible but
    not allowed 403), the body checked by ``edit_input``, one service call in ``edit(record, data)``, and the record
    read again and answered like GET. Without a PUT entry in ``perms`` it needs the policy's ``edit_action``
    permission; the OpenAPI description comes from ``edit_summary``."""

    edit_input: ClassVar[Any] = None
    edit_action: ClassVar[str] = "manage"
    edit_summary: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.edit_input is None:
            return
        if "PUT" not in cls.perms and cls.access is not None:
            cls.perms = {**cls.perms, "PUT": cls.access.actions[cls.edit_action]}

        def put(self, request, pk):
            self.edit(self.get_object(pk, self.edit_action), self.validated(self.edit_input))
            return self.get(request, pk)

        if "put" not in cls.__dict__:
            cls.put = extend_schema(summary=cls.edit_summary, request=cls.edit_input, responses=cls.out)(put)

    def edit(self, record, data: dict) -> None:
        """One service call that changes ``record`` with the checked body."""
        raise NotImplementedError


class ListCreateEndpoint(RecordList):
    """A ``RecordList`` whose new record is filed under a node the body may name: ``node_for(user, create_perm,
    node_id)`` (inside the user's scope, or the user's own), then ``create_at(node, data)`` — by default
    ``create_service(actor=, node=, **data)``. Without ``perms``: GET needs ``view_perm``, POST ``create_perm``."""

    view_perm: ClassVar[str] = ""
    create_perm: ClassVar[str] = ""
    create_service: ClassVar[Any] = None
    node_for: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs):
        if cls.selector is not None and not cls.perms and cls.view_perm:
            cls.perms = {"GET": cls.view_perm, **({"POST": cls.create_perm} if cls.create_in else {})}
        super().__init_subclass__(**kwargs)

    def create(self, data: dict):
        node = type(self).node_for(self.request.user, self.create_perm, data.pop("node", None))
        return self.create_at(node, data)

    def create_at(self, node, data: dict):
        return type(self).create_service(actor=self.request.user, node=node, **data)


class RecordAction(Endpoint):
    """One write on one record: the record (URL ``pk``) through ``access`` for ``action`` (404 outside scope, 403
    without the action), the body checked by ``input`` (400, nothing written), ``act(obj, data)`` runs one service,
    and ``answer(result)`` (by default ``out`` of it) is the response, with ``status`` (200, or 201 where the write
    adds a row). ``method`` is "post" or "patch"; without ``perms`` the permission is the policy's for ``action``.
    The OpenAPI description comes from ``summary``, ``input`` and ``responses`` (else ``out``), and ``tags``. Other
    URL parameters (a sub-record's id) are in ``self.kwargs``."""

    action: ClassVar[str] = "view"
    input: ClassVar[Any] = None
    out: ClassVar[Any] = None
    responses: ClassVar[Any] = None
    summary: ClassVar[str] = ""
    status: ClassVar[int] = 200
    method: ClassVar[str] = "post"
    tags: ClassVar[list[str] | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.input is None or cls.access is None or cls.method in cls.__dict__:
            return
        cls.perms = cls.perms or {cls.method.upper(): cls.access.actions[cls.action]}
        from drf_spectacular.types import OpenApiTypes

        def write(self, request, pk, **_):
            result = self.act(self.get_object(pk, self.action), self.validated(self.input))
            return Response(self.answer(result), status=self.status)

        extra = {"tags": cls.tags} if cls.tags else {}
        schema = extend_schema(summary=cls.summary, request=cls.input,
                               responses=cls.responses or cls.out or OpenApiTypes.OBJECT, **extra)
        setattr(cls, cls.method, schema(write))

    def act(self, obj, data: dict):
        raise NotImplementedError

    def answer(self, result) -> dict:
        return self.out(result, context={"user": self.request.user}).data


class RecordFileEndpoint(Endpoint):
    """GET a document made from one record (a letter, a .docx, an archive): the record through ``access`` (404
    outside scope), ``document(obj)`` returns ``(content, filename, content_type)``; the permission is the policy's
    "view"; ``content_type`` and ``summary`` describe it in the OpenAPI schema."""

    summary: ClassVar[str] = ""
    content_type: ClassVar[str] = "application/octet-stream"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.access is None:
            return
        cls.perms = cls.perms or _view_perm(cls)

        def get(self, request, pk):
            return ui.file_response(*self.document(self.get_object(pk)))

        from drf_spectacular.types import OpenApiTypes

        cls.get = extend_schema(summary=cls.summary, responses={(200, cls.content_type): OpenApiTypes.BINARY})(get)

    def document(self, obj) -> tuple[bytes, str, str]:
        raise NotImplementedError


class Routes:
    """An app's API routes, declared on the endpoints themselves instead of in a list at the end of ``api.py``::

        routes = Routes()

        @routes("<int:pk>/", "api_disputes_detail")
        class DisputeDetail(RecordDetail): ...

        urlpatterns = routes.urlpatterns

    The decorator takes an endpoint class or a function view (``@api_view``) and returns it unchanged; ``add`` files
    a view defined elsewhere. The patterns keep the order in which they were declared (the first match wins)."""

    def __init__(self):
        self.urlpatterns: list = []

    def __call__(self, route: str, name: str):
        def register(view):
            self.add(route, view, name)
            return view

        return register

    def add(self, route: str, view, name: str) -> None:
        self.urlpatterns.append(path(route, view.as_view() if isinstance(view, type) else view, name=name))
