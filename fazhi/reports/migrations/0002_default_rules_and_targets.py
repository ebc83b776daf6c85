"""Install the statutory report deadlines (DeadlineRule rows) and the default report targets (data, editable)."""
from django.db import migrations


def install(apps, schema_editor):
    from fazhi.reports.defaults import DEADLINE_RULES, TARGETS

    DeadlineRule = apps.get_model("core", "DeadlineRule")
    ReportTarget = apps.get_model("reports", "ReportTarget")
    for code, name, amount, unit, basis in DEADLINE_RULES:
        DeadlineRule.objects.get_or_create(code=code, defaults=dict(name=name, amount=amount, unit=unit,
                                                                    legal_basis=basis, due_soon_days=15))
    for order, (code, label, key, comparison, threshold, heading, text, basis) in enumerate(TARGETS, 1):
        ReportTarget.objects.get_or_create(code=code, defaults=dict(
            label=label, figure_key=key, comparison=comparison, threshold=threshold, heading=heading, text=text,
            basis=basis, sort_order=order))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("core", "0002_audit_immutable_trigger")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
