"""The public crawl: the demo (loaded through the services), with personal numbers written the ways residents
write them injected into the free-text fields of every record, then every public page reachable from the public
home and its navigation (nothing under /work/, /api/, /admin/, /files/) and every public API GET route is
fetched: no page may show a phone number or an ID number. A failure lists URL and the numbers it shows.

Core's own rows (org tree, units, accounts) are left alone: they are not resident-written text. The variants are
written into the rows with ``QuerySet.update`` after the demo loaded through the services: the
point is what public views show of whatever got stored (older rows, imports), so it bypasses input checks.
"""
from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client

from fazhi.core.masking import personal_numbers_in
from fazhi.core.validators import make_id_number

VARIANTS = [" 电话139 1234 5678", " 手机139-1234-5678", " １３９１２３４５６７８", " 身份证 3703 0319 9001 0112 34",
            " 证件" + make_id_number("37030319900101123"), " 座机0533-7654321", " 370303199001011234"]
PRIVATE = ("/work/", "/api/", "/admin/", "/files/", "/static/", "/healthz")
SKIP_FIELDS = {"status", "kind", "code", "path", "slug", "token", "sha256", "content_type", "chain", "hash",
               "prev_hash", "tracking_code", "username", "password", "original_name", "email"}
MAX_PAGES = 600


def _inject():
    """Append one variant to every free-text field of every demo row (where it fits)."""
    n = 0
    for model in apps.get_models():
        if not model.__module__.startswith("fazhi.") or model._meta.app_label in ("core", "demo"):
            continue  # the org tree, units and accounts are not resident-written text
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField)) and not f.choices and not f.unique
                  and f.name not in SKIP_FIELDS and (f.max_length is None or f.max_length >= 40)
                  and not f.name.endswith(("_number", "phone", "_code"))]
        if not fields:
            continue
        for row in model._base_manager.values("pk", *[f.name for f in fields])[:200]:
            updates = {}
            for f in fields:
                value = row[f.name]
                if not isinstance(value, str) or not value.strip():
                    continue
                variant = VARIANTS[n % len(VARIANTS)]
                n += 1
                if f.max_length is None or len(value) + len(variant) <= f.max_length:
                    updates[f.name] = value + variant
            if updates:
                model._base_manager.filter(pk=row["pk"]).update(**updates)
    return n


def _public_api_urls():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [path for path, item in schema.get("paths", {}).items()
            if "get" in item and "{" not in path and "/public/" in path]


_HREF = re.compile(r'href="([^"#]+)"')


def _crawl(client):
    seen, out = set(), []
    queue = deque(["/"])
    from fazhi.portal.views import home  # noqa: F401  (the public nav is what the home page links)

    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        body = response.content.decode(errors="replace")
        out.append((url, body))
        for href in _HREF.findall(body):
            href, _ = urldefrag(html.unescape(href))
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/") or href.startswith(PRIVATE):
                continue
            if "text-size" in href or "export" in href or "download" in href:
                continue
            if href not in seen:
                queue.append(href)
    return out


@pytest.mark.django_db
def test_no_public_page_shows_a_personal_number():
    call_command("load_demo", quiet=True)
    assert _inject() > 0
    client = Client()
    pages = _crawl(client)
    assert len(pages) > 5, "the crawl reached almost no public page"
    for path in _public_api_urls():
        response = client.get(path)
        if response.status_code == 200:
            pages.append((path, response.content.decode(errors="replace")))
    from fazhi.core.masking import _digits, public_contacts

    published = public_contacts()  # office lines published on purpose (never the injected variants)
    assert not any(_digits(v) in published for v in VARIANTS)
    leaks = []
    for url, body in pages:
        text = html.unescape(re.sub(r"<[^>]+>", " ", body)) if not url.startswith("/api/") else body
        found = [n for n in personal_numbers_in(text) if _digits(n) not in published]
        if found:
            leaks.append(f"{url}: {found[:5]}")
    assert not leaks, f"{len(leaks)} 个公开页面显示了个人号码（共抓取 {len(pages)} 个）：\n" + "\n".join(leaks)
