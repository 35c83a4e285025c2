from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "welcomeback.staff"
    label = "staff"
    verbose_name = "Staff screens"
