from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "welcomeback.engagement"
    label = "engagement"
    verbose_name = "Engagement"

    def ready(self):
        from welcomeback.engagement import handlers  # noqa: F401  (connects signals)
        from welcomeback.engagement.hooks import register_after_pass
        from welcomeback.engagement.housekeeping import prune_task_results

        register_after_pass(prune_task_results)
