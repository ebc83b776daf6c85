"""Figure tokens in report text, and the report rendered as blocks (for the editor, Markdown, .docx and PDF).

Tokens: ``{{key}}`` → the value (``198``; a rate ``95.2%``; a breakdown ``婚姻家庭12、邻里8``),
``{{key|change}}`` → the change against the previous year (``比上年增加12起``), ``{{key|approx}}`` → the value
phrased as the seed report does (5123 → ``5100余``, 57 → ``50余``, 61234 → ``6.1万余``), ``{{key|opt}}`` → the
value, and when it is zero or empty the whole clause around it (from the last 。；to the next) is left out, so a
claim the records do not support is never printed ("充分发挥无民主法治示范村的…"). The figure's unit is not added:
the prose carries it ("举办普法讲座{{legalservice.lectures}}场").
"""
import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from fazhi.core import figures

TOKEN_RE = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*(?:\|\s*([A-Za-z_]+)\s*)?\}\}")
FILTERS = {"change", "approx", "opt"}
CLAUSE_RE = re.compile(r"[^。；]*\{\{\s*([A-Za-z0-9_.]+)\s*\|\s*opt\s*\}\}[^。；]*[。；]?")
CN_NUM = "零一二三四五六七八九十"
CN_ORD = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"]


def cn_ordinal(n):
    return CN_ORD[n] if n < len(CN_ORD) else str(n)


def token_errors(text):
    """Chinese messages naming every unknown figure or filter in ``text`` (empty list when all is well)."""
    problems = []
    for match in TOKEN_RE.finditer(text or ""):
        key, flt = match.group(1), match.group(2)
        if figures.get(key) is None:
            problems.append(f"未知的指标“{{{{{key}}}}}”：指标库中没有这个指标，请检查拼写或删除。")
        if flt and flt not in FILTERS:
            problems.append(f"未知的格式“|{flt}”（{match.group(0)}）：可用 |change（与上年比较）、|approx（约数）或 |opt（为零或为空时略去该句）。")
    stray = re.sub(TOKEN_RE, "", text or "")
    if "{{" in stray or "}}" in stray:
        problems.append("正文中有不完整的指标标记（“{{”与“}}”不成对）。")
    return problems


def approx(value):
    """Phrase a count the way the seed report does: floor to a round number and add 余 when rounded."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        value = math.floor(value)
    value = int(value)
    if value < 10:
        return str(value)
    if value < 100:
        rounded = value // 10 * 10
        return f"{rounded}余" if rounded != value else str(value)
    if value < 10000:
        step = 10 ** (len(str(value)) - 2)
        rounded = value // step * step
        return f"{rounded}余" if rounded != value else str(value)
    step = 10 ** (len(str(value)) - 2)
    rounded = value // step * step
    wan = rounded / 10000
    text = f"{wan:.1f}".rstrip("0").rstrip(".") + "万"
    return f"{text}余" if rounded != value else text


def plain(fig, value):
    if value is None:
        return "—"
    if isinstance(value, str):
        return value or "无"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "无"
    if isinstance(value, dict):
        return "、".join(f"{k}{v}" for k, v in value.items()) or "无"
    if fig.kind == "rate":
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def change(fig, value, previous):
    if isinstance(value, dict) or isinstance(previous, dict):
        return ""
    if previous is None or (not previous and fig.kind != "rate"):
        return "上年无可比数据"
    if value is None:
        return ""
    delta = value - previous
    if fig.kind == "rate":
        points = delta * 100
        if abs(points) < 0.05:
            return "与上年持平"
        return f"比上年{'提高' if points > 0 else '下降'}{abs(points):.1f}个百分点"
    if delta == 0:
        return "与上年持平"
    pct = abs(delta) / previous * 100
    amount = f"{abs(delta):.1f}".rstrip("0").rstrip(".") if isinstance(delta, float) else str(abs(delta))
    return f"比上年{'增加' if delta > 0 else '减少'}{amount}{fig.unit}（{'增长' if delta > 0 else '下降'}{pct:.1f}%）"


def normalize(value):
    """Decimals (sums of money) become int/float; breakdown dicts are normalised value by value."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    return value


def compute(key, node, start, end):
    return normalize(figures.compute(key, node, start, end))


@dataclass
class FigureContext:
    """Computes each figure once per report (and once for the previous year when |change asks for it)."""

    node: object
    year: int
    values: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)

    @property
    def start(self):
        return datetime.date(self.year, 1, 1)

    @property
    def end(self):
        return datetime.date(self.year, 12, 31)

    def value(self, key):
        if key not in self.values:
            self.values[key] = compute(key, self.node, self.start, self.end)
        return self.values[key]

    def previous_value(self, key):
        if key not in self.previous:
            self.previous[key] = compute(key, self.node, datetime.date(self.year - 1, 1, 1),
                                                 datetime.date(self.year - 1, 12, 31))
        return self.previous[key]

    def records_url(self, key):
        fig = figures.get(key)
        return fig.records_url(self.node, self.start, self.end) if fig else ""

    def has_data(self):
        """False when the platform holds no record of this node dated in the year — by the records' own business
        dates (an imported 2022 ledger counts for 2022, not for the day it was imported). A count figure with a
        value in the year that has none in an empty far-past window is one that follows dates; a register (in-post
        advisors, the mediator roster) answers the same for any window and does not count."""
        empty_start, empty_end = datetime.date(1900, 1, 1), datetime.date(1900, 12, 31)
        for key, fig in figures.all_figures().items():
            if fig.kind != "count":
                continue
            value = self.value(key)
            if isinstance(value, (int, float)) and value > 0 and not compute(key, self.node, empty_start, empty_end):
                return True
        return False


def render_text(text, ctx, *, markup=None):
    """Replace tokens by values. ``markup(key, fig, shown)`` may wrap each value (the editor adds links)."""

    def repl(match):
        key, flt = match.group(1), match.group(2)
        fig = figures.get(key)
        if fig is None:
            return f"【未知指标 {key}】"
        if flt and flt not in FILTERS:
            return f"【未知格式 |{flt}】"
        value = ctx.value(key)
        if flt == "change" and isinstance(value, (int, float)):
            shown = change(fig, value, ctx.previous_value(key))
        elif flt == "change":
            shown = ""
        elif flt == "approx":
            shown = approx(value) if isinstance(value, (int, float)) else plain(fig, value)
        else:
            shown = plain(fig, value)
        return markup(key, fig, shown) if markup else shown

    def drop_empty(match):
        return "" if _empty(ctx.value(match.group(1))) and figures.get(match.group(1)) else match.group(0)

    return TOKEN_RE.sub(repl, CLAUSE_RE.sub(drop_empty, text or ""))


def _empty(value) -> bool:
    return value in (None, "", 0, 0.0) or (isinstance(value, (dict, list, tuple)) and not any(value.values()
                                                                                       if isinstance(value, dict)
                                                                                       else value))


def with_cause(text, cause):
    """A shortcoming's text followed by its cause: "…不足。原因：…。" (the law asks for "存在的不足和原因")."""
    text = (text or "").rstrip()
    if text and text[-1] not in "。；！？":
        text += "。"
    cause = cause.strip()
    if cause.startswith(("原因", "主要原因", "究其原因")):
        return text + cause + ("" if cause[-1] in "。；！？" else "。")
    return text + "原因：" + cause + ("" if cause[-1] in "。；！？" else "。")


def report_title(report):
    return report.title or f"{report.node.name}{report.year}年法治政府建设年度报告"


def plan_blocks(report):
    """Section 四 also lists the plan items recorded for the next year (owner and due date)."""
    from .models import PlanItem

    items = list(PlanItem.objects.filter(node=report.node, year=report.year + 1).exclude(status=PlanItem.Status.DROPPED))
    if not items:
        return []
    lines = [f"{i}. {item.title}（责任：{item.owner}；时限：{item.due_date:%Y年%m月%d日}前）" for i, item in enumerate(items, 1)]
    return [{"kind": "para", "text": "附：下一年度计划任务清单", "strong": True}] + [{"kind": "para", "text": line} for line in lines]


def build_blocks(report, ctx=None, *, markup=None):
    """The report as a list of blocks: title, note, para, h1, h2 (heading + body). Returns (blocks, ctx)."""
    ctx = ctx or FigureContext(node=report.node, year=report.year)
    sections = list(report.sections.all().order_by("part", "order", "pk"))
    blocks = [{"kind": "title", "text": report_title(report)}]
    body_blocks = []
    for part in report.sections.model.PART_TITLES:
        part_sections = [s for s in sections if s.part == part]
        if part:
            title = report.sections.model.PART_TITLES[part].format(next_year=report.year + 1)
            body_blocks.append({"kind": "h1", "text": f"{cn_ordinal(part)}、{title}", "part": part})
        for i, s in enumerate(part_sections, 1):
            text = render_text(s.body, ctx, markup=markup)
            if part == 3 and (s.cause or "").strip():
                text = with_cause(text, render_text(s.cause, ctx, markup=markup))
            if part == 0:
                body_blocks.append({"kind": "para", "text": text, "section": s.pk})
            else:
                heading = render_text(s.heading, ctx, markup=markup).rstrip("。") + "。" if s.heading else ""
                body_blocks.append({"kind": "h2", "label": f"（{cn_ordinal(i)}）", "heading": heading, "text": text,
                                    "section": s.pk, "part": part})
        if part == 4:
            body_blocks.extend(plan_blocks(report))
    if not ctx.has_data():
        blocks.append({"kind": "note", "text": f"说明：平台中没有{report.node.name}{report.year}年度的业务记录，"
                                                  f"报告中的各项数字均为零或空，请核实数据后再使用本报告。"})
    return blocks + body_blocks, ctx


def to_markdown(blocks):
    out = []
    for b in blocks:
        if b["kind"] == "title":
            out.append(f"# {b['text']}\n")
        elif b["kind"] == "note":
            out.append(f"> {b['text']}\n")
        elif b["kind"] == "h1":
            out.append(f"## {b['text']}\n")
        elif b["kind"] == "h2":
            out.append(f"**{b['label']}{b['heading']}**{b['text']}\n")
        else:
            out.append((f"**{b['text']}**" if b.get("strong") else b["text"]) + "\n")
    return "\n".join(out)


def plain_text(blocks):
    return "\n".join(
        (f"{b['label']}{b['heading']}{b['text']}" if b["kind"] == "h2" else b["text"]) for b in blocks)
