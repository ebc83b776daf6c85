from fazhi.core import domain


class EnforcementConfig(domain.DomainApp):
    name = "fazhi.enforcement"
    verbose_name = "行政执法"
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "onboarding", "retention")
