"""Retention of personal data (个人信息保护法第十九条、第四十七条): after a record type's retention period, the
personal data of its closed records is pseudonymised — ID and phone numbers and addresses removed, names cut to the
surname — while the record itself (what happened, when, how it ended) stays for statistics and the archive.

The periods are data: one ``RetentionRule`` row per record type (code, years, legal basis), installed by the app's
data migration and editable by an installation administrator. Each app declares ``retention`` in ``provides`` and
registers the record type's handler::

    @retention.register("disputes.closed")
    class ClosedDisputes:
        label = "已办结的矛盾纠纷"
        def candidates(self, cutoff): ...   # closed on or before cutoff, scoped to nothing (a system task)
        def pseudonymise(self, obj): ...    # clears the fields, saves; returns the labels of what it changed

``manage.py apply_retention`` (daily, see deploy/) runs every active rule; ``--dry-run`` runs exactly the same code
in a transaction that is rolled back and reports what would change. Each record changed writes an audit event
(action ``pseudonymise``, which fields, under which rule) — the deletion log; the values removed are never logged.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models, transaction

from . import audit, clock
from .modelbases import LegalRule

ACTOR = "系统（个人信息保存期限）"


class RetentionRule(LegalRule):
    class Action(models.TextChoices):
        PSEUDONYMISE = "pseudonymise", "去标识化（删除证件号、电话、住址，姓名只留姓）"

    code = models.CharField("记录类型代码", max_length=80, unique=True)
    label = models.CharField("记录类型", max_length=100)
    years = models.PositiveSmallIntegerField("保存期限（年）", help_text="自办结之日起计算")
    action = models.CharField("到期处理", max_length=20, choices=Action.choices, default=Action.PSEUDONYMISE)
    is_active = models.BooleanField("启用", default=True)

    class Meta(LegalRule.Meta):
        verbose_name = verbose_name_plural = "个人信息保存期限"

    def __str__(self):
        return f"{self.label}（{self.years}年）"

    def cutoff(self, today: datetime.date | None = None) -> datetime.date:
        """Records closed on or before this day are past the period."""
        today = today or clock.today()
        try:
            return today.replace(year=today.year - self.years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - self.years, day=28)


class Handler(Protocol):
    label: str

    def candidates(self, cutoff: datetime.date) -> Iterable[models.Model]: ...

    def pseudonymise(self, obj: models.Model) -> list[str]: ...


_handlers: dict[str, Handler] = {}


def register(code: str):
    """Class decorator: the handler of the record type ``code`` (instantiated once)."""

    def wrap(cls):
        _handlers[code] = cls()
        return cls

    return wrap


def handlers() -> dict[str, Handler]:
    from .domain import providers

    providers("retention")  # import every app's retention module once
    return dict(_handlers)


@dataclass
class Outcome:
    rule: RetentionRule
    cutoff: datetime.date
    records: int = 0
    fields: dict[str, int] = field(default_factory=dict)
    missing_handler: bool = False


class _DryRun(Exception):
    pass


def apply(*, dry_run: bool = False, codes: Iterable[str] | None = None, today: datetime.date | None = None) -> list[Outcome]:
    """Run every active rule (or ``codes``); returns what was (or, dry run, would be) pseudonymised."""
    known = handlers()
    rules = RetentionRule.objects.filter(is_active=True)
    if codes:
        rules = rules.filter(code__in=list(codes))
    outcomes = []
    for rule in rules:
        outcome = Outcome(rule=rule, cutoff=rule.cutoff(today))
        outcomes.append(outcome)
        handler = known.get(rule.code)
        if handler is None:
            outcome.missing_handler = True
            continue
        try:
            with transaction.atomic():
                for obj in handler.candidates(outcome.cutoff):
                    changed = handler.pseudonymise(obj)
                    if not changed:
                        continue
                    outcome.records += 1
                    for label in changed:
                        outcome.fields[label] = outcome.fields.get(label, 0) + 1
                    audit.record(actor=ACTOR, action="pseudonymise", action_label="个人信息到期去标识化", obj=obj,
                                 changes={"已去标识化": changed, "规则": rule.code, "保存期限（年）": rule.years},
                                 reason=f"{rule.label}保存期限（{rule.years}年）届满：{rule.legal_basis}"[:500])
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return outcomes


def describe(outcome: Outcome, *, dry_run: bool) -> str:
    rule = outcome.rule
    head = f"{rule.label}（{rule.code}，{rule.years}年，{outcome.cutoff:%Y-%m-%d}及以前办结）"
    if outcome.missing_handler:
        return f"{head}：没有模块处理此记录类型，已跳过。"
    verb = "将去标识化" if dry_run else "已去标识化"
    if not outcome.records:
        return f"{head}：没有到期的个人信息。"
    detail = "、".join(f"{label} {count} 条" for label, count in outcome.fields.items())
    return f"{head}：{verb} {outcome.records} 条记录（{detail}）。"


def initial(name: str, *, is_organisation: bool = False) -> str:
    """A personal name cut to its surname and one mark per remaining character (张三丰 → 张**)."""
    from .masking import mask_name

    return mask_name(name, is_organisation=is_organisation)


def clear(obj: Any, names: dict[str, str]) -> list[str]:
    """Empty each attribute in ``names`` ({attr: label}) that still holds something; the labels of those emptied."""
    changed = []
    for attr, label in names.items():
        if getattr(obj, attr):
            setattr(obj, attr, "")
            changed.append(label)
    return changed
