"""普法、培训与学法: key dates and campaigns, publicity events with reach per audience group, publicity sites
(阵地), the registry of 法治带头人/法律明白人 and their trainings, leadership law study, staff legal training.

Every figure of the annual report is counted from these records (figures.py); nothing here stores a total.
"""
import datetime

from django.conf import settings
from django.db import models

from fazhi.core.fields import node_fk, user_fk
from fazhi.core.modelbases import Named, Versioned
from fazhi.core.models import Unit


class Target(models.TextChoices):
    """法律六进 — the six places law publicity goes into."""

    ORGAN = "organ", "机关"
    VILLAGE = "village", "乡村"
    COMMUNITY = "community", "社区"
    SCHOOL = "school", "学校"
    ENTERPRISE = "enterprise", "企业"
    UNIT = "unit", "单位"


class KeyDate(Named, models.Model):
    """A publicity node of the year (重要宣传节点): 3.15, 4.15, June anti-drug month, 12.4 ... Data, not code.

    Solar dates repeat every year (month/day); traditional festivals follow the lunar calendar, so their solar
    date per year is stored in ``lunar_dates`` ({"2024": "2024-06-10"}) and a year without one says so.
    """

    class Calendar(models.TextChoices):
        SOLAR = "solar", "公历"
        LUNAR = "lunar", "农历（按年录入公历日期）"

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    theme = models.CharField("宣传主题", max_length=200)
    calendar = models.CharField("历法", max_length=10, choices=Calendar.choices, default=Calendar.SOLAR)
    month = models.PositiveSmallIntegerField("月", null=True, blank=True)
    day = models.PositiveSmallIntegerField("日", null=True, blank=True)
    duration_days = models.PositiveSmallIntegerField("持续天数", default=1, help_text="如禁毒宣传月为30天")
    lunar_dates = models.JSONField("农历节日各年公历日期", default=dict, blank=True)
    suggested_target = models.CharField("建议“六进”对象", max_length=20, choices=Target.choices, blank=True)
    basis = models.CharField("来源/依据", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "宣传节点"
        ordering = ["sort_order", "month", "day", "id"]

    def start_in(self, year):
        """The first day of this key date in ``year`` (None if a lunar date is not entered for that year)."""
        if self.calendar == self.Calendar.LUNAR:
            value = (self.lunar_dates or {}).get(str(year))
            try:
                return datetime.date.fromisoformat(value) if value else None
            except ValueError:
                return None
        try:
            return datetime.date(year, self.month, self.day)
        except (TypeError, ValueError):
            return None

    def end_in(self, year):
        start = self.start_in(year)
        return start + datetime.timedelta(days=max(self.duration_days, 1) - 1) if start else None

    @property
    def when_label(self):
        if self.calendar == self.Calendar.LUNAR:
            return "农历节日"
        if self.duration_days >= 28:
            return f"{self.month}月全月"
        return f"{self.month}月{self.day}日"


class AudienceGroup(Named, models.Model):
    """An audience group (宣传对象): 老年人, 青少年, 外出务工人员/农民工 ... Data; ``code`` is stable."""

    MIGRANT_WORKERS = "migrant_workers"

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "宣传对象群体"
        ordering = ["sort_order", "id"]


class Campaign(Named, models.Model):
    """A named campaign (专项宣传活动), e.g. 2023年禁毒宣传月, usually attached to a key date."""

    node = node_fk("所属组织")
    name = models.CharField("名称", max_length=100)
    key_date = models.ForeignKey(KeyDate, verbose_name="宣传节点", null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    theme = models.CharField("主题", max_length=200, blank=True)
    created_by = user_fk(null=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "专项宣传活动"
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["node", "start_date"])]


class Event(Versioned):
    """One publicity event (普法宣传活动). Planned events get their results recorded after they are held."""

    class Status(models.TextChoices):
        PLANNED = "planned", "计划中"
        HELD = "held", "已开展"
        CANCELLED = "cancelled", "已取消"

    node = node_fk("所属组织")
    title = models.CharField("活动名称", max_length=100)
    date = models.DateField("活动日期")
    place = models.CharField("地点", max_length=100)
    organiser_unit = models.ForeignKey(Unit, verbose_name="组织单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organiser_text = models.CharField("组织单位（其他）", max_length=100, blank=True)
    target = models.CharField("“六进”对象", max_length=20, choices=Target.choices)
    key_date = models.ForeignKey(KeyDate, verbose_name="宣传节点", null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    campaign = models.ForeignKey(Campaign, verbose_name="专项活动", null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    content = models.TextField("活动内容", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PLANNED)
    materials = models.PositiveIntegerField("发放宣传资料（份）", default=0)
    slogans = models.PositiveIntegerField("张贴标语横幅（条/幅）", default=0)
    online_reach = models.PositiveIntegerField("线上覆盖（人次）", default=0)
    record_due = models.DateField("情况登记期限", null=True, blank=True, db_index=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = user_fk(null=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "普法宣传活动"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["node", "date"]),
            models.Index(fields=["status", "date"]),
            models.Index(fields=["target", "date"]),
            models.Index(fields=["key_date", "date"]),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def organiser(self):
        return self.organiser_unit.name if self.organiser_unit_id else self.organiser_text


class EventReach(models.Model):
    """People reached by one event in one audience group — so reach by group is a real figure."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reach")
    group = models.ForeignKey(AudienceGroup, verbose_name="群体", on_delete=models.PROTECT, related_name="+")
    people = models.PositiveIntegerField("人次")

    class Meta:
        verbose_name = verbose_name_plural = "分群体受众"
        constraints = [models.UniqueConstraint(fields=["event", "group"], name="publicity_reach_unique")]


class Site(Named, Versioned):
    """A publicity site (普法阵地): theme park, rule-of-law square, corridor, culture wall ..."""

    node = node_fk("所属组织")
    name = models.CharField("阵地名称", max_length=100)
    kind = models.CharField("类型", max_length=40, help_text="如：主题公园、法治文化广场、法治长廊、宣传栏")
    theme = models.CharField("主题", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    investment = models.DecimalField("投资（元）", max_digits=12, decimal_places=2, default=0)
    established_on = models.DateField("建成日期")
    population_served = models.PositiveIntegerField("辐射人口（人）", default=0)
    description = models.TextField("简介", blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "普法阵地"
        ordering = ["-established_on", "-id"]
        indexes = [models.Index(fields=["node", "established_on"])]


class Leader(Named, models.Model):
    """A registered 法治带头人 or 法律明白人 of a village."""

    class Kind(models.TextChoices):
        LEADER = "leader", "法治带头人"
        LITERATE = "literate", "法律明白人"

    node = node_fk("所属村（社区）")
    name = models.CharField("姓名", max_length=30)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    gender = models.CharField("性别", max_length=2, blank=True, choices=[("男", "男"), ("女", "女")])
    position = models.CharField("身份/职务", max_length=50, blank=True, help_text="如：村干部、网格员、五老乡贤")
    phone = models.CharField("联系电话", max_length=20, blank=True)
    registered_on = models.DateField("登记日期")
    is_active = models.BooleanField("在册", default=True)
    removed_on = models.DateField("移出名册日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "法治带头人/法律明白人"
        ordering = ["node__path", "name", "id"]
        indexes = [models.Index(fields=["node", "kind"]), models.Index(fields=["registered_on"])]
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="publicity_leader_unique_name")]


class LeaderTraining(models.Model):
    """A training session for 法治带头人/法律明白人 (online, offline or both), with its attendees."""

    class Mode(models.TextChoices):
        OFFLINE = "offline", "线下"
        ONLINE = "online", "线上"
        BOTH = "both", "线上线下结合"

    node = node_fk("所属组织")
    date = models.DateField("培训日期")
    topic = models.CharField("培训主题", max_length=100)
    mode = models.CharField("方式", max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    trainer = models.CharField("授课人", max_length=50, blank=True)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1, default=0)
    attendees = models.ManyToManyField(Leader, verbose_name="参训人员", related_name="trainings", blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "法治带头人/法律明白人培训"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["node", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.topic}"


class StudySession(models.Model):
    """Leadership law study: 学法 sessions, 专题研讨 seminars and 专题党课 Party lectures."""

    class Kind(models.TextChoices):
        STUDY = "study", "领导班子学法"
        SEMINAR = "seminar", "专题研讨"
        PARTY_LECTURE = "party_lecture", "专题党课"

    node = node_fk("所属组织")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    date = models.DateField("日期")
    topic = models.CharField("主题", max_length=100)
    speaker = models.CharField("主讲人", max_length=50)
    place = models.CharField("地点", max_length=100, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="参加人员（平台用户）", related_name="+", blank=True)
    attendee_names = models.CharField("其他参加人员", max_length=500, blank=True, help_text="不在平台上的人员，用顿号分隔")
    summary = models.TextField("内容摘要", blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "领导干部学法"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["node", "kind", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    @property
    def attendee_count(self):
        names = [n for n in self.attendee_names.replace("，", "、").replace(",", "、").split("、") if n.strip()]
        return self.attendees.count() + len(names)


class StaffTraining(models.Model):
    """Staff legal training or a certificate exam (执法证考试等), with hours per attendee (core User)."""

    class Kind(models.TextChoices):
        TRAINING = "training", "法律培训"
        EXAM = "exam", "资格证书考试"

    node = node_fk("所属组织")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.TRAINING)
    date = models.DateField("日期")
    title = models.CharField("名称", max_length=100)
    organiser = models.CharField("组织单位", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "工作人员法律培训/考试"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["node", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"


class StaffAttendance(models.Model):
    class Result(models.TextChoices):
        NONE = "", "—"
        PASSED = "passed", "通过"
        FAILED = "failed", "未通过"

    training = models.ForeignKey(StaffTraining, on_delete=models.CASCADE, related_name="attendance")
    user = user_fk("人员")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, default=0)
    result = models.CharField("考试结果", max_length=10, choices=Result.choices, blank=True, default="")
    certificate_no = models.CharField("证书编号", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "参训记录"
        constraints = [models.UniqueConstraint(fields=["training", "user"], name="publicity_staff_attendance_unique")]
        indexes = [models.Index(fields=["user", "training"])]
