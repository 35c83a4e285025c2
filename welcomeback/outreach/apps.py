from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "welcomeback.outreach"
    label = "outreach"
    verbose_name = "Outreach"

    def ready(self):
        # The sweep calls these after each pass and announces status changes;
        # it never imports outreach (ARCHITECTURE.md: imports run one way).
        from welcomeback.engagement.hooks import register_after_pass
        from welcomeback.engagement.signals import statuses_changed
        from welcomeback.outreach import (
            cadence,
            dispatch,
            webhooks,  # noqa: F401  (Anymail receivers)
        )

        statuses_changed.connect(cadence.on_statuses_changed, dispatch_uid="outreach-cadence")
        register_after_pass(cadence.plan_due)
        register_after_pass(dispatch.recover_stuck)
        register_after_pass(dispatch.release_due)
