"""Django admin for account administration. Business records are changed through the workbench (services);
audit events are read-only here: no add, change or delete."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEvent, Membership, User

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
