from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "welcomeback.api"
    label = "api"
    verbose_name = "REST API and webhooks"

    def ready(self):
        # The sweep announces status changes and returns saves its requests;
        # neither imports this app (ARCHITECTURE.md: imports run one way).
        from django.db.models.signals import post_save

        from welcomeback.api import events
        from welcomeback.engagement.hooks import register_after_pass
        from welcomeback.engagement.signals import statuses_changed
        from welcomeback.returns.models import ReturnRequest

        statuses_changed.connect(events.on_statuses_changed, dispatch_uid="api-webhooks-status")
        post_save.connect(
            events.on_request_saved, sender=ReturnRequest, dispatch_uid="api-webhooks-request"
        )
        register_after_pass(events.release_due)
