from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "welcomeback.disclosures"
    label = "disclosures"
    verbose_name = "42 CFR Part 2 consents and disclosures"
