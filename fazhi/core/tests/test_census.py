"""The route census: every URL pattern and API route that takes an object id answers 404 — and shows no data — to a
user of another subdistrict, and never shows the object to a user of another village.

How a route is covered (a new route without coverage fails ``test_every_object_route_is_covered``):
- a class-based view built on ``core.endpoints.Endpoint`` / ``core.pages.Page`` names its model's policy in
  ``access``; the census makes an object of that model in 稷下街道/刘家村 through the app's maker;
- any other view (or one whose id is not its ``access`` model's) sets ``census_model = Model`` on the view class
  (or function); routes whose id is not a scoped object set ``census_skip = "why"``;
- extra URL arguments (a document kind…) come from ``census_kwargs = {"kind": "agreement"}``;
- makers live in ``fazhi/<app>/tests/census.py`` as ``MAKERS = {Model: fn(tree, users) -> obj}``.
"""
from __future__ import annotations

import importlib
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from fazhi.core.domain import domain_apps

OBJECT_KWARGS = {"pk", "id", "case_pk", "dispute_pk", "item_pk", "request_pk", "report_pk", "job_pk", "step_pk",
                 "booking_pk", "node_pk", "uuid"}
PUBLIC_PREFIXES = ("mediation/", "enforcement/", "legal/", "publicity/", "open/", "reports/", "")


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _view_attr(pattern, name, default=None):
    callback = pattern.callback
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    for holder in (cls, callback):
        if holder is not None and hasattr(holder, name):
            return getattr(holder, name)
    initkwargs = getattr(callback, "view_initkwargs", None) or {}
    return initkwargs.get(name, default)


def _is_public(pattern):
    cls = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if cls is not None and getattr(cls, "login_required", True) is False:
        return True
    from rest_framework.permissions import AllowAny

    if cls is not None and any(p is AllowAny for p in getattr(cls, "permission_classes", [])):
        return True
    return bool(_view_attr(pattern, "census_public", False))


def object_routes():
    """(route, pattern) for every route whose URL carries an object id."""
    out = []
    for route, pattern in _walk(get_resolver()):
        if route.startswith("admin/"):
            continue
        names = set(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else set()
        if names & OBJECT_KWARGS:
            out.append((route, pattern))
    return out


def _model_of(pattern):
    model = _view_attr(pattern, "census_model")
    if model is not None:
        return model
    access = _view_attr(pattern, "access")
    return access.model if access is not None else None


def makers():
    registry = {}
    for config in domain_apps():
        try:
            module = importlib.import_module(f"{config.name}.tests.census")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.census":
                raise
            continue
        registry.update(module.MAKERS)
    from . import census as core_census

    registry.update(core_census.MAKERS)
    return registry


def test_every_object_route_is_covered():
    registry = makers()
    missing = []
    for route, pattern in object_routes():
        if _view_attr(pattern, "census_skip"):
            continue
        model = _model_of(pattern)
        if model is None:
            missing.append(f"{route} (no access policy / census_model)")
        elif model not in registry:
            missing.append(f"{route} (no census maker for {model.__name__})")
    assert not missing, "routes not covered by the census:\n" + "\n".join(missing)


def _url(route, pattern, obj):
    kwargs = dict(_view_attr(pattern, "census_kwargs", {}) or {})
    for name in pattern.pattern.converters:
        if name in kwargs:
            continue
        if name == "uuid":
            kwargs[name] = getattr(obj, "uuid", uuid.uuid4())
        elif name in OBJECT_KWARGS:
            kwargs[name] = obj.pk
        else:
            raise AssertionError(f"{route}: give census_kwargs for {name!r}")
    from django.urls import reverse

    return reverse(_full_name(pattern, route), kwargs=kwargs)


def _full_name(pattern, route):
    for name, candidates in _names().items():
        if pattern in candidates:
            return name
    raise AssertionError(f"{route}: the route needs a name")


_NAMES = None


def _names():
    global _NAMES
    if _NAMES is None:
        _NAMES = {}

        def walk(resolver, ns):
            for entry in resolver.url_patterns:
                if isinstance(entry, URLResolver):
                    walk(entry, ns + [entry.namespace] if entry.namespace else ns)
                elif entry.name:
                    _NAMES.setdefault(":".join(ns + [entry.name]), []).append(entry)

        walk(get_resolver(), [])
    return _NAMES


def _secrets(obj):
    """Strings that would show the object leaked: its display text when distinctive."""
    text = str(obj)
    return [text] if len(text) >= 4 else []


@pytest.mark.django_db
def test_another_subdistrict_and_another_village_get_404_and_no_data(tree, users, client_for, api_for):
    registry = makers()
    failures = []
    checked = 0
    for route, pattern in object_routes():
        if _view_attr(pattern, "census_skip"):
            continue
        model = _model_of(pattern)
        maker = registry.get(model)
        if maker is None:
            continue  # reported by test_every_object_route_is_covered
        obj = maker(tree, users)
        url = _url(route, pattern, obj)
        public = _is_public(pattern)
        methods = _methods(pattern)
        for label, user, strict in (("其他街道管理员", users.other_admin, True),
                                    ("其他村调解员", users.mediator_yang, False)):
            if public:
                continue
            client = api_for(user) if route.startswith("api/") else client_for(user)
            for method in methods:
                response = getattr(client, method.lower())(url, {}, format="json") if route.startswith("api/") \
                    else getattr(client, method.lower())(url)
                checked += 1
                body = response.content.decode(errors="replace") if response.get("Content-Type", "").startswith(
                    ("text/", "application/json")) else ""
                ok = response.status_code == 404 if strict else response.status_code in (403, 404)
                if not ok:
                    failures.append(f"{method} {url} as {label}: {response.status_code}")
                leaked = [s for s in _secrets(obj) if s in body]
                if leaked:
                    failures.append(f"{method} {url} as {label}: shows {leaked}")
    assert checked > 0
    assert not failures, "\n".join(failures)


def _methods(pattern):
    cls = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if cls is None:
        return ["GET"]
    allowed = [m.upper() for m in getattr(cls, "http_method_names", []) if hasattr(cls, m) and m not in ("options", "head")]
    return [m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m in allowed] or ["GET"]
