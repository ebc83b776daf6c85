"""A small declarative transition table shared by every domain's workflow.py.

Each domain declares its ``Transition``s once; the transition service calls ``workflow.check`` (which refuses with
a clear Chinese message) and the UI lists ``workflow.available`` — so a button never offers what the service would
refuse.
"""
from dataclasses import dataclass, field

from . import policy
from .errors import Conflict, TransitionNotAllowed


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


class Workflow:
    def __init__(self, transitions, *, state_field="status", state_labels=None, node_field="node"):
        self.transitions = {t.name: t for t in transitions}
        self.state_field = state_field
        self.state_labels = state_labels or {}
        self.node_field = node_field

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


def lock(model, pk, expected_version=None):
    """Lock a row for the rest of the transaction; refuse if someone changed it since ``expected_version``."""
    obj = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and int(expected_version) != obj.version:
        raise Conflict()
    return obj
