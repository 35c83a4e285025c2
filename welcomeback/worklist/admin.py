from django.contrib import admin

from welcomeback.worklist.models import Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "program", "status", "due_at", "owner"]
    list_filter = ["status", "kind", "program"]
    raw_id_fields = ["client", "episode"]
