"""The time limits of 政府信息公开条例 that decide whether a reply is lawful and on time, as DeadlineRule rows."""
from django.db import migrations

RULES = [
    ("governance.correction_notice", "一次性告知补正期限", 7, "working_days",
     "《中华人民共和国政府信息公开条例》第三十条：政府信息公开申请内容不明确的，行政机关应当给予指导和释明，并自收到申请之日起7个工作日内一次性告知申请人作出补正，说明需要补正的事项和合理的补正期限。答复期限自行政机关收到补正的申请之日起计算"),
    ("governance.third_party", "第三方提出意见期限（不计入答复期限）", 15, "working_days",
     "《中华人民共和国政府信息公开条例》第三十二条：第三方应当自收到征求意见书之日起15个工作日内提出意见；第三十三条第三款：行政机关征求第三方和其他机关意见所需时间不计算在前款规定的期限内"),
    ("governance.reconsideration", "申请行政复议期限", 60, "calendar_days",
     "《中华人民共和国行政复议法》（2023年修订）第二十条：可以自知道或者应当知道该行政行为之日起六十日内提出行政复议申请"),
    ("governance.lawsuit", "提起行政诉讼期限", 6, "months",
     "《中华人民共和国行政诉讼法》第四十六条：直接向人民法院提起诉讼的，应当自知道或者应当知道作出行政行为之日起六个月内提出"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("core", "DeadlineRule")
    for code, name, amount, unit, basis in RULES:
        Rule.objects.get_or_create(code=code, defaults={"name": name, "amount": amount, "unit": unit, "legal_basis": basis})


def unseed(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_disclosure_rules")]
    operations = [migrations.RunPython(seed, unseed)]
