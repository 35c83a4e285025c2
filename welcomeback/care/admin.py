from django.contrib import admin

from welcomeback.care import models


class SlotInline(admin.TabularInline):
    model = models.GroupSlot
    extra = 1


@admin.register(models.Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "modality", "language", "active"]
    list_filter = ["program", "modality", "active"]
    inlines = [SlotInline]


@admin.register(models.Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["id", "last_name", "first_name", "language"]
    search_fields = ["last_name", "first_name", "external_id"]


@admin.register(models.Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["id", "group", "starts_at", "status"]
    list_filter = ["status", "program"]
    date_hierarchy = "starts_at"


@admin.register(models.Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["id", "client", "program", "status", "started"]
    list_filter = ["status", "program"]
    raw_id_fields = ["client", "previous"]


for model in [models.Organization, models.Site, models.Program, models.Expectation]:
    admin.site.register(model)
