from fazhi.core import domain


class LegalserviceConfig(domain.DomainApp):
    name = "fazhi.legalservice"
    label = "legalservice"
    verbose_name = "法律顾问与公共法律服务"
    # Workbench navigation: (label, url name, permission). Public site navigation: (label, url name).
    nav = [
        ("法律顾问名册", "legalservice:advisors", "legalservice.view"),
        ("村居顾问覆盖", "legalservice:coverage", "legalservice.view"),
        ("定期坐班", "legalservice:office_hours", "legalservice.view"),
        ("坐班预约", "legalservice:bookings", "legalservice.view"),
        ("在线咨询", "legalservice:consultations", "legalservice.view"),
        ("法律服务台账", "legalservice:services", "legalservice.view"),
        ("服务站与示范村", "legalservice:stations", "legalservice.view"),
    ]
    public_nav = [
        ("法律顾问", "legalservice_public:index"),
        ("在线法律咨询", "legalservice_public:ask"),
    ]
    provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "onboarding")
