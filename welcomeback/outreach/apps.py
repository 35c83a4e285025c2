from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "welcomeback.outreach"
    label = "outreach"
    verbose_name = "Outreach"

    def ready(self):
        # The sweep calls these after each pass; it never imports outreach.
        from welcomeback.engagement.hooks import register_after_pass
        from welcomeback.outreach import dispatch

        register_after_pass(dispatch.recover_stuck)
        register_after_pass(dispatch.release_due)
