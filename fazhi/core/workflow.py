"""A small declarative transition table shared by every domain's workflow.py, and the one transition runner.

Each domain declares its ``Transition``s once; its transition service calls ``workflow.run(...)``, which locks the
row, checks the table (state, permission, guard, reason, required fields), applies the row's target, lets the
domain's handler set side fields only, bumps the version and writes the audit event with before/after. The UI lists
``workflow.available`` — so a button never offers what the runner would refuse. UI buttons, API actions, ledger
imports and the demo all reach a state through ``run``; no service assigns the state field itself (a test checks).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from . import audit, clock, policy
from .errors import Conflict, DomainError, NotFound, TransitionNotAllowed


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str | None  # None: the state does not change (e.g. record a session)
    perm: str
    guard: object = None  # fn(obj, user) -> None | "why not" (Chinese)
    requires_reason: bool = False
    style: str = "primary"
    fields: tuple = field(default_factory=tuple)  # form fields the UI asks for
    required: tuple = field(default_factory=tuple)  # fields that must be filled (names, labels from ``labels``)
    is_public: bool = True  # shown on the resident's timeline


class Workflow:
    def __init__(self, transitions, *, state_field="status", state_labels=None, node_field="node",
                 view_perm=None, audit_fields=(), field_labels=None, on_enter=None, notify=None):
        self.transitions = {t.name: t for t in transitions}
        self.state_field = state_field
        self.state_labels = state_labels or {}
        self.node_field = node_field
        self.view_perm = view_perm  # who may see the row at all (refusal outside it is 404)
        self.audit_fields = tuple(audit_fields)  # fields whose before/after the audit event records
        self.field_labels = field_labels or {}
        self.on_enter = on_enter  # fn(obj, old_state, new_state): e.g. time-in-state spans
        # fn(workflow, obj, *, actor, transition, old_state) after a transition (not for imported history), e.g.
        # ``notifications.next_actors``: notifications are written after the commit
        self.notify = notify

    @property
    def states(self):
        out = set()
        for t in self.transitions.values():
            out.update(t.sources)
            if t.target is not None:
                out.add(t.target)
        return out

    def get(self, name):
        try:
            return self.transitions[name]
        except KeyError:
            raise TransitionNotAllowed(f"未知的操作“{name}”。")

    def state_label(self, state):
        return self.state_labels.get(state, state)

    def why_not(self, obj, user, name):
        """None if ``user`` may run transition ``name`` on ``obj`` now, else the reason (Chinese)."""
        t = self.get(name)
        state = getattr(obj, self.state_field)
        if state not in t.sources:
            return f"当前状态为“{self.state_label(state)}”，不能执行“{t.label}”。"
        node = getattr(obj, self.node_field)
        if not policy.has_perm(user, t.perm, node):
            return f"您没有权限执行“{t.label}”。"
        if t.guard:
            problem = t.guard(obj, user)
            if problem:
                return problem
        return None

    def check(self, obj, user, name, *, reason=""):
        t = self.get(name)
        problem = self.why_not(obj, user, name)
        if problem:
            raise TransitionNotAllowed(problem)
        if t.requires_reason and not (reason or "").strip():
            raise TransitionNotAllowed(f"“{t.label}”需要填写理由。", field_errors={"reason": "请填写理由。"})
        return t

    def available(self, obj, user):
        return [t for name, t in self.transitions.items() if self.why_not(obj, user, name) is None]

    def run(self, obj, *, actor, name, version=None, reason: str = "", data: dict | None = None,
            handler: Callable[..., Any] | None = None, at=None, imported: bool = False):
        """Run transition ``name`` on ``obj`` and return the locked, saved row.

        Locks the row (refusing with 409 if it changed since ``version``), refuses out-of-scope (404) and what the
        table does not allow now (400, with the table's reason), applies the row's target, then calls
        ``handler(obj, actor=, reason=, data=, transition=)`` for side fields only (a handler that changes the
        state is a programming error), bumps ``version``, saves and writes one audit event with before/after.
        ``imported`` marks history brought in from a ledger (audited as such).
        """
        from .validators import clean_text

        data = dict(data or {})
        with transaction.atomic():
            locked = lock(type(obj), obj.pk, version)
            node = getattr(locked, self.node_field)
            if self.view_perm and not policy.has_perm(actor, self.view_perm, node) and \
                    not policy.has_perm(actor, self.get(name).perm, node):
                raise NotFound()
            t = self.check(locked, actor, name, reason=reason)
            reason = clean_text(reason, field="reason", label="理由", max_length=2000, required=False)
            missing = [f for f in t.required if data.get(f) in (None, "", [], ())]
            if missing:
                labels = "、".join(self.field_labels.get(f, f) for f in missing)
                raise DomainError(f"“{t.label}”需要填写：{labels}。",
                                  field_errors={f: "请填写。" for f in missing})
            fields = self.audit_fields or (self.state_field,)
            before = audit.snapshot(locked, fields)
            old = getattr(locked, self.state_field)
            target = old if t.target is None else t.target
            setattr(locked, self.state_field, target)
            extra = handler(locked, actor=actor, reason=reason, data=data, transition=t) if handler else None
            if getattr(locked, self.state_field) != target:
                raise RuntimeError(f"handler of {name!r} changed the state; the table's target decides it")
            if target != old and self.on_enter:
                self.on_enter(locked, old, target)
            if hasattr(locked, "version"):
                locked.version += 1
            if hasattr(locked, "updated_at"):
                locked.updated_at = clock.now()
            locked.save()
            changes = audit.diff(before, audit.snapshot(locked, fields))
            changes.update(extra or {})
            if imported:
                changes["imported_history"] = True
            if at is not None:
                changes["business_date"] = audit.normalize(at)
            audit.record(actor=actor, action="import" if imported else "transition",
                         action_label=("导入历史：" if imported else "") + t.label, obj=locked, changes=changes,
                         reason=reason, is_public=t.is_public and not imported)
            if self.notify and not imported:
                self.notify(self, locked, actor=actor, transition=t, old_state=old)
            return locked


    def run_unsaved(self, obj, *, actor, name, may, guard=None, reason="", handler=None, at=None, imported=False,
                    on_enter=None):
        """``run`` on a row not written yet (a batch of a bulk import, written afterwards in one go): the same
        checks, target, handler, version and before/after — ``may(perm, node)`` answers the permissions and
        ``guard(obj)`` the transition's guard (both without reading the database), ``on_enter(obj, old, new)``
        stands for the workflow's (which writes). Returns the audit event as ``audit.record``'s arguments (without
        ``obj``) instead of writing it."""
        from .validators import clean_text

        t = self.get(name)
        node = getattr(obj, self.node_field)
        if self.view_perm and not may(self.view_perm, node) and not may(t.perm, node):
            raise NotFound()
        state = getattr(obj, self.state_field)
        if state not in t.sources:
            raise TransitionNotAllowed(f"当前状态为“{self.state_label(state)}”，不能执行“{t.label}”。")
        if not may(t.perm, node):
            raise TransitionNotAllowed(f"您没有权限执行“{t.label}”。")
        problem = guard(obj) if guard else None
        if problem:
            raise TransitionNotAllowed(problem)
        if t.requires_reason and not (reason or "").strip():
            raise TransitionNotAllowed(f"“{t.label}”需要填写理由。", field_errors={"reason": "请填写理由。"})
        reason = clean_text(reason, field="reason", label="理由", max_length=2000, required=False)
        fields = self.audit_fields or (self.state_field,)
        before = audit.snapshot(obj, fields)
        old = state
        target = old if t.target is None else t.target
        setattr(obj, self.state_field, target)
        extra = handler(obj) if handler else None
        if getattr(obj, self.state_field) != target:
            raise RuntimeError(f"handler of {name!r} changed the state; the table's target decides it")
        if target != old and on_enter:
            on_enter(obj, old, target)
        if hasattr(obj, "version"):
            obj.version += 1
        if hasattr(obj, "updated_at"):
            obj.updated_at = clock.now()
        changes = audit.diff(before, audit.snapshot(obj, fields))
        changes.update(extra or {})
        if imported:
            changes["imported_history"] = True
        if at is not None:
            changes["business_date"] = audit.normalize(at)
        return dict(actor=actor, action="import" if imported else "transition",
                    action_label=("导入历史：" if imported else "") + t.label, changes=changes, reason=reason,
                    is_public=t.is_public and not imported)


def lock(model, pk, expected_version=None):
    """Lock a row for the rest of the transaction; refuse if someone changed it since ``expected_version``."""
    obj = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and int(expected_version) != obj.version:
        raise Conflict()
    return obj
