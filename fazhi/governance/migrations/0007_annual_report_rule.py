"""The annual disclosure report: its publication deadline as a DeadlineRule row (with its basis) and its catalogue
category on the portal."""
from django.db import migrations

RULE = ("governance.disclosure_annual_report", "政府信息公开工作年度报告公布期限", 30, "calendar_days",
        "《中华人民共和国政府信息公开条例》第四十九条第一款：县级以上人民政府部门应当在每年1月31日前向本级政府信息公开"
        "工作主管部门提交本行政机关上一年度政府信息公开工作年度报告并向社会公布。条例未单列街道办事处的期限，本平台对街道"
        "参照该款执行：自次年1月1日起30日，即1月31日；当地主管部门另有规定的，修改本规则。")
CATEGORY = ("disclosure_report", "政府信息公开工作年度报告",
            "《中华人民共和国政府信息公开条例》第四十九条、第五十条规定的年度报告")


def seed(apps, schema_editor):
    code, name, amount, unit, basis = RULE
    apps.get_model("core", "DeadlineRule").objects.get_or_create(
        code=code, defaults={"name": name, "amount": amount, "unit": unit, "legal_basis": basis})
    Category = apps.get_model("governance", "DisclosureCategory")
    last = Category.objects.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    Category.objects.get_or_create(code=CATEGORY[0], defaults={"name": CATEGORY[1], "description": CATEGORY[2],
                                                                "sort_order": last + 1})


def unseed(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(code=RULE[0]).delete()
    apps.get_model("governance", "DisclosureCategory").objects.filter(code=CATEGORY[0], items__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0006_annual_disclosure_report"), ("core", "0004_calendar_complete_and_rollover")]
    operations = [migrations.RunPython(seed, unseed)]
