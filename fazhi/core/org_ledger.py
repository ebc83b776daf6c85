"""Core's own ledger: the grids of each village (网格台账)."""
from . import ledger, orgkinds, policy, services
from .errors import DomainError


def resolve_node(user, name, *, perm, field, kinds=None, level=None):
    """Find a node by name inside the user's scope (ledger imports name villages and grids in Chinese)."""
    name = (name or "").strip()
    matches = list(policy.scoped_nodes(user, perm, kinds=kinds, level=level).filter(name=name)[:2])
    if not matches:
        raise DomainError(f"“{name}”不存在或不在您的管辖范围内。", field_errors={field: f"“{name}”不存在或不在您的管辖范围内"})
    if len(matches) > 1:
        raise DomainError(f"“{name}”有重名，请联系管理员。", field_errors={field: f"“{name}”有重名"})
    return matches[0]


@ledger.register
class GridLedger(ledger.Ledger):
    key = "core.grids"
    title = "网格台账"
    view_perm = "core.view"
    import_perm = "core.manage_org"
    columns = [
        ledger.Column("name", "网格名称", required=True, max_length=100, width=24),
        ledger.Column("parent__name", "所属村（社区）", required=True, max_length=100, width=20),
        ledger.Column("code", "网格编码", max_length=40),
    ]

    def queryset(self, user, params):
        return policy.scoped_nodes(user, "core.view", level=orgkinds.GRID).select_related("parent").order_by("path")

    def import_row(self, values, *, actor, row_number):
        village = resolve_node(actor, values["parent__name"], perm="core.manage_org", level=orgkinds.VILLAGE, field="parent__name")
        return services.org_node_create(actor=actor, parent=village, name=values["name"], code=values.get("code") or "")
