from fazhi.core import domain


class DisputesConfig(domain.DomainApp):
    name = "fazhi.disputes"
    label = "disputes"
    verbose_name = "矛盾纠纷多元化解"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = [
        ("矛盾纠纷台账", "disputes:list", "disputes.view"),
        ("纠纷期限提醒", "disputes:deadlines", "disputes.view"),
        ("调解超市", "disputes:rooms", "disputes.view"),
        ("调解员名册", "disputes:mediators", "disputes.view"),
        ("办理用时统计", "disputes:state_times", "disputes.view"),
        ("风险词库", "disputes:risk_words", "disputes.manage"),
    ]
    public_nav = [
        ("我要调解", "disputes_public:submit"),
        ("调解进度查询", "disputes_public:track"),
        ("群众诉求超市", "disputes_public:rooms"),
    ]
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "retention")
