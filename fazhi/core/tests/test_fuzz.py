"""The API fuzz test: every write route of the OpenAPI schema (generated in-process by drf-spectacular) gets a
deterministic sample of hostile bodies — a JSON list instead of an object, deeply nested JSON, numbers, lists and
objects where text is expected, 100k-character strings, NUL/control/bidi characters, dates 9999-12-31 and
0000-00-00, ids 1e30 and -1 — sent by the administrator of 稷下街道. Never a 5xx; after every request no stored
text field holds a control character. A failure lists route, payload and status.

Objects named in the URL come from the census makers (``fazhi/<app>/tests/census.py``), so the requests reach the
services instead of stopping at 404.
"""
from __future__ import annotations

import json
import random
import re
import uuid
import zlib

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import resolve, reverse

from fazhi.core.personal import EncryptedField
from fazhi.core.tests.test_census import OBJECT_KWARGS, makers

WRITE_METHODS = ("post", "put", "patch", "delete")
PER_ROUTE = 5  # payloads per route and method beyond the whole-body ones, sampled deterministically
# what no stored text may contain (TAB, LF and CR are allowed); PostgreSQL cannot store NUL, SQLite can
_PG_CLASS = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
_CONTROL_CLASS = "[\x00" + _PG_CLASS[1:]
_CONTROL = re.compile(_CONTROL_CLASS)

HUGE = "长" * 100_000
NASTY = "标题\x00\x07\x1b[31m\u202e\u2066控制\ufeff\u200b"
DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000


def _schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _deref(schema, components):
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 10:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
        seen += 1
    if isinstance(schema, dict) and "allOf" in schema and schema["allOf"]:
        return _deref(schema["allOf"][0], components)
    return schema if isinstance(schema, dict) else {}


def _properties(operation, components):
    """(content type, {name: property schema}) of the operation's body."""
    content = (operation.get("requestBody") or {}).get("content") or {}
    for media in ("application/json", "multipart/form-data", "application/x-www-form-urlencoded"):
        if media in content:
            schema = _deref(content[media].get("schema") or {}, components)
            props = {k: _deref(v, components) for k, v in (schema.get("properties") or {}).items()}
            return media, {k: v for k, v in props.items() if not v.get("readOnly")}
    return "application/json", {}


def _plausible(prop):
    kind, fmt = prop.get("type"), prop.get("format")
    if prop.get("enum"):
        return prop["enum"][0]
    if fmt == "date":
        return "2024-05-06"
    if fmt == "date-time":
        return "2024-05-06T09:30:00+08:00"
    return {"integer": 1, "number": 1, "boolean": True, "array": [], "object": {}}.get(kind, "测试内容")


def _field_mutations(name, prop):
    kind, fmt = prop.get("type"), prop.get("format")
    out = [[], {"嵌套": {"更深": [1, 2]}}, None, True]
    if kind in ("string", None) and fmt not in ("date", "date-time", "binary"):
        out += [HUGE, NASTY, 12345, 1e30, ["列表", "值"], "=HYPERLINK(\"http://x\")"]
    if fmt in ("date", "date-time"):
        out += ["9999-12-31", "0000-00-00", "2024-02-30", 20240101, "2024-05-06\x00"]
    if kind in ("integer", "number") or name.endswith(("id", "_pk", "node", "village", "user")):
        out += [1e30, -1, "1e30", 10**30, "１２", float("1e308"), "NaN"]
    if kind == "array":
        out += ["不是列表", [[[[]]]], [NASTY] * 3, [{"x": NASTY}]]
    return [(f"{name}={_short(v)}", name, v) for v in out]


def _short(value):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return (text[:40] + f"…（{len(text)}字）") if len(text) > 40 else text


def _corpus(props):
    base = {name: _plausible(prop) for name, prop in props.items()}
    whole = [("JSON 列表", None, json.dumps([base])), ("JSON 字符串", None, json.dumps("文本")),
             ("JSON 数字", None, "1e30"), ("null", None, "null"), ("深层嵌套列表", None, DEEP),
             ("深层嵌套对象", None, DEEP_OBJECT), ("残缺 JSON", None, '{"a": '),
             ("所有字段为控制字符", None, json.dumps({k: NASTY for k in props} or {"title": NASTY})),
             ("所有字段为超长文字", None, json.dumps({k: HUGE for k in props} or {"title": HUGE}))]
    fields = []
    for name, prop in props.items():
        for label, key, value in _field_mutations(name, prop):
            fields.append((label, key, json.dumps({**base, key: value}, ensure_ascii=False)))
    return whole, fields


def _view_class(func):
    return getattr(func, "view_class", None) or getattr(func, "cls", None)


def _model_for(func):
    cls = _view_class(func)
    for holder in (cls, func):
        model = getattr(holder, "census_model", None) if holder is not None else None
        if model is not None:
            return model
    access = getattr(cls, "access", None) if cls is not None else None
    return access.model if access is not None else None


def _url(path, operation, registry, tree, users, cache):
    """The concrete URL for ``path`` with ids of objects the admin of 稷下街道 can see (or 1 when unknown)."""
    placeholder = re.sub(r"\{[^}]+\}", "1", path)
    try:
        match = resolve(placeholder)
    except Exception:
        return None
    model = _model_for(match.func)
    obj = None
    if model is not None and model in registry:
        if model not in cache:
            cache[model] = registry[model](tree, users)
        obj = cache[model]
    cls = _view_class(match.func)
    extra = dict(getattr(cls, "census_kwargs", None) or getattr(match.func, "census_kwargs", None) or {})
    kwargs = {}
    for name, value in match.kwargs.items():
        if name in extra:
            kwargs[name] = extra[name]
        elif name == "uuid":
            kwargs[name] = getattr(obj, "uuid", uuid.uuid4())
        elif name in OBJECT_KWARGS and obj is not None:
            kwargs[name] = obj.pk
        else:
            kwargs[name] = value
    try:
        return reverse(match.view_name, kwargs=kwargs)
    except Exception:
        return placeholder


def _text_models():
    out = []
    for model in apps.get_models():
        if not model.__module__.startswith("fazhi."):
            continue
        # encrypted personal numbers hold base64 ciphertext (their plain values pass the phone/ID validators)
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
                  and not isinstance(f, EncryptedField)]
        if fields:
            out.append((model, fields))
    return out


def _stored_controls(text_models, vendor):
    found = []
    pattern = _PG_CLASS if vendor == "postgresql" else _CONTROL_CLASS
    for model, fields in text_models:
        query = models.Q()
        for name in fields:
            query |= models.Q(**{f"{name}__regex": pattern})
        for row in model._base_manager.filter(query).values("pk", *fields)[:3]:
            bad = [k for k, v in row.items() if isinstance(v, str) and _CONTROL.search(v)]
            found.append(f"{model._meta.label}#{row['pk']} {bad}")
    return found


def _writes_so_far(connection):
    """A number that grows whenever a row is written (so a request that stored nothing needs no scan)."""
    if connection.vendor == "sqlite":
        return connection.connection.total_changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_xact_user_tables")
            return cursor.fetchone()[0]
    return None


def _write_operations():
    schema = _schema()
    components = schema.get("components", {}).get("schemas", {})
    ops = []
    for path, item in sorted(schema.get("paths", {}).items()):
        for method in WRITE_METHODS:
            if method in item:
                ops.append((path, method, item[method]))
    # deletes last, so objects removed by one route do not starve the others
    ops.sort(key=lambda op: (op[1] == "delete", op[0], op[1]))
    return ops, components


@pytest.mark.django_db
def test_every_api_write_route_survives_the_corpus(tree, users, django_db_blocker):
    from django.db import connection

    ops, components = _write_operations()
    assert len(ops) >= 5, "the schema lists almost no write routes"
    registry = makers()
    client = Client(raise_request_exception=False)
    client.force_login(users.sub_admin)
    text_models = _text_models()
    failures, cache, sent = [], {}, 0
    last_writes = _writes_so_far(connection)
    for path, method, operation in ops:
        url = _url(path, operation, registry, tree, users, cache)
        if url is None:
            failures.append(f"{method.upper()} {path}: the schema path does not resolve")
            continue
        media, props = _properties(operation, components)
        whole, fields = _corpus(props)
        rng = random.Random(zlib.crc32(f"{method} {path}".encode()))
        sample = whole + rng.sample(fields, min(len(fields), PER_ROUTE))
        if method == "delete":
            sample = sample[:3]
        for label, key, body in sample:
            sid = transaction.savepoint()
            if media == "multipart/form-data" and key is not None:
                value = json.loads(body)[key]
                data = {key: value if isinstance(value, str) else json.dumps(value)}
                response = getattr(client, method)(url, data=data) if method == "post" else \
                    getattr(client, method)(url, data=json.dumps(data), content_type="application/json")
            else:
                response = getattr(client, method)(url, data=body, content_type="application/json")
            sent += 1
            if response.status_code >= 500:
                transaction.savepoint_rollback(sid)
                failures.append(f"{method.upper()} {url} [{label}] → {response.status_code}")
                continue
            transaction.savepoint_commit(sid)
            writes = _writes_so_far(connection)
            if writes is not None and writes == last_writes:
                continue
            last_writes = writes
            stored = _stored_controls(text_models, connection.vendor)
            if stored:
                failures.append(f"{method.upper()} {url} [{label}] → {response.status_code}, 存入了控制字符：{stored}")
                break  # one report per route; the rows stay dirty
    assert sent > 0
    assert not failures, f"{len(failures)} 个请求失败（共 {sent} 个）：\n" + "\n".join(failures)


@pytest.mark.django_db
def test_the_stored_text_scan_sees_a_control_character(tree):
    """The check above can fail: a row written around the services is found."""
    from django.db import connection

    from fazhi.core.models import OrgNode

    assert _stored_controls(_text_models(), connection.vendor) == []
    OrgNode.objects.filter(pk=tree.liu.pk).update(name="刘家\u202e村")
    assert any(f"core.OrgNode#{tree.liu.pk}" in row for row in _stored_controls(_text_models(), connection.vendor))


def test_deep_json_is_a_chinese_400(client):
    response = client.post("/api/disputes/public/track/", data=DEEP, content_type="application/json")
    assert response.status_code == 400
