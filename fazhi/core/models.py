"""Core data: the organisation tree, people and roles, the audit chain, the working-day calendar, stored files."""
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from .modelbases import LegalRule, Named, Titled
from .personal import EncryptedField
from .roles import Role


class OrgNodeQuerySet(models.QuerySet):
    """Tree queries that ask the kinds table, so a new kind (乡镇, 社区) needs no code change."""

    def tenants(self):
        from . import orgkinds

        return self.filter(kind__in=orgkinds.codes(is_tenant=True))

    def at_level(self, level):
        from . import orgkinds

        return self.filter(kind__in=orgkinds.codes(level=level))

    def villages(self):
        return self.at_level(OrgKind.Level.VILLAGE)

    def grids(self):
        return self.at_level(OrgKind.Level.GRID)

    def report_hosts(self):
        from . import orgkinds

        return self.filter(kind__in=orgkinds.codes(hosts_reports=True))

    def inside(self, node):
        return self.filter(path__startswith=node.path)


class OrgKind(models.Model):
    """A kind of node in the organisation tree, as data: 区, 街道, 乡镇, 村, 社区, 网格…

    Code never compares kind strings; it asks a node's kind what it is: its ``level`` (1 district, 2 tenant such as
    街道/乡镇, 3 village such as 村/社区, 4 grid), whether it is a tenant (its own audit chain, document prefix,
    one-stop centre, annual report), whether it hosts reports, and which dispute level it maps to.
    """

    class Level(models.IntegerChoices):
        DISTRICT = 1, "区（县）级"
        TENANT = 2, "街道（乡镇）级"
        VILLAGE = 3, "村（社区）级"
        GRID = 4, "网格级"

    class DisputeLevel(models.TextChoices):
        NONE = "", "不办理纠纷"
        SUBDISTRICT = "subdistrict", "街道"
        VILLAGE = "village", "村（社区）"
        GRID = "grid", "网格"

    code = models.CharField("代码", max_length=20, unique=True)
    label = models.CharField("名称", max_length=20)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    is_tenant = models.BooleanField("独立租户", default=False,
                                    help_text="街道、乡镇一类：自有审计链、文号简称、矛调中心和年度报告")
    hosts_reports = models.BooleanField("编制年度报告", default=False)
    dispute_level = models.CharField("对应纠纷办理层级", max_length=20, choices=DisputeLevel.choices, blank=True)
    is_default = models.BooleanField("本层级默认类型", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "组织节点类型"
        ordering = ["level", "sort_order", "id"]

    def __str__(self):
        return self.label


def _from_kind(attr: str) -> property:
    """A node's property answered by its kind's row (``node.level`` is ``OrgKind.level`` of its kind)."""
    return property(lambda node: getattr(node.kind_info, attr), doc=f"The node kind's ``{attr}``.")


class OrgNode(Named, models.Model):
    """A node of the organisation tree: district → subdistrict (township) → village/community → grid.

    ``path`` is a materialized path ("0001.0003.0012.") so "everything inside this node" is one indexed prefix
    query (``path__startswith``) instead of a recursive walk. ``kind`` is the code of an ``OrgKind`` row; ask
    ``node.level``, ``node.is_tenant``, ``node.tenant()``, ``node.kind_info`` — never compare the code.
    """

    class Kind(models.TextChoices):
        """The kinds seeded by the core migration (a deployment may add more as OrgKind rows)."""

        DISTRICT = "district", "区"
        SUBDISTRICT = "subdistrict", "街道"
        VILLAGE = "village", "村（社区）"
        GRID = "grid", "网格"

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("深度", editable=False, default=0)
    code = models.CharField("编码", max_length=40, blank=True)
    short_name = models.CharField("简称", max_length=20, blank=True, help_text="用于文号，如“稷下发”")
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = OrgNodeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组织节点"
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"])]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="orgnode_unique_name_per_parent")]

    # ---- what the node's kind says (data in OrgKind, cached per process) ------------------------------------
    @property
    def kind_info(self):
        from . import orgkinds

        return orgkinds.get(self.kind)

    level = _from_kind("level")
    is_tenant = _from_kind("is_tenant")
    is_subdistrict = is_tenant  # kept for templates: a tenant node (街道 or 乡镇)
    hosts_reports = _from_kind("hosts_reports")
    dispute_level = _from_kind("dispute_level")
    kind_label = _from_kind("label")

    @property
    def is_district(self) -> bool:
        return self.level == OrgKind.Level.DISTRICT

    @property
    def is_village(self) -> bool:
        return self.level == OrgKind.Level.VILLAGE

    @property
    def is_grid(self) -> bool:
        return self.level == OrgKind.Level.GRID

    def get_kind_display(self):
        return self.kind_label

    def ancestor_paths(self):
        """Paths of this node and every ancestor, nearest last."""
        parts = self.path.split(".")[:-1]
        return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]

    def ancestors(self, include_self=True):
        paths = self.ancestor_paths()
        if not include_self:
            paths = paths[:-1]
        return OrgNode.objects.filter(path__in=paths).order_by("depth")

    def descendants(self, include_self=True):
        qs = OrgNode.objects.filter(path__startswith=self.path)
        if not include_self:
            qs = qs.exclude(pk=self.pk)
        return qs

    def is_within(self, other):
        return self.path.startswith(other.path)

    def tenant(self):
        """The tenant (街道/乡镇) this node belongs to (itself if it is one); None above the tenants."""
        if self.is_tenant:
            return self
        if self.level < OrgKind.Level.TENANT:
            return None
        cache = self.__dict__.get("_tenant_cache")
        if cache is None:
            from . import orgkinds

            cache = OrgNode.objects.filter(path__in=self.ancestor_paths(),
                                           kind__in=orgkinds.codes(is_tenant=True)).first()
            self.__dict__["_tenant_cache"] = cache
        return cache

    @property
    def subdistrict(self):
        """The tenant this node belongs to (itself if it is one); None for a district."""
        return self.tenant()

    @property
    def village(self):
        """The village-level node (村/社区) this node is or lies in; None above that level."""
        if self.is_village:
            return self
        if self.is_grid:
            return self.parent
        return None

    @property
    def full_name(self):
        return " / ".join(n.name for n in self.ancestors() if not n.is_district)


class Unit(Named, models.Model):
    """A unit inside a subdistrict: an internal department or a body integrated in the one-stop centre."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "内设机构"
        CENTRE_BODY = "centre_body", "矛调中心入驻机构"
        COMMITTEE = "committee", "委员会"

    node = models.ForeignKey(OrgNode, verbose_name="所属街道", on_delete=models.PROTECT, related_name="units")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    code = models.CharField("编码", max_length=40, blank=True)
    description = models.TextField("职能说明", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构"
        ordering = ["node", "kind", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["node", "kind", "name"], name="unit_unique_name")]


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username


class Membership(models.Model):
    """A user holds a role on a node of the tree; it covers the node and all its descendants."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships")
    node = models.ForeignKey(OrgNode, verbose_name="组织节点", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=40, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name="所在机构", null=True, blank=True, on_delete=models.PROTECT)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "岗位角色"
        constraints = [models.UniqueConstraint(fields=["user", "node", "role"], name="membership_unique")]
        indexes = [models.Index(fields=["user", "is_active"]), models.Index(fields=["role", "node"])]

    def __str__(self):
        return f"{self.user} · {self.node} · {self.get_role_display()}"


class AuditChainHead(models.Model):
    """The tip of one audit hash chain (one per subdistrict, plus "root" for district-level events).

    Writers lock this row (SELECT ... FOR UPDATE) before appending, so concurrent processes never fork a chain.
    """

    chain = models.CharField(max_length=64, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"


class AuditEvent(models.Model):
    """An append-only, hash-chained record of a create, change or transition of a business record."""

    chain = models.CharField("链", max_length=64)
    seq = models.BigIntegerField("序号", null=True, blank=True)  # null while pending (see audit.seal)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(User, verbose_name="操作人", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_label = models.CharField("操作人名称", max_length=100, blank=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    action = models.CharField("动作", max_length=64)
    action_label = models.CharField("动作说明", max_length=100, blank=True)
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.CharField("对象编号", max_length=64)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    node = models.ForeignKey(OrgNode, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    changes = models.JSONField("变更内容", default=dict, blank=True)
    reason = models.TextField("理由", blank=True)
    is_public = models.BooleanField("公开", default=False)
    state = models.JSONField("记录快照", null=True, blank=True)  # per-field digests of the record (audit.seal)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx"),
                   models.Index(fields=["chain", "id"], name="audit_pending_idx", condition=models.Q(seq__isnull=True))]

    def __str__(self):
        return f"{self.chain}#{self.seq} {self.action_label or self.action} {self.object_repr}"


class CalendarYear(models.Model):
    """A year an administrator has defined by hand (holidays entered as overrides) for years the
    `chinesecalendar` package does not know yet."""

    year = models.PositiveIntegerField("年份", primary_key=True)
    note = models.CharField("说明", max_length=200, blank=True)
    is_complete = models.BooleanField("已录入完整", default=False,
                                      help_text="录入该年全部节假日和调休后再标记完整；之前按该年计算的期限均为暂定")
    defined_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    defined_at = models.DateTimeField("定义时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "自定义日历年份"
        ordering = ["year"]


class CalendarOverride(models.Model):
    """A single day whose working status differs from the package (or from Mon–Fri in a defined year)."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=50, help_text="如“春节”“调休上班”")

    class Meta:
        verbose_name = verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}（{'上班' if self.is_working_day else '放假'}）"


class DeadlineRule(LegalRule):
    """A time limit set by law or local rule. Data, not code: sites change it, the legal basis is shown."""

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "个工作日"
        CALENDAR_DAYS = "calendar_days", "日"
        MONTHS = "months", "个月"

    code = models.CharField("代码", max_length=80, unique=True)
    name = models.CharField("名称", max_length=100)
    amount = models.PositiveIntegerField("期限")
    unit = models.CharField("单位", max_length=20, choices=Unit.choices)
    rolls_over_rest_day = models.BooleanField(
        "期满日遇休假日顺延", default=False,
        help_text="期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期满日（如民事诉讼法第八十五条第三款）")
    rollover_basis = models.CharField("顺延依据", max_length=200, blank=True)
    due_soon_days = models.PositiveIntegerField("临期提醒（天）", default=3)

    class Meta(LegalRule.Meta):
        verbose_name = verbose_name_plural = "期限规则"

    def __str__(self):
        return f"{self.name}：{self.amount}{self.get_unit_display()}"

    @property
    def description(self):
        return f"{self.amount}{self.get_unit_display()}"


class StoredFile(models.Model):
    """An uploaded file, stored once by its SHA-256 under MEDIA_ROOT and never changed.

    Files are attached to a business record (owner) and inherit its scope: they are served only by
    ``core:file_download``, which asks the owner's app whether the user may see the owner.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.BigIntegerField("大小（字节）")
    content_type = models.CharField("文件类型", max_length=100)
    original_name = models.CharField("文件名", max_length=255)
    node = models.ForeignKey(OrgNode, verbose_name="所属组织", on_delete=models.PROTECT, related_name="+")
    owner_type = models.CharField("所属记录类型", max_length=100)
    owner_id = models.CharField("所属记录编号", max_length=64)
    purpose = models.CharField("用途", max_length=50, blank=True)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")
    is_public = models.BooleanField("可公开", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class Job(models.Model):
    """Background work with progress (``fazhi.core.jobs``): a ledger import, a district's report drafts…

    The row is the job's whole life: queued → running (the worker writes ``heartbeat_at``) → done / failed, with
    its progress, its message and the result file. A job whose worker died is failed with a message when a worker
    next starts; an uploaded sheet it owns (``upload``) is deleted when it ends, whatever the ending.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务类型", max_length=60, db_index=True)  # a key registered with jobs.register
    node = models.ForeignKey(OrgNode, verbose_name="组织", on_delete=models.PROTECT, related_name="+")
    params = models.JSONField("参数", default=dict, blank=True)
    upload = models.CharField("待导入文件", max_length=100, blank=True)  # a token under var/tmp/ledger-imports
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("说明", max_length=300, blank=True)
    result = models.BinaryField("结果文件", null=True, blank=True, editable=False)
    result_name = models.CharField("文件名", max_length=200, blank=True)
    result_type = models.CharField("文件类型", max_length=100, blank=True)
    created_by = models.ForeignKey(User, verbose_name="发起人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    task_id = models.CharField("任务队列编号", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "kind"])]

    def __str__(self):
        from . import jobs

        return jobs.describe(self)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Notification(Titled, models.Model):
    """One message in a user's notification inbox (``fazhi.core.notifications``): work that reached them — a case
    assigned, a deadline approaching or passed, a transition waiting for them. Created only after the commit of the
    service that caused it, and only for a recipient who may see its object."""

    class Level(models.TextChoices):
        INFO = "info", "通知"
        WARNING = "warning", "提醒"
        DANGER = "danger", "紧急"

    recipient = models.ForeignKey(User, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类型", max_length=60)  # "disputes.assigned", "todo.reminder", ...
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    level = models.CharField("级别", max_length=10, choices=Level.choices, default=Level.INFO)
    node = models.ForeignKey(OrgNode, verbose_name="组织", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    # the object it is about ("app_label.model", pk): the link is checked against its access policy when opened
    target_type = models.CharField("对象类型", max_length=100, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    # one notification per recipient and topic: a reminder job that runs again does not repeat itself
    topic = models.CharField("主题", max_length=200, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "-created_at"]),
                   models.Index(fields=["recipient", "topic"])]

    @property
    def is_read(self):
        return self.read_at is not None
# Retention periods of personal data live with their runner (fazhi/core/retention.py).
from . import audit_guard  # noqa: E402,F401  (registers the SQLite audit guard function on every connection)
from .retention import RetentionRule  # noqa: E402,F401


class OutboundMessage(models.Model):
    """One message sent beyond the platform (``fazhi.core.delivery``): an email, an SMS, a WeChat template message.
    Every message is written here before its channel's backend is tried, with each attempt's outcome, so an
    administrator sees what left (消息发送记录) and what failed and why. The recipient's address is encrypted;
    pages show ``recipient_masked``."""

    class Channel(models.TextChoices):
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"
        WECHAT = "wechat", "微信模板消息"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        OUTBOX = "outbox", "已存入发件箱（开发环境，未实际发出）"
        RETRY = "retry", "发送失败，等待重试"
        FAILED = "failed", "发送失败"

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    backend = models.CharField("发送方式", max_length=200)  # the adapter's dotted path
    kind = models.CharField("类型", max_length=60)  # "disputes.case_moved", "notification"...
    recipient = EncryptedField("接收方", kind="phone", plain_max_length=254)
    recipient_masked = models.CharField("接收方（脱敏）", max_length=100)
    subject = models.CharField("标题", max_length=200, blank=True)
    body = models.TextField("内容")
    template = models.CharField("模板编号", max_length=100, blank=True)
    params = models.JSONField("模板参数", default=dict, blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    node = models.ForeignKey(OrgNode, verbose_name="组织", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    target_type = models.CharField("对象类型", max_length=100, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("失败原因", max_length=500, blank=True)
    provider_id = models.CharField("服务商回执编号", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    next_attempt_at = models.DateTimeField("下次重试时间", null=True, blank=True)

    class Meta:
        verbose_name = "外发消息"
        verbose_name_plural = "外发消息"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["node", "-created_at"]),
                   models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.get_channel_display()} {self.recipient_masked}"
