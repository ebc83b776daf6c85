"""Administrative law enforcement under the "three systems" (行政执法三项制度).

Records here are add-only where the law asks for a permanent record: case steps, legal reviews, custody events
and evaluations are never edited (a correction is a new step pointing at the old one). Every write goes through
services.py; every read through selectors.py.
"""
from django.conf import settings
from django.db import models

from fazhi.core.fields import node_fk, user_fk
from fazhi.core.modelbases import LegalRule, Named, Versioned
from fazhi.core.models import StoredFile, Unit
from fazhi.core.personal import BlindIndexField, EncryptedField


class Subject(models.Model):
    """执法主体: the body that holds the powers (the subdistrict's comprehensive enforcement office)."""

    node = node_fk("所属街道")
    unit = models.OneToOneField(Unit, verbose_name="机构", on_delete=models.PROTECT, related_name="enforcement_subject")
    legal_status = models.CharField("主体资格", max_length=200, help_text="如“依法受委托/依法赋权的乡镇（街道）综合行政执法机构”")
    address = models.CharField("办公地址", max_length=200, blank=True)
    office_phone = models.CharField("办公电话（公开）", max_length=40, blank=True)
    procedures = models.TextField("执法程序说明", blank=True)
    remedies = models.TextField("救济途径", blank=True)
    complaints = models.TextField("投诉举报方式", blank=True)
    reconsideration_body = models.CharField(
        "行政复议机关", max_length=200, blank=True,
        help_text="决定书载明的行政复议机关（行政处罚法第五十九条第五项；行政复议法第二十四条），如“××区人民政府”")
    litigation_court = models.CharField("管辖人民法院", max_length=200, blank=True,
                                        help_text="决定书载明的提起行政诉讼的人民法院（行政处罚法第五十九条第五项）")

    class Meta:
        verbose_name = verbose_name_plural = "执法主体"

    def __str__(self):
        return self.unit.name


class PowerType(models.TextChoices):
    PENALTY = "penalty", "行政处罚"
    INSPECTION = "inspection", "行政检查"
    COMPULSORY = "compulsory", "行政强制"


class Power(Versioned):
    """权责清单 item."""

    node = node_fk("所属街道")
    subject = models.ForeignKey(Subject, verbose_name="执法主体", on_delete=models.PROTECT, related_name="powers")
    code = models.CharField("事项编码", max_length=40)
    name = models.CharField("事项名称", max_length=200)
    power_type = models.CharField("权力类型", max_length=20, choices=PowerType.choices, db_index=True)
    legal_basis = models.TextField("法律依据")
    discretion = models.TextField("裁量基准", blank=True, help_text="每行一档，如“轻微：责令改正，不予处罚”")
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "权责清单事项"
        verbose_name_plural = "权责清单"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["subject", "code"], name="enforcement_power_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def discretion_levels(self):
        return [line.strip() for line in self.discretion.splitlines() if line.strip()]


class Officer(Named, Versioned):
    """执法人员 with a certificate (执法证)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在岗"
        SUSPENDED = "suspended", "暂扣"
        REVOKED = "revoked", "注销"

    node = node_fk("所属街道")
    subject = models.ForeignKey(Subject, verbose_name="执法主体", on_delete=models.PROTECT, related_name="officers")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.PROTECT, related_name="enforcement_officer")
    name = models.CharField("姓名", max_length=50)
    certificate_number = models.CharField("执法证号", max_length=40, blank=True)
    issuing_authority = models.CharField("发证机关", max_length=100, blank=True)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = verbose_name_plural = "执法人员"
        ordering = ["name", "id"]

    def certificate_problem(self, on):
        """None if the certificate is valid on ``on``, else why not (Chinese)."""
        if not self.certificate_number:
            return f"{self.name}没有执法证"
        if self.status != self.Status.ACTIVE:
            return f"{self.name}的执法证已{self.get_status_display()}"
        if self.valid_from and on < self.valid_from:
            return f"{self.name}的执法证{self.valid_from:%Y-%m-%d}起才生效"
        if self.valid_until is None or on > self.valid_until:
            return f"{self.name}的执法证已于{self.valid_until:%Y-%m-%d}过期" if self.valid_until else f"{self.name}的执法证无有效期"
        return None

    def cert_valid(self, on):
        return self.certificate_problem(on) is None


class StepKind(models.TextChoices):
    FILING = "filing", "立案"
    INSPECTION = "inspection", "现场检查"
    INTERVIEW = "interview", "询问调查"
    EVIDENCE = "evidence", "调查取证"
    NOTICE = "notice", "告知"
    STATEMENT = "statement", "陈述申辩及复核"
    HEARING_REQUEST = "hearing_request", "申请听证"
    HEARING_WAIVER = "hearing_waiver", "放弃听证"
    HEARING_NOTICE = "hearing_notice", "听证通知"
    HEARING = "hearing", "听证"
    COLLECTIVE = "collective", "负责人集体讨论"
    REVIEW_SUBMIT = "review_submit", "提请法制审核"
    LEGAL_REVIEW = "legal_review", "法制审核"
    DECISION = "decision", "作出决定"
    SERVICE = "service", "送达"
    EXECUTION = "execution", "执行"
    CLOSURE = "closure", "结案"
    EXTENSION = "extension", "延长办案期限"
    CORRECTION = "correction", "更正记录"
    OTHER = "other", "其他"


# kind: (minimum certificated officers, audio-video recording required)
STEP_RULES = {
    StepKind.FILING: (0, False),
    StepKind.INSPECTION: (2, True),
    StepKind.INTERVIEW: (2, False),
    StepKind.EVIDENCE: (2, True),
    StepKind.NOTICE: (2, False),
    StepKind.STATEMENT: (0, False),
    StepKind.HEARING_REQUEST: (0, False),
    StepKind.HEARING_WAIVER: (0, False),
    StepKind.HEARING_NOTICE: (0, False),
    StepKind.HEARING: (2, True),
    StepKind.COLLECTIVE: (0, False),
    StepKind.REVIEW_SUBMIT: (0, False),
    StepKind.LEGAL_REVIEW: (0, False),
    StepKind.DECISION: (0, False),
    StepKind.SERVICE: (2, True),
    StepKind.EXECUTION: (2, False),
    StepKind.CLOSURE: (0, False),
    StepKind.EXTENSION: (0, False),
    StepKind.CORRECTION: (0, False),
    StepKind.OTHER: (0, False),
}
EVIDENCE_STEP_KINDS = (StepKind.INSPECTION, StepKind.INTERVIEW, StepKind.EVIDENCE)


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "待立案审批"
    NOT_FILED = "not_filed", "不予立案"
    INVESTIGATING = "investigating", "调查取证"
    NOTIFIED = "notified", "已告知"
    HEARING = "hearing", "待听证"
    HEARD = "heard", "已听证"
    REVIEWING = "reviewing", "法制审核中"
    REVIEWED = "reviewed", "法制审核通过"
    DECIDED = "decided", "已决定"
    SERVED = "served", "已送达"
    EXECUTED = "executed", "已执行"
    CLOSED = "closed", "已结案"


OPEN_STATUSES = [CaseStatus.DRAFT, CaseStatus.INVESTIGATING, CaseStatus.NOTIFIED, CaseStatus.HEARING, CaseStatus.HEARD,
                 CaseStatus.REVIEWING, CaseStatus.REVIEWED]


class Result(models.TextChoices):
    PENALTY = "penalty", "给予行政处罚"
    NO_PENALTY = "no_penalty", "不予行政处罚"
    ORDER = "order", "责令改正"
    TRANSFER = "transfer", "移送司法机关"
    REVOKED = "revoked", "撤销案件"


class Case(Versioned):
    class PartyKind(models.TextChoices):
        PERSON = "person", "自然人"
        ORGANISATION = "organisation", "法人或其他组织"

    node = node_fk("发生地")
    subject = models.ForeignKey(Subject, verbose_name="执法主体", on_delete=models.PROTECT, related_name="cases")
    power = models.ForeignKey(Power, verbose_name="执法事项", on_delete=models.PROTECT, related_name="cases")
    number = models.CharField("案号", max_length=60, blank=True, db_index=True)
    title = models.CharField("案由", max_length=200)
    party_kind = models.CharField("当事人类型", max_length=20, choices=PartyKind.choices)
    party_name = models.CharField("当事人", max_length=100)
    # personal numbers: encrypted at rest, found by their keyed hash (fazhi/core/personal.py)
    party_id_number = EncryptedField("证件号码", kind="id", plain_max_length=30, blank=True)
    party_id_number_hash = BlindIndexField(source="party_id_number")
    party_phone = EncryptedField("联系电话", kind="phone", plain_max_length=20, blank=True)
    party_phone_hash = BlindIndexField(source="party_phone")
    party_address = models.CharField("住址/地址", max_length=200, blank=True)
    facts = models.TextField("案件事实")
    involves_public_interest = models.BooleanField("涉及重大公共利益", default=False)
    is_complex = models.BooleanField("疑难复杂、涉及多个法律关系", default=False)
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT, db_index=True)
    created_at = models.DateTimeField("登记时间")
    created_by = user_fk("登记人")
    filed_on = models.DateField("立案日期", null=True, blank=True, db_index=True)
    filing_approved_by = user_fk("立案审批人", optional=True)
    decision_extension_days = models.PositiveIntegerField("延长（日）", default=0)
    decision_extension_basis = models.TextField(
        "延长依据", blank=True, help_text="行政处罚法第六十条本身不设延长；只有法律、法规、规章另有规定时才可延长，此处为经办人填写的该规定")
    decision_due = models.DateField("决定期限", null=True, blank=True, db_index=True)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    heavy_penalty = models.BooleanField("拟作较重处罚（有听证权）", default=False)
    proposed_fine = models.DecimalField("拟罚款金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    statement_on = models.DateField("陈述申辩日期", null=True, blank=True)
    statement_waived = models.BooleanField("当事人明确放弃陈述申辩", default=False)
    statement_text = models.TextField("陈述申辩内容", blank=True)
    statement_review = models.TextField("复核意见", blank=True)
    hearing_requested = models.BooleanField("当事人申请听证", default=False)
    hearing_waived = models.BooleanField("当事人放弃听证", default=False)
    hearing_notified_on = models.DateField("听证通知日期", null=True, blank=True)
    hearing_at = models.DateTimeField("听证时间", null=True, blank=True)
    hearing_place = models.CharField("听证地点", max_length=200, blank=True)
    hearing_host = user_fk("听证主持人", optional=True)
    hearing_held = models.BooleanField("已举行听证", default=False)
    hearing_record = models.TextField("听证笔录", blank=True)
    collective_on = models.DateField("集体讨论日期", null=True, blank=True)
    collective_attendees = models.TextField("参加集体讨论的负责人", blank=True)
    collective_record = models.TextField("集体讨论决定记录", blank=True)
    is_major = models.BooleanField("重大执法决定", default=False, db_index=True)
    major_reasons = models.JSONField("重大案件情形", default=list, blank=True)
    result = models.CharField("处理结果", max_length=20, choices=Result.choices, blank=True, db_index=True)
    fine_amount = models.DecimalField("罚款金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    decision_number = models.CharField("决定书文号", max_length=60, blank=True)
    decision_text = models.TextField("决定内容", blank=True)
    decision_basis = models.TextField("法律依据", blank=True)
    discretion_applied = models.TextField("裁量情况", blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True, db_index=True)
    decided_by = user_fk("决定人", optional=True)
    publication_due = models.DateField("应公示期限", null=True, blank=True, db_index=True,
                                       help_text="作出决定时按工作日计算（处罚决定7个工作日、其他决定20个工作日）；工作日历或期限规则变更时对尚未公示的决定重算。")
    service_due = models.DateField("送达期限", null=True, blank=True)
    served_on = models.DateField("送达日期", null=True, blank=True)
    executed_on = models.DateField("执行日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True, db_index=True)
    officers = models.ManyToManyField(Officer, verbose_name="承办人员", related_name="cases", blank=True)
    search_text = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法案件"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["node", "status"]), models.Index(fields=["status", "decision_due"])]

    def __str__(self):
        return f"{self.number or '（未立案）'} {self.title}"

    @property
    def party_is_person(self):
        return self.party_kind == self.PartyKind.PERSON


class CaseStep(models.Model):
    """One recorded step of a case. Add-only: never updated or deleted."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="steps")
    node = node_fk("所属")
    kind = models.CharField("环节", max_length=30, choices=StepKind.choices, db_index=True)
    occurred_at = models.DateTimeField("时间", db_index=True)
    place = models.CharField("地点", max_length=200, blank=True)
    content = models.TextField("内容")
    documents = models.CharField("文书", max_length=300, blank=True)
    officers = models.ManyToManyField(Officer, verbose_name="执法人员", related_name="steps", blank=True)
    av_required = models.BooleanField("应音像记录", default=False, db_index=True)
    corrects = models.ForeignKey("self", verbose_name="更正的记录", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    recorded_by = user_fk("记录人")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "执法环节记录"
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.occurred_at:%Y-%m-%d}）"


class CustodyEvent(models.Model):
    """Chain of custody of an evidence file: who uploaded, viewed, downloaded it, and when. Add-only."""

    class Action(models.TextChoices):
        UPLOADED = "uploaded", "上传"
        VIEWED = "viewed", "查看"
        DOWNLOADED = "downloaded", "下载"
        VERIFIED = "verified", "校验"

    stored_file = models.ForeignKey(StoredFile, verbose_name="文件", on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(CaseStep, verbose_name="环节", on_delete=models.PROTECT, related_name="custody")
    node = node_fk()
    action = models.CharField("动作", max_length=20, choices=Action.choices)
    user = user_fk("人员", optional=True)
    at = models.DateTimeField("时间")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "证据保管记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["stored_file", "at"])]


class MajorCaseRule(LegalRule):
    """When a case counts as major and needs legal review (行政处罚法第五十八条). Data, not code."""

    class Kind(models.TextChoices):
        FINE_OVER = "fine_over", "罚款金额达到"
        HEARING_HELD = "hearing_held", "经过听证程序"
        PUBLIC_INTEREST = "public_interest", "涉及重大公共利益"
        COMPLEX = "complex", "疑难复杂、涉及多个法律关系"
        POWER_TYPE = "power_type", "特定权力类型"

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("情形", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    threshold = models.DecimalField("金额标准（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    power_type = models.CharField("权力类型", max_length=20, choices=PowerType.choices, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta(LegalRule.Meta):
        verbose_name = verbose_name_plural = "重大执法决定情形"

    def __str__(self):
        return self.name


REVIEW_CHECKLIST = [
    ("subject", "执法主体是否合法"),
    ("qualification", "执法人员是否具备执法资格"),
    ("procedure", "执法程序是否合法"),
    ("facts", "案件事实是否清楚，证据是否合法充分"),
    ("basis", "适用法律、法规、规章是否准确，裁量基准运用是否适当"),
    ("powers", "是否超越执法机关法定权限"),
    ("documents", "执法文书是否完备、规范"),
    ("criminal", "违法行为是否涉嫌犯罪、需要移送司法机关（已审查）"),
]


class LegalReview(models.Model):
    """重大执法决定法制审核 opinion. Add-only."""

    class Opinion(models.TextChoices):
        APPROVE = "approve", "同意"
        REJECT = "reject", "退回补正"

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="reviews")
    node = node_fk()
    reviewer = user_fk("审核人")
    checklist = models.JSONField("审核要点", default=dict)
    opinion = models.CharField("审核意见", max_length=20, choices=Opinion.choices)
    reasons = models.TextField("意见说明", blank=True)
    reviewed_at = models.DateTimeField("审核时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "法制审核"
        ordering = ["reviewed_at", "id"]


class ReviewerQualification(models.Model):
    """从事行政处罚决定法制审核的人员 and their 法律职业资格 (行政处罚法第五十八条第二款)."""

    node = node_fk("所属街道")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.PROTECT,
                                related_name="enforcement_reviewer")
    reviewing_since = models.DateField("开始从事法制审核日期")
    qualification_number = models.CharField("法律职业资格证书编号", max_length=60, blank=True)
    qualified_on = models.DateField("取得法律职业资格日期", null=True, blank=True)
    recorded_by = user_fk()
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "法制审核人员"
        ordering = ["reviewing_since", "id"]

    def __str__(self):
        return f"{self.user.display_name}（法制审核人员）"


class Publication(Versioned):
    """执法决定公示 (after-the-fact publicity). Text is masked when published; withdrawal is recorded, never deleted."""

    class Kind(models.TextChoices):
        PENALTY = "penalty", "行政处罚决定"
        OTHER = "other", "其他执法决定"

    class Status(models.TextChoices):
        PUBLISHED = "published", "已公示"
        WITHDRAWN = "withdrawn", "已撤回"

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="publications")
    node = node_fk()
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    party_display = models.CharField("当事人（公示）", max_length=100)
    address_display = models.CharField("地点（公示）", max_length=100, blank=True)
    body = models.TextField("公示内容")
    published_on = models.DateField("公示日期", db_index=True)
    due_date = models.DateField("应公示期限", null=True, blank=True)
    on_time = models.BooleanField("按期公示", default=True)
    published_by = user_fk()
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PUBLISHED, db_index=True)
    revoked_on = models.DateField("原决定被撤销/变更日期", null=True, blank=True)
    withdraw_due = models.DateField("应撤回期限", null=True, blank=True)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    withdraw_reason = models.TextField("撤回理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法决定公示"
        ordering = ["-published_on", "-id"]


EVALUATION_CHECKLIST = [
    ("subject", "执法主体合法", 10),
    ("officers", "执法人员资格、人数符合要求", 10),
    ("facts", "事实清楚、证据确凿", 20),
    ("basis", "适用依据正确、裁量适当", 20),
    ("procedure", "程序合法、期限合规", 20),
    ("documents", "文书规范、卷宗完整", 10),
    ("recording", "全过程记录（含音像记录）完整", 10),
]


class Evaluation(models.Model):
    """案卷评查 of a closed case by a supervisor. Add-only."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="evaluations")
    node = node_fk()
    evaluator = user_fk("评查人")
    scores = models.JSONField("评分", default=dict)
    total = models.PositiveIntegerField("总分")
    findings = models.TextField("评查意见")
    evaluated_on = models.DateField("评查日期", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "案卷评查"
        ordering = ["-evaluated_on", "-id"]


class Accountability(models.Model):
    """行政执法责任追究 record linked to an officer."""

    node = node_fk()
    officer = models.ForeignKey(Officer, verbose_name="执法人员", on_delete=models.PROTECT, related_name="accountabilities")
    case = models.ForeignKey(Case, verbose_name="关联案件", null=True, blank=True, on_delete=models.PROTECT, related_name="accountabilities")
    measure = models.CharField("处理方式", max_length=100)
    description = models.TextField("事实与理由")
    decided_on = models.DateField("处理日期")
    recorded_by = user_fk()

    class Meta:
        verbose_name = verbose_name_plural = "责任追究"
        ordering = ["-decided_on", "-id"]
