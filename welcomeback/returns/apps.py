from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "welcomeback.returns"
    label = "returns"
    verbose_name = "Return requests"
