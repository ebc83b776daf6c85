from django.apps import AppConfig


class LegalserviceConfig(AppConfig):
    name = "fazhi.legalservice"
    label = "legalservice"
    verbose_name = "法律顾问与公共法律服务"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = []
    public_nav = []
