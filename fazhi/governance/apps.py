from fazhi.core import domain


class GovernanceConfig(domain.DomainApp):
    name = "fazhi.governance"
    verbose_name = "政务公开与依法决策"
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "onboarding")
