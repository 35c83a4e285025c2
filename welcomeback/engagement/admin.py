from django.contrib import admin

from welcomeback.engagement.models import Engagement, StatusChange


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["episode", "program", "status", "since", "next_check_at"]
    list_filter = ["status", "program"]
    readonly_fields = [f.name for f in Engagement._meta.fields]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["engagement", "seq", "from_status", "to_status", "at"]
    readonly_fields = [f.name for f in StatusChange._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False
