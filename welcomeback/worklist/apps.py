from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "welcomeback.worklist"
    label = "worklist"
    verbose_name = "Staff tasks"
