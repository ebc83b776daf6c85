"""Demo: the 2023 annual report of 稷下街道 (drafted from the default template, all figures live tokens) and the
2024 plan items of its section 四, some already carried out — through the reports services."""
import datetime

from fazhi.core import clock
from fazhi.reports import services
from fazhi.reports.models import PlanItem

PLAN_2024 = [
    ("深入推进依法行政", "开展执法人员业务培训，年内执法人员人均培训不少于40学时", "综合行政执法办公室", (6, 30), "done",
     "组织专题培训3期，人均培训42学时。"),
    ("深入推进依法行政", "为执法人员配备执法记录仪，实现现场执法音像记录全覆盖", "综合行政执法办公室", (9, 30), "in_progress", ""),
    ("深入推进依法行政", "组织无执法证人员参加执法资格考试", "党政办公室", (10, 31), "planned", ""),
    ("持续提升法治意识", "落实领导干部学法制度，全年开展领导班子学法不少于6次", "党工委", (12, 31), "in_progress", ""),
    ("加强法治宣传力度", "面向外出务工人员开展春节返乡普法活动", "司法所", (2, 29), "done", "春节期间在13个村开展返乡普法活动。"),
    ("加强法治宣传力度", "“12.4”宪法宣传周集中宣传", "司法所", (12, 10), "planned", ""),
]


def load(ctx):
    office = ctx.users.get("office") or ctx.users.get("leader")
    sub = ctx.subdistrict
    with clock.frozen(datetime.date(2024, 1, 10)):
        report = services.report_create(actor=office, node=sub, year=2023)
        # Section 三 from measurement: keep each shortcoming the figures suggest (staff may still edit or drop them).
        for s in services.shortcoming_suggestions(report):
            if not s["missing"] and not s["kept"]:
                services.shortcoming_keep(actor=office, report=report, target=s["target"], heading=s["heading"],
                                          text=s["text"])
        items = [services.plan_item_create(actor=office, node=sub, year=2024, heading=h, title=t, owner=o,
                                           due_date=datetime.date(2024, *md))
                 for h, t, o, md, _, _ in PLAN_2024]
    for item, (_, _, _, md, status, note) in zip(items, PLAN_2024):
        if status == PlanItem.Status.PLANNED:
            continue
        day = min(datetime.date(2024, *md), datetime.date(2024, 12, 31))
        with clock.frozen(day):
            services.plan_item_update(actor=office, item=item, expected_version=item.version, status=status, note=note)
