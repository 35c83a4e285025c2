from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "welcomeback.accounts"
    label = "accounts"
    verbose_name = "Staff accounts and audit"

    def ready(self):
        # Sign-ins and changes to client records are audited through Django's
        # signals, connected by model label so this floor imports no domain
        # app (ARCHITECTURE.md: imports run one way).
        from welcomeback.accounts import audit_signals

        audit_signals.connect()
