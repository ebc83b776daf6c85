from fazhi.core import domain


class EnforcementConfig(domain.DomainApp):
    name = "fazhi.enforcement"
    label = "enforcement"
    verbose_name = "行政执法"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = [
        ("执法案件", "enforcement:case_list", "enforcement.view"),
        ("期限提醒", "enforcement:deadlines", "enforcement.view"),
        ("法制审核", "enforcement:review_queue", "enforcement.view"),
        ("执法公示", "enforcement:publications", "enforcement.view"),
        ("执法人员", "enforcement:officer_list", "enforcement.view"),
        ("权责清单", "enforcement:power_list", "enforcement.view"),
        ("执法监督", "enforcement:supervision", "enforcement.view"),
    ]
    public_nav = [("执法公示", "enforcement_public:home")]
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "retention")
