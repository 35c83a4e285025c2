from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "welcomeback.engagement"
    label = "engagement"
    verbose_name = "Engagement"

    def ready(self):
        from welcomeback.engagement import handlers  # noqa: F401  (connects signals)
