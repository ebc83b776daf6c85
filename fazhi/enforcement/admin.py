"""Major-case rules are configuration (行政处罚法第五十八条 defaults): administrators edit thresholds and grounds here;
every change is written to the audit chain."""
from django.contrib import admin
from django.db import transaction

from fazhi.core import audit

from .models import MajorCaseRule

FIELDS = ["code", "name", "kind", "threshold", "power_type", "legal_basis", "is_active"]


@admin.register(MajorCaseRule)
class MajorCaseRuleAdmin(admin.ModelAdmin):
    fields = FIELDS
    list_display = ["name", "kind", "threshold", "is_active"]
    list_editable = ["is_active"]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(MajorCaseRule.objects.get(pk=obj.pk), FIELDS) if change else {}
            super().save_model(request, obj, form, change)
            audit.record(actor=request.user, action="update" if change else "create", obj=obj, node=None,
                         changes=audit.diff(before, audit.snapshot(obj, FIELDS)), action_label="修改重大执法决定情形")

    def has_delete_permission(self, request, obj=None):
        return False  # retire a rule (启用 = 否) so past cases keep their grounds
