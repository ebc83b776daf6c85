from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "fazhi.publicity"
    label = "publicity"
    verbose_name = "普法与学法"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = []
    public_nav = []
