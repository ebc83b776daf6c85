"""Core's own ledger: the grids of each village (网格台账).

Rows match on the grid's name within its village (网格名称 + 所属村（社区）): a re-imported export is "nothing to do";
an edited 网格编码 updates the grid through ``org_node_update`` (audited); a row naming a grid not yet there creates
it. A grid is renamed or moved on the organisation page, not through the ledger (a new name is a new grid)."""
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
    key_column = "name"
    scope_column = "parent__name"
    columns = [
        ledger.Column("name", "网格名称", required=True, max_length=100, width=24,
                      help="已有网格按网格名称和所属村对应（未改动的行跳过，改动的更新）"),
        ledger.Column("parent__name", "所属村（社区）", required=True, max_length=100, width=20),
        ledger.Column("code", "网格编码", max_length=40),
    ]

    def queryset(self, user, params):
        return policy.scoped_nodes(user, "core.view", level=orgkinds.GRID).select_related("parent").order_by("path")

    def import_row(self, values, *, actor, row_number):
        village = resolve_node(actor, values["parent__name"], perm="core.manage_org", level=orgkinds.VILLAGE, field="parent__name")
        return services.org_node_create(actor=actor, parent=village, name=values["name"], code=values.get("code") or "")

    def update_row(self, record, values, *, actor):
        refused = [k for k in values if k != "code"]
        if refused:
            message = "网格名称和所属村不能通过台账修改，请在组织架构页面修改。"
            raise DomainError(message, field_errors={k: message for k in refused})
        services.org_node_update(actor=actor, node=record, code=values.get("code") or "")
