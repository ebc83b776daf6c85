from fazhi.core import domain


class DisputesConfig(domain.DomainApp):
    name = "fazhi.disputes"
    verbose_name = "矛盾纠纷多元化解"
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "jobs", "retention")
