"""The Jixia demo organisation: 临淄区 → 稷下街道 (13 villages/communities with grids, the units and the 7 bodies
of the one-stop centre) and a small neighbouring subdistrict, so scoping can be seen at work. One user per role."""
from dataclasses import dataclass, field

from fazhi.core import services
from fazhi.core.models import OrgNode, Unit
from fazhi.core.roles import Role

DEMO_PASSWORD = "fazhi-demo-2023"

VILLAGES = [
    ("刘家村", 4), ("大杨村", 4), ("小杨村", 3), ("郑家村", 3), ("辛店村", 3), ("石桥村", 3), ("南马村", 3),
    ("北马村", 3), ("后李村", 3), ("前李村", 3), ("稷下社区", 5), ("齐都社区", 5), ("东关社区", 4),
]
DEPARTMENTS = ["党工委", "党政办公室", "司法所", "综合行政执法办公室", "信访办公室", "矛盾纠纷调处化解中心"]
CENTRE_BODIES = [
    ("司法所", "人民调解、法律服务"), ("信访办公室", "信访事项受理与化解"), ("人民法庭", "诉前调解、司法确认"),
    ("人社所", "劳动争议调解"), ("派出所", "治安调解"), ("综治中心", "综合治理、网格管理"), ("妇联", "婚姻家庭纠纷调解"),
]

# username, full name, role, node key ("district", "subdistrict", village name or "village/grid"), unit name
USERS = [
    ("admin", "系统管理员", Role.ADMIN, "district", None),
    ("leader", "王书记", Role.LEADER, "subdistrict", "党工委"),
    ("clerk", "李窗口", Role.CLERK, "subdistrict", "矛盾纠纷调处化解中心"),
    ("mediator", "刘调解", Role.MEDIATOR, "刘家村", None),
    ("mediator_dy", "杨调解", Role.MEDIATOR, "大杨村", None),
    ("grid", "张网格", Role.GRID_WORKER, "刘家村/刘家村第一网格", None),
    ("grid_dy", "杨网格", Role.GRID_WORKER, "大杨村/大杨村第一网格", None),
    ("host", "赵老师", Role.ROOM_HOST, "subdistrict", "矛盾纠纷调处化解中心"),
    ("advisor", "孙律师", Role.LEGAL_ADVISOR, "刘家村", None),
    ("judicial", "周司法", Role.JUDICIAL_STAFF, "subdistrict", "司法所"),
    ("officer", "吴执法", Role.ENFORCEMENT_OFFICER, "subdistrict", "综合行政执法办公室"),
    ("officer2", "郑执法", Role.ENFORCEMENT_OFFICER, "subdistrict", "综合行政执法办公室"),
    ("enforcement_head", "冯主任", Role.ENFORCEMENT_HEAD, "subdistrict", "综合行政执法办公室"),
    ("reviewer", "陈法审", Role.LEGAL_REVIEWER, "subdistrict", "司法所"),
    ("supervisor", "褚监督", Role.SUPERVISOR, "subdistrict", "司法所"),
    ("disclosure", "卫公开", Role.DISCLOSURE_OFFICER, "subdistrict", "党政办公室"),
    ("office", "蒋党政", Role.OFFICE_STAFF, "subdistrict", "党政办公室"),
    ("other_admin", "敬仲管理员", Role.ADMIN, "other", None),
]


@dataclass
class DemoContext:
    district: OrgNode = None
    subdistrict: OrgNode = None
    other_subdistrict: OrgNode = None
    villages: dict = field(default_factory=dict)  # name -> node
    grids: dict = field(default_factory=dict)  # village name -> [grid nodes]
    units: dict = field(default_factory=dict)  # name -> Unit (departments)
    centre_bodies: dict = field(default_factory=dict)  # name -> Unit
    users: dict = field(default_factory=dict)  # username -> User
    log: list = field(default_factory=list)


def load(ctx: DemoContext):
    system = "演示数据"
    ctx.district = services.org_node_create(actor=system, parent=None, name="临淄区", code="370305", check_scope=False)
    ctx.subdistrict = services.org_node_create(actor=system, parent=ctx.district, name="稷下街道", code="370305005", short_name="稷下", check_scope=False)
    for i, (name, grid_count) in enumerate(VILLAGES, start=1):
        village = services.org_node_create(actor=system, parent=ctx.subdistrict, name=name, code=f"370305005{i:03d}", sort_order=i, check_scope=False)
        ctx.villages[name] = village
        ctx.grids[name] = [
            services.org_node_create(actor=system, parent=village, name=f"{name}第{'一二三四五六'[g]}网格", code=f"{village.code}{g + 1:02d}", check_scope=False)
            for g in range(grid_count)
        ]
    for i, name in enumerate(DEPARTMENTS):
        ctx.units[name] = services.unit_create(actor=system, node=ctx.subdistrict, kind=Unit.Kind.DEPARTMENT, name=name, sort_order=i)
    for i, (name, duty) in enumerate(CENTRE_BODIES):
        ctx.centre_bodies[name] = services.unit_create(actor=system, node=ctx.subdistrict, kind=Unit.Kind.CENTRE_BODY, name=name, description=duty, sort_order=i)
    ctx.units["行政调解委员会"] = services.unit_create(actor=system, node=ctx.subdistrict, kind=Unit.Kind.COMMITTEE, name="行政调解委员会", description="依程序成立，负责行政调解")

    ctx.other_subdistrict = services.org_node_create(actor=system, parent=ctx.district, name="敬仲街道", short_name="敬仲", code="370305006", check_scope=False)
    for name in ["白兔丘村", "东齐村"]:
        village = services.org_node_create(actor=system, parent=ctx.other_subdistrict, name=name, check_scope=False)
        ctx.villages[name] = village
        ctx.grids[name] = [services.org_node_create(actor=system, parent=village, name=f"{name}第一网格", check_scope=False)]

    def node_for(key):
        if key == "district":
            return ctx.district
        if key == "subdistrict":
            return ctx.subdistrict
        if key == "other":
            return ctx.other_subdistrict
        if "/" in key:
            village, grid = key.split("/")
            return next(g for g in ctx.grids[village] if g.name == grid)
        return ctx.villages[key]

    for username, full_name, role, node_key, unit_name in USERS:
        unit = ctx.units.get(unit_name) if unit_name else None
        ctx.users[username] = services.user_create(
            actor=system, username=username, full_name=full_name, password=DEMO_PASSWORD,
            phone="", memberships=[(node_for(node_key), role, unit)])
    return ctx
