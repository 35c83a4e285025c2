from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "welcomeback.demo"
    label = "demo"
    verbose_name = "Demo program"
