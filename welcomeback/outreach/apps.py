from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "welcomeback.outreach"
    label = "outreach"
    verbose_name = "Outreach"
