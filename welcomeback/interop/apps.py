from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "welcomeback.interop"
    label = "interop"
    verbose_name = "Interoperability"
