from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "fazhi.enforcement"
    label = "enforcement"
    verbose_name = "行政执法"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = []
    public_nav = []
