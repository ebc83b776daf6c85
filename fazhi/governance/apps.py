from fazhi.core import domain


class GovernanceConfig(domain.DomainApp):
    name = "fazhi.governance"
    label = "governance"
    verbose_name = "政务公开与依法决策"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = [
        ("主动公开", "governance:items", "governance.view"),
        ("依申请公开", "governance:requests", "governance.view"),
        ("信息公开年报", "governance:annual_reports", "governance.view"),
        ("行政规范性文件", "governance:documents", "governance.view"),
        ("公众意见审核", "governance:comments", "governance.view"),
        ("重大行政决策", "governance:decisions", "governance.view"),
        ("党工委会议", "governance:meetings", "governance.view"),
    ]
    public_nav = [("政务公开", "governance_public:index"), ("依申请公开", "governance_public:apply"),
                  ("征求意见", "governance_public:documents")]
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays")
