"""The annual rule-of-law report (法治政府建设年度报告), its targets, next year's plan items (its background jobs
are core jobs: ``fazhi.core.jobs``, kinds in ``.jobs``).

A ``ReportTemplate`` is the report of one node for one year: editable sections whose narrative text carries live
figure tokens (``{{disputes.resolved}}``). Finalising freezes the rendered text into a ``ReportVersion`` (its
SHA-256 goes into the audit log); exports always use the latest finalised version, so a colleague editing a
reopened draft never changes what is exported or published.
"""
from django.db import models

from fazhi.core.fields import node_fk, user_fk
from fazhi.core.modelbases import Titled, Versioned


class ReportTemplate(Titled, Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "起草中"
        REVIEW = "review", "待审核"
        FINAL = "final", "已定稿"
        PUBLISHED = "published", "已公开"

    node = node_fk("组织")
    year = models.PositiveIntegerField("报告年度")
    title = models.CharField("标题", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    reported_on = models.DateField("报送上级日期", null=True, blank=True)
    published_on = models.DateField("公开日期", null=True, blank=True)
    disclosure_ref = models.CharField("公开记录编号", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = verbose_name_plural = "年度报告"
        ordering = ["-year", "node__path"]
        constraints = [models.UniqueConstraint(fields=["node", "year"], name="reports_one_report_per_node_year")]

    @property
    def is_locked(self):
        return self.status in (self.Status.FINAL, self.Status.PUBLISHED)


class ReportSection(Versioned):
    """One sub-section (（一）（二）…) of one part (一 to 五) — or the preamble (part 0)."""

    PART_TITLES = {
        0: "",
        1: "推进法治政府建设的主要举措和成效",
        2: "党政主要负责人履行推进法治建设第一责任人职责情况",
        3: "推进法治政府建设存在的不足和原因",
        4: "{next_year}年推进法治政府建设的主要计划安排",
        5: "其他需要报告的情况",  # the fifth required content (督察规定 第二十四条)
    }

    report = models.ForeignKey(ReportTemplate, verbose_name="报告", on_delete=models.CASCADE, related_name="sections")
    part = models.PositiveSmallIntegerField("部分", choices=[(0, "导语"), (1, "一"), (2, "二"), (3, "三"), (4, "四"),
                                                                (5, "五")])
    order = models.PositiveIntegerField("顺序", default=0)
    heading = models.CharField("小标题", max_length=200, blank=True)
    body = models.TextField("正文", blank=True, help_text="可插入指标，如 {{disputes.resolved}}、{{disputes.resolved|change}}、{{legalservice.residents_served|approx}}")
    cause = models.TextField("原因", blank=True, default="",
                             help_text="第三部分（存在的不足和原因）每一项不足的原因；提交审核前必须填写")
    target = models.ForeignKey("ReportTarget", verbose_name="来源目标", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("修改时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "报告段落"
        ordering = ["report", "part", "order", "pk"]

    def __str__(self):
        return self.heading or f"第{self.part}部分"


class ReportVersion(models.Model):
    """A finalised, frozen text of a report. The newest one is what is exported and published."""

    report = models.ForeignKey(ReportTemplate, verbose_name="报告", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("定稿版本")
    blocks = models.JSONField("正文结构")
    markdown = models.TextField("正文")
    sha256 = models.CharField("SHA-256", max_length=64)
    finalised_by = user_fk(null=True)
    finalised_at = models.DateTimeField("定稿时间")

    class Meta:
        verbose_name = verbose_name_plural = "定稿版本"
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="reports_version_unique")]


class ReportTarget(models.Model):
    """A configurable target a figure is measured against; a miss suggests a shortcoming for section 三."""

    class Comparison(models.TextChoices):
        AT_LEAST = "min", "不低于"
        AT_MOST = "max", "不高于"

    code = models.CharField("代码", max_length=60, unique=True)
    label = models.CharField("目标", max_length=100)
    figure_key = models.CharField("指标", max_length=100)
    comparison = models.CharField("比较", max_length=10, choices=Comparison.choices)
    threshold = models.FloatField("目标值", help_text="比率填 0～1 之间的小数")
    heading = models.CharField("不足标题", max_length=100)
    text = models.TextField("不足表述", help_text="可用 {value}（实际值）、{target}（目标值）")
    basis = models.CharField("依据", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "报告目标"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.label


class PlanItem(Titled, Versioned):
    """A task of next year's plan (section 四), tracked during that year."""

    class Status(models.TextChoices):
        PLANNED = "planned", "未开始"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"
        DROPPED = "dropped", "已取消"

    node = node_fk("组织")
    year = models.PositiveIntegerField("计划年度", db_index=True)
    heading = models.CharField("所属方面", max_length=100, help_text="如“深入推进依法行政”")
    title = models.CharField("任务", max_length=300)
    owner = models.CharField("责任人/责任部门", max_length=100)
    due_date = models.DateField("完成时限", db_index=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.TextField("落实情况", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "计划事项"
        ordering = ["year", "heading", "due_date", "pk"]
        indexes = [models.Index(fields=["node", "year"])]
