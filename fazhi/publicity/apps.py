from fazhi.core import domain


class PublicityConfig(domain.DomainApp):
    name = "fazhi.publicity"
    verbose_name = "普法与学法"
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "onboarding")
