from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "welcomeback.signin"
    label = "signin"
    verbose_name = _("Sign-in")

    def ready(self):
        from welcomeback.signin import receivers

        receivers.connect()
