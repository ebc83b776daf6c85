from fazhi.core import domain


class ReportsConfig(domain.DomainApp):
    name = "fazhi.reports"
    label = "reports"
    verbose_name = "年度报告与驾驶舱"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = [("领导驾驶舱", "reports:dashboard", "reports.dashboard"),
           ("法治政府建设年度报告", "reports:list", "reports.view"),
           ("年度计划事项", "reports:plan_list", "reports.view")]
    public_nav = [("法治政府建设年度报告", "reports_public:list", "已公开的年度报告")]
    provides = ("permissions", "policies", "figures", "todos", "jobs")
