"""Government affairs (政务公开与依法决策): proactive disclosure, disclosure requests, normative documents, major
administrative decisions and Party Working Committee meetings. Rules live in workflow.py and services.py."""
from django.db import models

from fazhi.core.fields import node_fk, user_fk
from fazhi.core.modelbases import Catalogue, Named, Titled, Versioned
from fazhi.core.models import OrgNode
from fazhi.core.personal import BlindIndexField, EncryptedField


class DisclosureCategory(Catalogue):
    """The proactive-disclosure catalogue (主动公开目录). Data: seeded by a data migration, editable in admin."""

    name = models.CharField("名称", max_length=60)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta(Catalogue.Meta):
        verbose_name = verbose_name_plural = "公开目录类别"


class DisclosureItem(Titled, Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "待确认发布"
        PUBLISHED = "published", "已公开"
        WITHDRAWN = "withdrawn", "已撤回"

    node = node_fk("公开主体")
    category = models.ForeignKey(DisclosureCategory, verbose_name="目录类别", on_delete=models.PROTECT, related_name="items")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    formed_on = models.DateField("信息形成（变更）日期")
    publisher = user_fk("发布人", optional=True)
    publisher_name = models.CharField("发布机构", max_length=100, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True, db_index=True)
    due_date = models.DateField("应公开期限", null=True, blank=True)
    is_timely = models.BooleanField("按时公开", null=True)
    late_reason = models.TextField("逾期公开理由", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.TextField("撤回理由", blank=True)
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "主动公开信息"
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["node", "published_on"]), models.Index(fields=["category", "published_on"]),
                   models.Index(fields=["status", "published_on"])]


class DisclosureRequest(Versioned):
    class Status(models.TextChoices):
        REGISTERED = "registered", "办理中"
        CORRECTING = "correcting", "待补正"
        CONSULTING = "consulting", "征求第三方意见中"
        EXTENSION_PENDING = "extension_pending", "延期待批"
        ANSWERED = "answered", "已答复"
        ABANDONED = "abandoned", "视为放弃申请（逾期未补正）"

    class ApplicantType(models.TextChoices):
        PERSON = "person", "公民"
        ORGANISATION = "organisation", "法人或其他组织"

    class Reply(models.TextChoices):
        DISCLOSED = "disclosed", "予以公开"
        PARTIAL = "partial", "部分公开"
        NOT_DISCLOSED = "not_disclosed", "不予公开"
        NOT_EXIST = "not_exist", "本机关不掌握相关政府信息（信息不存在）"
        NOT_RESPONSIBLE = "not_responsible", "非本机关负责公开（告知机关）"
        ALREADY_PUBLIC = "already_public", "已主动公开（告知获取方式）"
        NOT_PROCESSED = "not_processed", "不予处理"
        NO_IDENTITY = "no_identity", "未提供身份证明（告知补充后申请）"
        REPEAT = "repeat", "重复申请，不予重复处理"
        OTHER_LAW = "other_law", "依照有关法律、行政法规的规定办理"
        WITHDRAWN = "withdrawn", "申请人撤回申请"

    class OrganisationKind(models.TextChoices):
        """法人或其他组织 by kind, the columns of table 三 of the annual report (国办公开办函〔2021〕30号)."""
        BUSINESS = "business", "商业企业"
        RESEARCH = "research", "科研机构"
        NONPROFIT = "nonprofit", "社会公益组织"
        LEGAL_SERVICE = "legal_service", "法律服务机构"
        OTHER = "other", "其他"

    class TableReason(models.TextChoices):
        """The outcome row of table 三 of the annual report, with each sub-reason (国办公开办函〔2021〕30号)."""
        DISCLOSED = "disclosed", "予以公开"
        PARTIAL = "partial", "部分公开"
        SECRET = "refuse_secret", "不予公开：属于国家秘密"
        LAW_FORBIDS = "refuse_law", "不予公开：其他法律行政法规禁止公开"
        SAFETY = "refuse_safety", "不予公开：危及“三安全一稳定”"
        THIRD_PARTY = "refuse_third_party", "不予公开：保护第三方合法权益"
        INTERNAL = "refuse_internal", "不予公开：属于三类内部事务信息"
        PROCESS = "refuse_process", "不予公开：属于四类过程性信息"
        ENFORCEMENT_FILE = "refuse_enforcement", "不予公开：属于行政执法案卷"
        QUERY = "refuse_query", "不予公开：属于行政查询事项"
        NOT_HELD = "unable_not_held", "无法提供：本机关不掌握相关政府信息"
        NEEDS_MAKING = "unable_make", "无法提供：没有现成信息需要另行制作"
        UNCLEAR = "unable_unclear", "无法提供：补正后申请内容仍不明确"
        PETITION = "ignore_petition", "不予处理：信访举报投诉类申请"
        REPEAT = "ignore_repeat", "不予处理：重复申请"
        PUBLICATION = "ignore_publication", "不予处理：要求提供公开出版物"
        VEXATIOUS = "ignore_vexatious", "不予处理：无正当理由大量反复申请"
        CONFIRM = "ignore_confirm", "不予处理：要求行政机关确认或重新出具已获取信息"
        NO_CORRECTION = "other_no_correction", "其他处理：申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
        NO_FEE = "other_no_fee", "其他处理：申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
        OTHER = "other", "其他处理：其他"

    node = node_fk("受理机关")
    tracking_code = models.CharField("查询码", max_length=20, unique=True)
    applicant_type = models.CharField("申请人类型", max_length=20, choices=ApplicantType.choices, default=ApplicantType.PERSON)
    organisation_kind = models.CharField("法人或其他组织类别", max_length=20, choices=OrganisationKind.choices, blank=True)
    applicant_name = models.CharField("申请人", max_length=100)
    phone = EncryptedField("联系电话", kind="phone", plain_max_length=20, blank=True)  # encrypted (core/personal.py)
    phone_hash = BlindIndexField(source="phone")
    email = models.CharField("电子邮箱", max_length=100, blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    content = models.TextField("所需信息的名称、文号或描述")
    purpose = models.CharField("用途", max_length=200, blank=True)
    channel = models.CharField("申请渠道", max_length=20, default="online")
    received_on = models.DateField("收到申请日期", db_index=True)
    clock_start = models.DateField("期限起算日")
    correction_requested_on = models.DateField("通知补正日期", null=True, blank=True)
    correction_note = models.TextField("补正要求", blank=True)
    correction_due = models.DateField("补正期限", null=True, blank=True)
    correction_late = models.BooleanField("补正告知超过7个工作日", default=False)
    corrected_on = models.DateField("补正完成日期", null=True, blank=True)
    waiting_days = models.PositiveIntegerField("补正等待天数", default=0)
    consultation_party = models.CharField("征求意见的第三方", max_length=200, blank=True)
    consultation_started_on = models.DateField("书面征求第三方意见日期", null=True, blank=True)
    consultation_ended_on = models.DateField("第三方意见结束日期", null=True, blank=True)
    consultation_opinion = models.TextField("第三方意见", blank=True)
    paused_days = models.PositiveIntegerField("不计入答复期限的工作日", default=0)
    extended = models.BooleanField("已延期", default=False)
    extension_reason = models.TextField("延期理由", blank=True)
    extension_approved_by = user_fk("延期批准人", optional=True)
    due_date = models.DateField("答复期限", null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    reply_type = models.CharField("答复类型", max_length=20, choices=Reply.choices, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    reply_reason = models.TextField("理由及依据", blank=True)
    referred_body = models.CharField("告知的负责机关", max_length=100, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    reply_year = models.PositiveIntegerField("答复书文号年份", null=True, blank=True)
    reply_seq = models.PositiveIntegerField("答复书文号序号", null=True, blank=True)
    reply_number = models.CharField("答复书文号", max_length=40, blank=True)
    table_reason = models.CharField("年报统计口径（办理结果）", max_length=30, choices=TableReason.choices, blank=True)
    fee_amount = models.DecimalField("收取信息处理费（元）", max_digits=10, decimal_places=2, default=0)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "依申请公开"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["node", "received_on"]), models.Index(fields=["status", "due_date"])]
        constraints = [models.UniqueConstraint(fields=["node", "reply_year", "reply_seq"], name="gov_reply_number_unique",
                                               condition=models.Q(reply_seq__isnull=False))]

    def __str__(self):
        return f"{self.tracking_code}（{self.content[:20]}）"


class Meeting(Titled, Versioned):
    class Status(models.TextChoices):
        PLANNED = "planned", "待召开"
        HELD = "held", "已召开"

    node = node_fk("所属街道")
    title = models.CharField("会议名称", max_length=120)
    held_on = models.DateField("会议日期", db_index=True)
    place = models.CharField("地点", max_length=100, blank=True)
    chair = user_fk("主持人", optional=True)
    minutes = models.TextField("会议纪要", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = verbose_name_plural = "党工委会议"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["node", "held_on"])]


class MeetingAttendee(Named, models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="attendees")
    user = user_fk("党工委成员", optional=True)
    name = models.CharField("姓名", max_length=50)
    is_voting = models.BooleanField("有表决权", default=True)
    village = models.ForeignKey(OrgNode, verbose_name="所在村（社区）", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role_label = models.CharField("身份", max_length=50, blank=True, help_text="如“村党支部书记”")

    class Meta:
        verbose_name = verbose_name_plural = "参会人员"
        ordering = ["-is_voting", "id"]


class AgendaItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "待议"
        APPROVED = "approved", "审议通过"
        REJECTED = "rejected", "未通过"
        DEFERRED = "deferred", "暂缓审议"

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveIntegerField("议题序号")
    title = models.CharField("议题", max_length=200)
    outcome = models.CharField("集体决定", max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    decision_text = models.TextField("决定内容", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议议题"
        ordering = ["meeting", "seq"]
        constraints = [models.UniqueConstraint(fields=["meeting", "seq"], name="gov_agenda_seq_unique")]

    def __str__(self):
        return f"{self.meeting.title} 议题{self.seq}：{self.title}"


class NormativeDocument(Versioned):
    class Status(models.TextChoices):
        DRAFTING = "drafting", "起草中"
        COMMENTING = "commenting", "征求意见中"
        COMMENT_CLOSED = "comment_closed", "征求意见结束"
        IN_REVIEW = "in_review", "合法性审核中"
        REVIEWED = "reviewed", "审核通过"
        DECIDED = "decided", "集体审议通过"
        REGISTERED = "registered", "已登记编号"
        PUBLISHED = "published", "已公布"
        FILED = "filed", "已备案"
        REPEALED = "repealed", "已废止/失效"

    node = node_fk("制定机关")
    title = models.CharField("文件名称", max_length=200)
    body = models.TextField("文件内容（草案）")
    drafting_unit = models.CharField("起草单位", max_length=100, blank=True)
    created_on = models.DateField("起草登记日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFTING, db_index=True)
    comment_start = models.DateField("征求意见开始", null=True, blank=True)
    comment_end = models.DateField("征求意见截止", null=True, blank=True)
    comment_days = models.PositiveIntegerField("征求意见期（工作日）", null=True, blank=True)
    review_opinion = models.TextField("合法性审核意见", blank=True)
    reviewer = user_fk("审核人", optional=True)
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    agenda_item = models.ForeignKey(AgendaItem, verbose_name="审议议题", null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    decided_on = models.DateField("审议日期", null=True, blank=True)
    number_year = models.PositiveIntegerField("文号年份", null=True, blank=True)
    number_seq = models.PositiveIntegerField("文号序号", null=True, blank=True)
    doc_number = models.CharField("文号", max_length=40, blank=True)
    registered_on = models.DateField("登记日期", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    disclosure_item = models.ForeignKey(DisclosureItem, verbose_name="公开信息", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField("报备日期", null=True, blank=True)
    filing_body = models.CharField("备案机关", max_length=100, blank=True)
    filing_receipt = models.CharField("备案回执号", max_length=100, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True, db_index=True)
    review_due = models.DateField("评估清理提醒日", null=True, blank=True, db_index=True)
    repealed_on = models.DateField("废止日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政规范性文件"
        ordering = ["-id"]
        indexes = [models.Index(fields=["node", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["node", "number_year", "number_seq"], name="gov_normdoc_number_unique",
                                    condition=models.Q(number_seq__isnull=False)),
        ]

    def __str__(self):
        return f"{self.doc_number} {self.title}".strip()


class MajorDecision(Titled, Versioned):
    class Status(models.TextChoices):
        CATALOGUED = "catalogued", "列入目录"
        IN_PROCEDURE = "in_procedure", "履行程序中"
        DECIDED = "decided", "已决策"
        PUBLISHED = "published", "已公布"
        IMPLEMENTING = "implementing", "执行中"
        EVALUATED = "evaluated", "已评估"

    node = node_fk("决策机关")
    year = models.PositiveIntegerField("目录年度", db_index=True)
    title = models.CharField("决策事项", max_length=200)
    description = models.TextField("事项说明", blank=True)
    sponsor_unit = models.CharField("承办单位", max_length=100, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.CATALOGUED, db_index=True)
    comment_start = models.DateField("公开征求意见开始", null=True, blank=True)
    comment_end = models.DateField("公开征求意见截止", null=True, blank=True)
    agenda_item = models.ForeignKey(AgendaItem, verbose_name="审议议题", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    decided_on = models.DateField("决策日期", null=True, blank=True)
    decision_text = models.TextField("决策内容", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "重大行政决策"
        ordering = ["-year", "id"]
        indexes = [models.Index(fields=["node", "year"])]


class DecisionStep(models.Model):
    class Kind(models.TextChoices):
        PUBLIC_PARTICIPATION = "public_participation", "公众参与（公开征求意见）"
        HEARING = "hearing", "听证"
        EXPERT = "expert", "专家论证"
        RISK = "risk", "风险评估"
        LEGALITY = "legality", "合法性审查"
        COLLECTIVE = "collective", "集体讨论决定"
        PUBLICATION = "publication", "决策公布"
        IMPLEMENTATION = "implementation", "决策执行"
        EVALUATION = "evaluation", "决策后评估"

    class Status(models.TextChoices):
        PENDING = "pending", "未完成"
        DONE = "done", "已完成"
        WAIVED = "waived", "依法不适用"

    decision = models.ForeignKey(MajorDecision, verbose_name="决策", on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("程序环节", max_length=30, choices=Kind.choices)
    seq = models.PositiveIntegerField("顺序")
    required = models.BooleanField("必经程序", default=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    evidence = models.TextField("过程材料说明", blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    waived_reason = models.TextField("不适用理由", blank=True)
    actor = user_fk("记录人", optional=True)

    class Meta:
        verbose_name = verbose_name_plural = "决策程序环节"
        ordering = ["decision", "seq"]
        constraints = [models.UniqueConstraint(fields=["decision", "kind"], name="gov_step_kind_unique")]

    def __str__(self):
        return f"{self.decision.title}·{self.get_kind_display()}"

    @property
    def node(self):
        return self.decision.node


class Hearing(models.Model):
    decision = models.ForeignKey(MajorDecision, verbose_name="决策", on_delete=models.CASCADE, related_name="hearings")
    notice_on = models.DateField("听证公告日期")
    notice_text = models.TextField("听证公告")
    held_on = models.DateField("听证日期")
    place = models.CharField("地点", max_length=100)
    participants = models.TextField("听证参加人")
    record = models.TextField("听证笔录摘要")

    class Meta:
        verbose_name = verbose_name_plural = "听证"
        ordering = ["held_on", "id"]

    @property
    def node(self):
        return self.decision.node

    def __str__(self):
        return f"{self.decision.title}听证会（{self.held_on}）"


class PublicComment(models.Model):
    """A comment from the public on a draft normative document or a major decision; moderated before shown."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已采纳展示"
        REJECTED = "rejected", "不予展示"

    node = node_fk()
    document = models.ForeignKey(NormativeDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    decision = models.ForeignKey(MajorDecision, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField("署名", max_length=50, blank=True)
    contact = models.CharField("联系方式（不公开）", max_length=100, blank=True)
    body = models.TextField("意见内容")
    status = models.CharField("审核状态", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    reply = models.TextField("答复", blank=True)
    moderated_by = user_fk(optional=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = verbose_name_plural = "公众意见"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["node", "status"])]

    def __str__(self):
        return f"意见#{self.pk}"

    @property
    def target(self):
        return self.document or self.decision


class DisclosureRemedy(Versioned):
    """An administrative reconsideration or lawsuit over a disclosure reply, and its result (table 四 of the annual
    report). One row per request and kind."""

    class Kind(models.TextChoices):
        RECONSIDERATION = "reconsideration", "行政复议"
        LAWSUIT_DIRECT = "lawsuit_direct", "行政诉讼（未经复议直接起诉）"
        LAWSUIT_AFTER = "lawsuit_after", "行政诉讼（复议后起诉）"

    class Result(models.TextChoices):
        UPHELD = "upheld", "结果维持"
        CORRECTED = "corrected", "结果纠正"
        OTHER = "other", "其他结果"
        PENDING = "pending", "尚未审结"

    request = models.ForeignKey(DisclosureRequest, verbose_name="政府信息公开申请", on_delete=models.PROTECT,
                                related_name="remedies")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    filed_on = models.DateField("申请复议/起诉日期", db_index=True)
    body = models.CharField("复议机关/人民法院", max_length=100, blank=True)
    result = models.CharField("结果", max_length=20, choices=Result.choices, default=Result.PENDING)
    decided_on = models.DateField("审结日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开行政复议、行政诉讼"
        ordering = ["filed_on", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "kind"], name="gov_remedy_kind_unique")]

    def __str__(self):
        return f"{self.request.tracking_code} {self.get_kind_display()}"

    @property
    def node(self):
        return self.request.node


class DisclosureReport(Versioned):
    """政府信息公开工作年度报告 (《政府信息公开条例》第四十九条、第五十条), tables from records in the national format."""

    class Status(models.TextChoices):
        DRAFT = "draft", "起草中"
        REVIEW = "review", "审核中"
        FINAL = "final", "已定稿"
        PUBLISHED = "published", "已公开"

    node = node_fk("报告机关")
    year = models.PositiveIntegerField("年度")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    overview = models.TextField("一、总体情况", blank=True)
    problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other_matters = models.TextField("六、其他需要报告的事项", blank=True)
    tables = models.JSONField("定稿表格", null=True, blank=True)
    sha256 = models.CharField("定稿内容哈希（SHA-256）", max_length=64, blank=True)
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalised_by = user_fk("定稿人", optional=True)
    published_on = models.DateField("公开日期", null=True, blank=True)
    disclosure_item = models.ForeignKey(DisclosureItem, verbose_name="公开信息", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["-year", "node__path"]
        constraints = [models.UniqueConstraint(fields=["node", "year"], name="gov_disclosure_report_unique")]

    def __str__(self):
        return f"{self.node.name}{self.year}年政府信息公开工作年度报告"
