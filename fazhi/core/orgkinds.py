"""The organisation tree's kinds as data (``OrgKind`` rows), cached per process.

Code asks ``orgkinds.get(code).level`` / ``codes(is_tenant=True)`` or, better, the node itself (``node.level``,
``node.is_tenant``, ``node.tenant()``). A deployment adds a 乡镇 or a separate 社区 as rows, not as code.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

DISTRICT, TENANT, VILLAGE, GRID = 1, 2, 3, 4


@dataclass(frozen=True)
class KindInfo:
    code: str
    label: str
    level: int
    is_tenant: bool
    hosts_reports: bool
    dispute_level: str
    is_default: bool


_cache: dict[str, KindInfo] | None = None


def _load() -> dict[str, KindInfo]:
    global _cache
    if _cache is None:
        from .models import OrgKind

        _cache = {
            k.code: KindInfo(k.code, k.label, k.level, k.is_tenant, k.hosts_reports, k.dispute_level, k.is_default)
            for k in OrgKind.objects.all()
        }
    return _cache


def clear_cache(**_kwargs) -> None:
    global _cache
    _cache = None


def get(code: str) -> KindInfo:
    info = _load().get(code)
    if info is None:
        clear_cache()
        info = _load().get(code)
    if info is None:
        return KindInfo(code, code, GRID, False, False, "", False)
    return info


def all_kinds() -> list[KindInfo]:
    return sorted(_load().values(), key=lambda k: (k.level, not k.is_default, k.code))


def codes(*, level: int | None = None, is_tenant: bool | None = None, hosts_reports: bool | None = None,
          dispute_level: str | None = None) -> list[str]:
    out = []
    for k in all_kinds():
        if level is not None and k.level != level:
            continue
        if is_tenant is not None and k.is_tenant != is_tenant:
            continue
        if hosts_reports is not None and k.hosts_reports != hosts_reports:
            continue
        if dispute_level is not None and k.dispute_level != dispute_level:
            continue
        out.append(k.code)
    return out


def default_code(level: int) -> str | None:
    kinds = [k for k in all_kinds() if k.level == level]
    if not kinds:
        return None
    return next((k.code for k in kinds if k.is_default), kinds[0].code)


def child_codes(parent_code: str | None) -> list[str]:
    """The kinds a child of a node of ``parent_code`` may have (one level down); at the top: district or tenant."""
    if parent_code is None:
        return codes(level=DISTRICT) + codes(is_tenant=True)
    return codes(level=get(parent_code).level + 1)


def choices(level: int | None = None) -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in all_kinds() if level is None or k.level == level]


def _connect() -> None:
    from .models import OrgKind

    post_save.connect(clear_cache, sender=OrgKind, dispatch_uid="orgkinds-save")
    post_delete.connect(clear_cache, sender=OrgKind, dispatch_uid="orgkinds-delete")
