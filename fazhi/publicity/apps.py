from fazhi.core import domain


class PublicityConfig(domain.DomainApp):
    name = "fazhi.publicity"
    label = "publicity"
    verbose_name = "普法与学法"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = [
        ("普法宣传日历", "publicity:calendar", "publicity.view"),
        ("普法宣传活动", "publicity:events", "publicity.view"),
        ("普法阵地", "publicity:sites", "publicity.view"),
        ("法治带头人/法律明白人", "publicity:leaders", "publicity.view"),
        ("带头人/明白人培训", "publicity:leader_trainings", "publicity.view"),
        ("领导干部学法", "publicity:study", "publicity.view"),
        ("工作人员法律培训", "publicity:staff_trainings", "publicity.view"),
        ("普法工作数据", "publicity:figures", "publicity.view"),
        ("宣传节点维护", "publicity:key_dates", "core.manage_calendar"),
    ]
    public_nav = [("普法活动", "publicity_public:events")]
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "onboarding")
