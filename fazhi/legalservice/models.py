"""一村（社区）一法律顾问 and public legal services: advisors, office hours and bookings, online consultations,
service records, public legal service stations, democratic rule-of-law demonstration villages.

Every record carries ``node`` (the lowest org node it belongs to) so the one scoping policy applies.
Single-row invariants only; every rule that involves other rows lives in services.py / workflow.py.
"""
from django.db import models

from fazhi.core.fields import node_fk, user_fk
from fazhi.core.masking import mask_name
from fazhi.core.modelbases import Named, Versioned
from fazhi.core.models import OrgNode, StoredFile
from fazhi.core.personal import BlindIndexField, EncryptedField

WEEKDAY_LABELS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
ORDINAL_LABELS = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", -1: "最后一个"}


class Advisor(Versioned):
    """A legal advisor: full-time for the subdistrict (node = subdistrict) or a village advisor (node = the main
    village served; ``villages`` lists every village served)."""

    class Kind(models.TextChoices):
        FULLTIME = "fulltime", "街道专职法律顾问"
        VILLAGE = "village", "村居法律顾问"

    node = node_fk("所属组织")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField("姓名", max_length=50)
    law_firm = models.CharField("律师事务所", max_length=100)
    licence_number = models.CharField("执业证号", max_length=40)
    phone = models.CharField("手机号（仅工作人员可见）", max_length=20, blank=True)
    public_phone = models.CharField("公开联系电话", max_length=20, blank=True,
                                    help_text="顾问同意公开的办公电话，显示在村居公开页和上墙海报上")
    photo = models.ForeignKey(StoredFile, verbose_name="照片", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    villages = models.ManyToManyField(OrgNode, verbose_name="服务村（社区）", blank=True, related_name="legal_advisors")
    user = user_fk("平台账号", optional=True, on_delete=models.SET_NULL, related_name="legal_advisor_profiles")
    how_to_ask = models.CharField("咨询方式说明", max_length=300, blank=True)
    appointed_on = models.DateField("聘任日期", null=True, blank=True)
    is_active = models.BooleanField("在岗", default=True, db_index=True)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "法律顾问"
        ordering = ["kind", "name", "id"]
        indexes = [models.Index(fields=["node", "kind", "is_active"])]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class OfficeHourRule(models.Model):
    """每月定期坐班: e.g. "每月第一个周三 9:00–11:30" in a village, generated into OfficeHour slots."""

    node = node_fk("村（社区）")
    advisor = models.ForeignKey(Advisor, verbose_name="坐班顾问", on_delete=models.PROTECT, related_name="rules")
    week_of_month = models.SmallIntegerField("每月第几个", choices=sorted(ORDINAL_LABELS.items()))
    weekday = models.PositiveSmallIntegerField("星期", choices=list(enumerate(WEEKDAY_LABELS)))
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    place = models.CharField("地点", max_length=100)
    capacity = models.PositiveSmallIntegerField("每次可预约人数", default=6)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "坐班规则"
        ordering = ["node__path", "id"]

    def __str__(self):
        return f"每月{ORDINAL_LABELS.get(self.week_of_month, '')}{WEEKDAY_LABELS[self.weekday]} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class OfficeHour(Versioned):
    """One office-hour session (a bookable slot) of an advisor in a village."""

    class Status(models.TextChoices):
        PLANNED = "planned", "计划坐班"
        HELD = "held", "已坐班"
        MISSED = "missed", "未坐班"
        CANCELLED = "cancelled", "已取消"

    node = node_fk("村（社区）")
    advisor = models.ForeignKey(Advisor, verbose_name="坐班顾问", on_delete=models.PROTECT, related_name="office_hours")
    rule = models.ForeignKey(OfficeHourRule, verbose_name="坐班规则", null=True, blank=True, on_delete=models.SET_NULL, related_name="slots")
    date = models.DateField("日期", db_index=True)
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    place = models.CharField("地点", max_length=100)
    capacity = models.PositiveSmallIntegerField("可预约人数", default=6)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True)
    note = models.CharField("说明", max_length=500, blank=True)
    people_received = models.PositiveIntegerField("接待人数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "坐班"
        ordering = ["date", "start_time", "id"]
        constraints = [models.UniqueConstraint(fields=["node", "advisor", "date", "start_time"], name="legal_officehour_unique")]
        indexes = [models.Index(fields=["node", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.start_time:%H:%M}–{self.end_time:%H:%M} {self.place}"


class Booking(models.Model):
    """A resident's booking of an office-hour slot (from the public site)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "已预约"
        CANCELLED = "cancelled", "已取消"

    office_hour = models.ForeignKey(OfficeHour, verbose_name="坐班", on_delete=models.PROTECT, related_name="bookings")
    node = node_fk("村（社区）")
    name = models.CharField("姓名", max_length=50)
    phone = EncryptedField("联系电话", kind="phone", plain_max_length=20)  # encrypted at rest (core/personal.py)
    phone_hash = BlindIndexField(source="phone")
    topic = models.CharField("咨询事项", max_length=500)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.BOOKED, db_index=True)
    created_at = models.DateTimeField("预约时间")

    class Meta:
        verbose_name = verbose_name_plural = "坐班预约"
        ordering = ["office_hour__date", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["office_hour", "phone_hash"], name="legal_booking_once_per_phone")]

    def __str__(self):
        return f"{mask_name(self.name)} 预约 {self.office_hour}"


class Consultation(Versioned):
    """An online question from a resident, routed to the advisor of their village."""

    class Status(models.TextChoices):
        PENDING = "pending", "待答复"
        ANSWERED = "answered", "已答复"

    node = node_fk("村（社区）")
    advisor = models.ForeignKey(Advisor, verbose_name="承办顾问", null=True, blank=True, on_delete=models.PROTECT, related_name="consultations")
    code = models.CharField("查询码", max_length=16, unique=True)
    asker_name = models.CharField("提问人", max_length=50)
    phone = EncryptedField("联系电话", kind="phone", plain_max_length=20)  # encrypted at rest (core/personal.py)
    phone_hash = BlindIndexField(source="phone")
    is_anonymous = models.BooleanField("对外匿名", default=False)
    title = models.CharField("标题", max_length=100)
    question = models.TextField("问题")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    asked_at = models.DateTimeField("提问时间", db_index=True)
    due_date = models.DateField("答复期限", null=True, blank=True, db_index=True)
    answer = models.TextField("答复", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True, db_index=True)
    answered_by = user_fk("答复人", optional=True)
    is_published = models.BooleanField("已发布为案例", default=False, db_index=True)
    public_question = models.TextField("公开的问题（已脱敏）", blank=True)
    public_answer = models.TextField("公开的答复（已脱敏）", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "在线咨询"
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["node", "status"])]

    def __str__(self):
        return f"咨询：{self.title}"


class ServiceRecord(Versioned):
    """One service an advisor gave (the ledger behind "20 lectures, 5,000+ residents served")."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", "法律咨询"
        LECTURE = "lecture", "普法讲座"
        RULES_REVIEW = "rules_review", "审查村规民约"
        CONTRACT_REVIEW = "contract_review", "审查合同"
        MEDIATION = "mediation", "参与调解"
        DRAFTING = "drafting", "代写法律文书"
        LITIGATION = "litigation", "代理诉讼"
        DECISION_EVALUATION = "decision_evaluation", "参与决策评估"

    node = node_fk("村（社区）")
    advisor = models.ForeignKey(Advisor, verbose_name="法律顾问", on_delete=models.PROTECT, related_name="services")
    kind = models.CharField("服务类型", max_length=30, choices=Kind.choices, db_index=True)
    date = models.DateField("日期", db_index=True)
    title = models.CharField("事项", max_length=200)
    people_served = models.PositiveIntegerField("服务人数", default=0)
    hours = models.DecimalField("用时（小时）", max_digits=6, decimal_places=1, default=0)
    notes = models.TextField("情况说明", blank=True)
    dispute = models.ForeignKey("disputes.Dispute", verbose_name="关联纠纷案件", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="legal_services",
                                help_text="“参与调解”时关联矛盾纠纷案件（如有）")
    created_by = user_fk("登记人", optional=True)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "法律服务记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["node", "date"]), models.Index(fields=["kind", "date"]),
                   # covers the list page's total of people served (SUM over the scope) without reading the rows
                   models.Index(fields=["node", "date", "people_served"], name="legal_svc_people_idx")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}：{self.title}"


class Station(Named, models.Model):
    """公共法律服务站 of a village (one per village)."""

    node = models.OneToOneField(OrgNode, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="legal_station")
    name = models.CharField("名称", max_length=100)
    address = models.CharField("地址", max_length=200)
    opening_hours = models.CharField("开放时间", max_length=100, blank=True)
    opened_on = models.DateField("建成日期", null=True, blank=True)
    is_active = models.BooleanField("运行中", default=True)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "公共法律服务站"
        ordering = ["node__path"]


class DemonstrationVillage(models.Model):
    """民主法治示范村（社区） designation: level and year."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家级"
        PROVINCIAL = "provincial", "省级"
        MUNICIPAL = "municipal", "市级"
        DISTRICT = "district", "区级"

    node = node_fk("村（社区）")
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField("命名年份")
    title = models.CharField("称号", max_length=100, default="民主法治示范村（社区）")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "民主法治示范村"
        ordering = ["-year", "node__path"]
        constraints = [models.UniqueConstraint(fields=["node", "level"], name="legal_demo_village_once_per_level")]

    def __str__(self):
        return f"{self.node.name}（{self.get_level_display()}，{self.year}年）"
