"""Django admin for account administration. Business records are changed through the workbench (services);
audit events are read-only here: no add, change or delete."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from . import audit, policy
from .models import AuditEvent, Membership, RetentionRule, User

admin.site.site_header = "法治政府建设工作平台 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "账号与审计"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["node", "role", "unit", "is_active"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "phone", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("联系方式", {"fields": ("full_name", "phone")}),)

    # Account and role changes made here are written to the audit chain like every other change.
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = {k: "（已修改）" if k == "password" else form.cleaned_data.get(k) for k in form.changed_data}
            audit.record(actor=request.user, action="update" if change else "create", obj=obj, node=None,
                         changes=changed, action_label="修改账号" if change else "创建账号")

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            instances = formset.save(commit=False)
            for membership in formset.deleted_objects:
                audit.record(actor=request.user, action="update", obj=membership, node=membership.node,
                             changes={"deleted": True}, action_label=f"删除岗位角色：{membership.get_role_display()}")
                membership.delete()
            for membership in instances:
                membership.save()
                audit.record(actor=request.user, action="update", obj=membership, node=membership.node,
                             changes={"role": membership.role, "node": membership.node_id, "is_active": membership.is_active},
                             action_label=f"设置岗位角色：{membership.get_role_display()}")
            formset.save_m2m()
            policy.forget(form.instance)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "chain", "seq", "actor_label", "action_label", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """Retention periods of personal data (fazhi/core/retention.py): installation-wide, changed here, audited."""

    fields = ["code", "label", "years", "action", "legal_basis", "is_active"]
    list_display = ["label", "code", "years", "action", "is_active"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False  # rows come with the module that handles the record type (its data migration)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(RetentionRule.objects.get(pk=obj.pk), ["years", "action", "is_active", "legal_basis"])
            super().save_model(request, obj, form, change)
            audit.record(actor=request.user, action="update", action_label="修改个人信息保存期限", obj=obj,
                         changes=audit.diff(before, audit.snapshot(obj, ["years", "action", "is_active", "legal_basis"])))
