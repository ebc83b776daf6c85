from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fazhi.reports"
    label = "reports"
    verbose_name = "年度报告与驾驶舱"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = []
    public_nav = []
