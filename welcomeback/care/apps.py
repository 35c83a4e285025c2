from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "welcomeback.care"
    label = "care"
    verbose_name = "Care record"
