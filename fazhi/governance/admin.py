"""The disclosure catalogue is configuration: administrators add, rename, reorder or retire categories here."""
from django.contrib import admin

from .models import DisclosureCategory


@admin.register(DisclosureCategory)
class DisclosureCategoryAdmin(admin.ModelAdmin):
    fields = ["code", "name", "description", "sort_order", "is_active"]  # the form's order (code and switches come from Catalogue)
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        return False  # retire a category (启用 = 否) instead: published items keep pointing at it
