from fazhi.core import domain


class ReportsConfig(domain.DomainApp):
    name = "fazhi.reports"
    verbose_name = "年度报告与驾驶舱"
    provides = ("permissions", "policies", "figures", "todos", "jobs")
