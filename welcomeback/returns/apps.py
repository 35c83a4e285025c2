from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "welcomeback.returns"
    label = "returns"
    verbose_name = "Return requests"

    def ready(self):
        from welcomeback.engagement.hooks import register_after_pass
        from welcomeback.outreach.cadence import register_stop_check
        from welcomeback.returns import handlers  # noqa: F401  (connects signals)
        from welcomeback.returns.outcomes import after_pass, cadence_stop_reason
        from welcomeback.returns.requests import escalate_overdue

        register_after_pass(escalate_overdue)
        register_after_pass(after_pass)
        register_stop_check(cadence_stop_reason)
