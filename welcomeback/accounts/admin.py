"""Staff roles on the admin site (superusers): added and removed through
accounts.roles, so each change is in the audit trail; never edited in place
(remove one role and give another)."""

from django.contrib import admin

from welcomeback.accounts import roles
from welcomeback.accounts.models import StaffRole


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "granted_at", "granted_by"]
    list_filter = ["role", "program"]
    search_fields = ["user__username"]
    fields = ["user", "program", "role"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def save_model(self, request, obj, form, change):
        saved = roles.grant(obj.user, obj.program, obj.role, by=request.user, request=request)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        roles.revoke(obj.user, obj.program, obj.role, by=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for staff_role in queryset.select_related("user", "program"):
            self.delete_model(request, staff_role)
