from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "welcomeback.portal"
    label = "portal"
    verbose_name = "Public pages"
