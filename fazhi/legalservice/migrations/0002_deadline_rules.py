"""Default time limit: an online consultation is answered within 5 working days (local rule; editable)."""
from django.db import migrations

RULES = [
    {
        "code": "legalservice.consultation_answer",
        "name": "在线法律咨询答复",
        "amount": 5,
        "unit": "working_days",
        "due_soon_days": 2,
        "legal_basis": "本街道一村（社区）一法律顾问工作制度：群众在线咨询应在5个工作日内答复"
                       "（地方工作规则的默认值，可由管理员在“期限规则”中调整）。",
    },
]


def install(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for rule in RULES:
        DeadlineRule.objects.get_or_create(code=rule["code"], defaults={k: v for k, v in rule.items() if k != "code"})


def remove(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(code__in=[r["code"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("legalservice", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
