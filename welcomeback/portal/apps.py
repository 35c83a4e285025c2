from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "welcomeback.portal"
    label = "portal"
    verbose_name = "Public pages"

    def ready(self):
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        from welcomeback.engagement.hooks import register_after_pass
        from welcomeback.portal import checks  # noqa: F401  (registers the check)
        from welcomeback.portal.intake import drain_after_pass
        from welcomeback.portal.wording import forget_programs

        for signal in (post_save, post_delete):
            signal.connect(forget_programs, sender="care.Program", dispatch_uid="portal_program")
        setting_changed.connect(forget_programs, dispatch_uid="portal_program_setting")
        # The sweep loop opens anything left in the return form's inbox.
        register_after_pass(drain_after_pass)
