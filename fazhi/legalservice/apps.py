from fazhi.core import domain


class LegalserviceConfig(domain.DomainApp):
    name = "fazhi.legalservice"
    verbose_name = "法律顾问与公共法律服务"
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "onboarding")
