from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "fazhi.governance"
    label = "governance"
    verbose_name = "政务公开与依法决策"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = []
    public_nav = []
