"""Core data: the organisation tree, people and roles, the audit chain, the working-day calendar, stored files."""
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import Role


class OrgNode(models.Model):
    """A node of the organisation tree: district → subdistrict → village/community → grid.

    ``path`` is a materialized path ("0001.0003.0012.") so "everything inside this node" is one indexed prefix
    query (``path__startswith``) instead of a recursive walk.
    """

    class Kind(models.TextChoices):
        DISTRICT = "district", "区"
        SUBDISTRICT = "subdistrict", "街道"
        VILLAGE = "village", "村（社区）"
        GRID = "grid", "网格"

    KIND_ORDER = [Kind.DISTRICT, Kind.SUBDISTRICT, Kind.VILLAGE, Kind.GRID]

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("层级", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("深度", editable=False, default=0)
    code = models.CharField("编码", max_length=40, blank=True)
    short_name = models.CharField("简称", max_length=20, blank=True, help_text="用于文号，如“稷下发”")
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "组织节点"
        verbose_name_plural = "组织节点"
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"])]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="orgnode_unique_name_per_parent")]

    def __str__(self):
        return self.name

    @property
    def is_subdistrict(self):
        return self.kind == self.Kind.SUBDISTRICT

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

    @property
    def subdistrict(self):
        """The subdistrict this node belongs to (itself if it is one); None for a district."""
        if self.kind == self.Kind.SUBDISTRICT:
            return self
        if self.kind == self.Kind.DISTRICT:
            return None
        return OrgNode.objects.filter(path__in=self.ancestor_paths(), kind=self.Kind.SUBDISTRICT).first()

    @property
    def village(self):
        if self.kind == self.Kind.VILLAGE:
            return self
        if self.kind == self.Kind.GRID:
            return self.parent
        return None

    @property
    def full_name(self):
        return " / ".join(n.name for n in self.ancestors() if n.kind != self.Kind.DISTRICT)


class Unit(models.Model):
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
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["node", "kind", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["node", "kind", "name"], name="unit_unique_name")]

    def __str__(self):
        return self.name


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

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
        verbose_name = "岗位角色"
        verbose_name_plural = "岗位角色"
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
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"


class AuditEvent(models.Model):
    """An append-only, hash-chained record of a create, change or transition of a business record."""

    chain = models.CharField("链", max_length=64)
    seq = models.BigIntegerField("序号")
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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.chain}#{self.seq} {self.action_label or self.action} {self.object_repr}"


class CalendarYear(models.Model):
    """A year an administrator has defined by hand (holidays entered as overrides) for years the
    `chinesecalendar` package does not know yet."""

    year = models.PositiveIntegerField("年份", primary_key=True)
    note = models.CharField("说明", max_length=200, blank=True)
    defined_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    defined_at = models.DateTimeField("定义时间", auto_now_add=True)

    class Meta:
        verbose_name = "自定义日历年份"
        verbose_name_plural = "自定义日历年份"
        ordering = ["year"]


class CalendarOverride(models.Model):
    """A single day whose working status differs from the package (or from Mon–Fri in a defined year)."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=50, help_text="如“春节”“调休上班”")

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}（{'上班' if self.is_working_day else '放假'}）"


class DeadlineRule(models.Model):
    """A time limit set by law or local rule. Data, not code: sites change it, the legal basis is shown."""

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "个工作日"
        CALENDAR_DAYS = "calendar_days", "日"
        MONTHS = "months", "个月"

    code = models.CharField("代码", max_length=80, unique=True)
    name = models.CharField("名称", max_length=100)
    amount = models.PositiveIntegerField("期限")
    unit = models.CharField("单位", max_length=20, choices=Unit.choices)
    legal_basis = models.TextField("依据")
    due_soon_days = models.PositiveIntegerField("临期提醒（天）", default=3)

    class Meta:
        verbose_name = "期限规则"
        verbose_name_plural = "期限规则"
        ordering = ["code"]

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
        verbose_name = "附件"
        verbose_name_plural = "附件"
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
