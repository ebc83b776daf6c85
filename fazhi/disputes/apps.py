from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "fazhi.disputes"
    label = "disputes"
    verbose_name = "矛盾纠纷多元化解"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = []
    public_nav = []
