"""One-stop dispute resolution (矛盾纠纷多元化解): cases, parties, rooms, roster, sessions, agreements, follow-ups.

Rules of the workflow live in ``workflow.py``; every write is in ``services.py``; every read in ``selectors.py``.
"""
from django.conf import settings
from django.db import models

from fazhi.core.fields import node_fk, user_fk
from fazhi.core.modelbases import Catalogue, Named, Ordered, Versioned
from fazhi.core.models import OrgNode, Unit
from fazhi.core.personal import BlindIndexField, EncryptedField


class DisputeKind(Catalogue):
    """A kind of dispute (婚姻家庭, 邻里 ...). Data, so a site can add kinds and its own time limit per kind."""

    name = models.CharField("名称", max_length=50, unique=True)
    deadline_rule_code = models.CharField("办结期限规则", max_length=80, default="disputes.conclude",
                                          help_text="期限规则代码，默认“disputes.conclude”（一个月）")

    class Meta(Catalogue.Meta):
        verbose_name = verbose_name_plural = "纠纷类型"


class Mediator(Ordered):
    """A mediator on the roster (调解员名册); may sit on the administrative mediation committee (a core Unit)."""

    class Kind(models.TextChoices):
        PEOPLE = "people", "人民调解员"
        ADMINISTRATIVE = "administrative", "行政调解员"
        JUDICIAL = "judicial", "特邀调解员（司法）"

    node = node_fk("所属组织")
    user = user_fk("系统账号", optional=True, on_delete=models.SET_NULL, related_name="mediator_profiles")
    name = models.CharField("姓名", max_length=50)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.PEOPLE)
    organisation = models.CharField("工作单位/职务", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    specialities = models.ManyToManyField(DisputeKind, verbose_name="擅长领域", blank=True, related_name="+")
    committee = models.ForeignKey(Unit, verbose_name="所属调解委员会", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="mediators")
    committee_position = models.CharField("委员会职务", max_length=30, blank=True, help_text="如主任、副主任、委员")
    is_active = models.BooleanField("在册", default=True)

    class Meta(Ordered.Meta):
        verbose_name = "调解员"
        verbose_name_plural = "调解员名册"


class MediationRoom(Ordered):
    """A branded room of the mediation supermarket (群众诉求超市), e.g. 老赵劳动调解室."""

    node = node_fk("所属街道")
    name = models.CharField("名称", max_length=50)
    host_name = models.CharField("负责人", max_length=50)
    host = user_fk("负责人账号", optional=True, on_delete=models.SET_NULL, related_name="hosted_rooms")
    specialities = models.ManyToManyField(DisputeKind, verbose_name="擅长领域", blank=True, related_name="rooms")
    opening_hours = models.CharField("开放时间", max_length=100, blank=True)
    location = models.CharField("地点", max_length=100, blank=True)
    introduction = models.TextField("简介", blank=True)
    photo = models.ForeignKey("core.StoredFile", verbose_name="照片", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField("开放", default=True)

    class Meta(Ordered.Meta):
        verbose_name = verbose_name_plural = "调解室"
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="disputes_room_unique_name")]


class RiskWord(models.Model):
    """A word that suggests violence (民转刑) or a group dispute (群体性) in a case's text. Configurable."""

    class Category(models.TextChoices):
        VIOLENCE = "violence", "暴力倾向"
        GROUP = "group", "群体性"

    word = models.CharField("词语", max_length=30, unique=True)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "风险词"
        verbose_name_plural = "风险词库"
        ordering = ["category", "word"]

    def __str__(self):
        return self.word


class Dispute(Versioned):
    class Status(models.TextChoices):
        REGISTERED = "registered", "已登记"
        ACCEPTED = "accepted", "已受理"
        DECLINED = "declined", "不予受理"
        ASSIGNED = "assigned", "已分派"
        IN_MEDIATION = "in_mediation", "调解中"
        AGREED = "agreed", "调解成功"
        FAILED = "failed", "调解不成"
        CLOSED = "closed", "已结案"
        MERGED = "merged", "已并案"

    OPEN_STATUSES = ("registered", "accepted", "assigned", "in_mediation")
    TERMINAL_STATUSES = ("declined", "closed", "merged")

    class Level(models.TextChoices):
        GRID = "grid", "网格"
        VILLAGE = "village", "村（社区）"
        SUBDISTRICT = "subdistrict", "街道"

    class Channel(models.TextChoices):
        ONLINE = "online", "群众网上提交"
        WALK_IN = "walk_in", "窗口来访"
        PATROL = "patrol", "网格排查"
        REFERRAL = "referral", "部门移送"

    class ReferralSource(models.TextChoices):
        NONE = "", "—"
        POLICE = "police", "公安派出所"
        COURT = "court", "人民法院"
        PETITION = "petition", "信访部门"
        OTHER = "other", "其他部门"

    class MediationType(models.TextChoices):
        PEOPLE = "people", "人民调解"
        ADMINISTRATIVE = "administrative", "行政调解"
        JUDICIAL = "judicial", "司法调解"

    class JudicialOutcome(models.TextChoices):
        NONE = "", "—"
        NOT_APPLIED = "not_applied", "未申请"
        APPLIED = "applied", "已申请，待裁定"
        CONFIRMED = "confirmed", "裁定有效"
        REJECTED = "rejected", "裁定驳回"

    node = node_fk("当前办理单位")
    village = models.ForeignKey(OrgNode, verbose_name="发生地（村/社区）", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(OrgNode, verbose_name="发生地（网格）", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    tracking_code = models.CharField("查询码", max_length=16, unique=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REGISTERED)
    level = models.CharField("办理层级", max_length=20, choices=Level.choices, default=Level.SUBDISTRICT)
    kind = models.ForeignKey(DisputeKind, verbose_name="纠纷类型", on_delete=models.PROTECT, related_name="disputes")
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices)
    referral_source = models.CharField("移送单位", max_length=20, choices=ReferralSource.choices, blank=True, default="")
    referral_note = models.CharField("移送说明", max_length=200, blank=True)
    mediation_type = models.CharField("调解类型", max_length=20, choices=MediationType.choices, default=MediationType.PEOPLE)
    title = models.CharField("事由", max_length=100)
    description = models.TextField("纠纷简要情况")
    place = models.CharField("发生地点", max_length=200, blank=True)
    occurred_on = models.DateField("纠纷发生日期", null=True, blank=True)
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    requested_room = models.ForeignKey(MediationRoom, verbose_name="群众点单调解室", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    room = models.ForeignKey(MediationRoom, verbose_name="调解室", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="disputes")
    centre_body = models.ForeignKey(Unit, verbose_name="承办机构", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    mediators = models.ManyToManyField(Mediator, verbose_name="调解员", blank=True, related_name="disputes")
    advisors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="参与调解的法律顾问", blank=True,
                                      related_name="joined_disputes")
    # Contact of whoever submitted (for the public tracking lookup); digits only.
    contact_phone = EncryptedField("联系电话", kind="phone", plain_max_length=20)  # encrypted at rest
    contact_phone_hash = BlindIndexField(source="contact_phone")  # exact-match lookup (public tracking)
    received_on = models.DateField("登记日期", db_index=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    concluded_on = models.DateField("调解终结日期", null=True, blank=True)
    resolved_on = models.DateField("化解日期", null=True, blank=True, db_index=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    due_date = models.DateField("办结期限", null=True, blank=True, db_index=True)
    deadline_unknown = models.BooleanField("期限无法计算", default=False)
    is_flagged = models.BooleanField("风险标记", default=False, db_index=True)
    risk_reasons = models.JSONField("风险原因", default=list, blank=True)
    failure_routes = models.TextField("其他救济途径告知", blank=True)
    merged_into = models.ForeignKey("self", verbose_name="并入案件", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_cases")
    search_text = models.TextField("检索文本", blank=True, editable=False)
    submission_key = models.CharField("提交指纹", max_length=64, blank=True, db_index=True, editable=False)
    # the submission fingerprint + the day it arrived: a unique constraint, so identical submissions sent at the same
    # moment create one case even when the database runs them in parallel (PostgreSQL)
    dedupe_key = models.CharField("防重复键", max_length=64, null=True, blank=True, unique=True, editable=False)
    created_by = user_fk("登记人", optional=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("登记时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = verbose_name_plural = "矛盾纠纷"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="disputes_status_due_idx"),
            models.Index(fields=["node", "status"], name="disputes_node_status_idx"),
            models.Index(fields=["kind", "resolved_on"], name="disputes_kind_resolved_idx"),
            models.Index(fields=["channel"], name="disputes_channel_idx"),
            models.Index(fields=["level"], name="disputes_level_idx"),
            # the list's default order inside a scope: the page's ids come from this index alone (see paging.py)
            models.Index(fields=["node", "-received_on", "-id"], name="disputes_node_recv_idx"),
            # figures count by the village where a case arose (dashboard: one count per village)
            models.Index(fields=["village", "received_on"], name="disputes_village_recv_idx"),
            models.Index(fields=["village", "resolved_on"], name="disputes_village_resolved_idx"),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.title}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES


class Party(Named, models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", "申请人"
        RESPONDENT = "respondent", "被申请人"

    class Kind(models.TextChoices):
        PERSON = "person", "自然人"
        ORGANISATION = "organisation", "单位"

    dispute = models.ForeignKey(Dispute, verbose_name="纠纷", on_delete=models.CASCADE, related_name="parties")
    role = models.CharField("身份", max_length=20, choices=Role.choices)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField("姓名/名称", max_length=100)
    # personal numbers: encrypted at rest, found by their keyed hash (fazhi/core/personal.py)
    id_number = EncryptedField("身份证号/统一社会信用代码", kind="id", plain_max_length=18, blank=True)
    id_number_hash = BlindIndexField(source="id_number")
    phone = EncryptedField("联系电话", kind="phone", plain_max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone")
    address = models.CharField("住址", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "当事人"
        ordering = ["role", "id"]


class MediationSession(models.Model):
    dispute = models.ForeignKey(Dispute, verbose_name="纠纷", on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("调解日期")
    place = models.CharField("调解地点", max_length=100)
    participants = models.CharField("参加人员", max_length=300)
    record = models.TextField("调解记录")
    recorded_by = user_fk(optional=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = verbose_name_plural = "调解记录"
        ordering = ["held_on", "id"]


class Agreement(models.Model):
    """The mediation agreement (人民调解法第二十九条): parties, the main facts, the dispute and each party's
    responsibility, the agreed terms, how and by when they are performed. Its kind follows the kind of mediation:
    a 人民调解协议书 is signed by a people's mediator; administrative and judicial (court-invited) mediation produce
    their own documents, which do not promise judicial confirmation under 人民调解法第三十三条."""

    class Kind(models.TextChoices):
        PEOPLE = "people", "人民调解协议书"
        ADMINISTRATIVE = "administrative", "行政调解协议书"
        JUDICIAL = "judicial", "调解协议（法院委派/特邀调解）"

    dispute = models.OneToOneField(Dispute, verbose_name="纠纷", on_delete=models.CASCADE, related_name="agreement")
    kind = models.CharField("文书种类", max_length=20, choices=Kind.choices, default=Kind.PEOPLE)
    number = models.CharField("协议书编号", max_length=40, blank=True)
    facts = models.TextField("纠纷主要事实、争议事项")
    responsibility = models.TextField("各方当事人的责任", blank=True)
    signed_by = models.CharField("调解员（签名）", max_length=200, blank=True,
                                 help_text="签订时承办本案的调解员；人民调解协议书为人民调解员")
    terms = models.TextField("达成协议内容")
    performance_method = models.CharField("履行方式", max_length=200)
    performance_deadline = models.DateField("履行期限")
    signed_on = models.DateField("签订日期")
    judicial_deadline = models.DateField("司法确认申请截止日", null=True, blank=True, db_index=True)
    judicial_outcome = models.CharField("司法确认", max_length=20, choices=Dispute.JudicialOutcome.choices,
                                        blank=True, default="")
    judicial_applied_on = models.DateField("申请司法确认日期", null=True, blank=True)
    judicial_decided_on = models.DateField("法院裁定日期", null=True, blank=True)
    judicial_court = models.CharField("受理法院", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调解协议"


class FollowUp(models.Model):
    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    dispute = models.ForeignKey(Dispute, verbose_name="纠纷", on_delete=models.CASCADE, related_name="followups")
    visited_on = models.DateField("回访日期", db_index=True)
    performed = models.BooleanField("协议是否履行")
    satisfaction = models.CharField("满意度", max_length=20, choices=Satisfaction.choices)
    note = models.TextField("回访情况", blank=True)
    visited_by = user_fk(optional=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = verbose_name_plural = "回访记录"
        ordering = ["visited_on", "id"]


class Notice(models.Model):
    """A message to the resident, shown on the public tracking page: who decided, why, where to go next."""

    dispute = models.ForeignKey(Dispute, verbose_name="纠纷", on_delete=models.CASCADE, related_name="notices")
    at = models.DateTimeField("时间")
    title = models.CharField("标题", max_length=100)
    decided_by = models.CharField("决定单位/人员", max_length=100)
    reason = models.TextField("理由", blank=True)
    next_steps = models.TextField("下一步", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "告知"
        ordering = ["at", "id"]


class StateSpan(models.Model):
    """How long a case stayed in one state (left_at null: still there). For the "time per state" report."""

    dispute = models.ForeignKey(Dispute, verbose_name="纠纷", on_delete=models.CASCADE, related_name="spans")
    status = models.CharField("状态", max_length=20, choices=Dispute.Status.choices)
    entered_at = models.DateTimeField("进入时间")
    left_at = models.DateTimeField("离开时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "状态停留"
        ordering = ["entered_at", "id"]
        indexes = [models.Index(fields=["status", "entered_at"], name="disputes_span_idx")]


class Transfer(models.Model):
    """An escalation (level change) or a hand-over to another centre body, with its reason."""

    class Kind(models.TextChoices):
        ESCALATE = "escalate", "上报"
        TRANSFER = "transfer", "移交"

    dispute = models.ForeignKey(Dispute, verbose_name="纠纷", on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    at = models.DateTimeField("时间")
    from_label = models.CharField("原承办", max_length=100)
    to_label = models.CharField("新承办", max_length=100)
    to_body = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField("理由")
    by = user_fk(optional=True, on_delete=models.SET_NULL)
    acknowledged = models.BooleanField("已接收", default=False, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "上报/移交"
        ordering = ["at", "id"]


class DisputeLink(models.Model):
    """Two cases that belong together (并单): the same parties or the same address. ``merged`` links record a
    merge (the source case then has status "merged" and ``merged_into`` the target); both keep their audit trail."""

    class Kind(models.TextChoices):
        RELATED = "related", "关联案件"
        MERGED = "merged", "并案"

    source = models.ForeignKey(Dispute, verbose_name="案件", on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Dispute, verbose_name="相关案件", on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.RELATED)
    reason = models.CharField("关联原因", max_length=200, blank=True)
    at = models.DateTimeField("时间")
    by = user_fk(optional=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = verbose_name_plural = "关联案件"
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="disputes_link_unique")]


class TriageModel(models.Model):
    """A triage model trained on one tenant's own concluded cases (naive Bayes + a BM25 index of the same cases).
    The arrays live in ``data`` (compressed numpy archive); the newest row of a tenant is the one in use."""

    node = models.ForeignKey(OrgNode, verbose_name="街道", on_delete=models.CASCADE, related_name="+")
    trained_at = models.DateTimeField("训练时间")
    trained_by = user_fk(optional=True, on_delete=models.SET_NULL)
    cases = models.PositiveIntegerField("训练案件数", default=0)
    vocabulary = models.PositiveIntegerField("词表大小", default=0)
    seconds = models.FloatField("训练用时（秒）", default=0)
    metrics = models.JSONField("留出集准确率", default=dict, blank=True)
    data = models.BinaryField("模型数据")

    class Meta:
        verbose_name = verbose_name_plural = "分派建议模型"
        ordering = ["-trained_at", "-id"]
        indexes = [models.Index(fields=["node", "-trained_at"], name="disputes_triage_node_idx")]


class TriageSuggestion(models.Model):
    """What the system suggested when a case was registered, and what the clerk did with it (采纳/修改)."""

    class Outcome(models.TextChoices):
        PENDING = "", "待确认"
        ACCEPTED = "accepted", "采纳建议"
        CHANGED = "changed", "修改建议"
        MANUAL = "manual", "人工分派"

    dispute = models.OneToOneField(Dispute, verbose_name="纠纷", on_delete=models.CASCADE, related_name="triage")
    model = models.ForeignKey(TriageModel, verbose_name="模型", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    method = models.CharField("依据", max_length=20, default="model")  # model | rules
    threshold = models.FloatField("分派阈值")
    kind = models.ForeignKey(DisputeKind, verbose_name="建议类型", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    kind_confidence = models.FloatField("类型置信度", default=0)
    level = models.CharField("建议层级", max_length=20, choices=Dispute.Level.choices, blank=True)
    level_confidence = models.FloatField("层级置信度", default=0)
    room = models.ForeignKey(MediationRoom, verbose_name="建议调解室", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    centre_body = models.ForeignKey(Unit, verbose_name="建议承办机构", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    routing_confidence = models.FloatField("调解室/机构置信度", default=0)
    neighbours = models.JSONField("相似案件", default=list, blank=True)
    kind_outcome = models.CharField("类型建议", max_length=20, choices=Outcome.choices, blank=True, default="")
    level_outcome = models.CharField("层级建议", max_length=20, choices=Outcome.choices, blank=True, default="")
    routing_outcome = models.CharField("分派建议", max_length=20, choices=Outcome.choices, blank=True, default="")
    created_at = models.DateTimeField("建议时间")

    class Meta:
        verbose_name = verbose_name_plural = "分派建议"
