from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "welcomeback.returns"
    label = "returns"
    verbose_name = "Return requests"

    def ready(self):
        from welcomeback.engagement.hooks import register_after_pass
        from welcomeback.returns import handlers  # noqa: F401  (connects signals)
        from welcomeback.returns.requests import escalate_overdue

        register_after_pass(escalate_overdue)
