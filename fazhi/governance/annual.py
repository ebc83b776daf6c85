"""政府信息公开工作年度报告: the tables of the national format (国办公开办函〔2021〕30号) computed from records.

《政府信息公开条例》第五十条 lists what the report contains: (一) proactive disclosure, (二) requests received and
handled, (三) reconsiderations and lawsuits, (四) problems and improvements, (五) other matters. The national format
lays these out as sections 一 to 六; sections 二, 三, 四 and the fees of 六 are tables computed here.

Every counted cell is one Q over its records (``request_cell_q``), used both for the count and for the records list
(``selectors.request_list(filters={"annual": year, "cell": key, "node": id})``): a cell's link lists exactly its
records. Choices, stated once:

- A request whose applicant never corrected (视为放弃申请, 第三十条) is handled on the day it is closed
  (``answered_on``), in the row 其他处理：申请人无正当理由逾期不补正.
- 本年新收: received in the year. 上年结转: received before the year and not answered before it. 本年度办理结果:
  answered in the year, in the row of its ``table_reason``. 结转下年度: received by the year's end, not answered by it.
  So new + carried over = handled + carried forward for every column, unless a record is inconsistent (answered
  before it was received, or marked answered without a date) — the check before finalising finds exactly that.
- Columns: 自然人, 法人或其他组织 by kind (a kind not recorded counts as 其他 and is flagged), 总计.
- 行政复议/行政诉讼: those filed in the year; a result decided after the year's end counts as 尚未审结.
- 主动公开: items published in the year (withdrawn later included, drafts never), by catalogue category; normative
  documents 本年制发 (published in the year), 本年废止 (repealed in the year), 现行有效 (published by the year's end
  and not repealed by it). 街道 make no 规章, so that row is "—". 第二十条第（六）项 行政处罚/行政强制 本年处理决定数量
  come from the enforcement module's records through its selector (``fazhi.enforcement.disclosure``), each cell
  linked to the list of those decisions. 行政许可 (第（五）项) and 行政事业性收费 (第（八）项) are not recorded on the
  platform: their cells are "—" and ``NOT_RECORDED`` says so on the report page.
- 信息处理费 (第四十二条): the fees recorded on the requests answered in the year.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from fazhi.core.figures import within

from .models import DisclosureCategory, DisclosureItem, DisclosureRemedy, DisclosureRequest, NormativeDocument

R = DisclosureRequest
TR = DisclosureRequest.TableReason

#: Columns of table 三: (key, label, Q over requests).
COLUMNS = [("person", "自然人", Q(applicant_type=R.ApplicantType.PERSON))] + [
    (kind, label, Q(applicant_type=R.ApplicantType.ORGANISATION, organisation_kind=kind)
     if kind != R.OrganisationKind.OTHER else
     Q(applicant_type=R.ApplicantType.ORGANISATION, organisation_kind__in=(R.OrganisationKind.OTHER, "")))
    for kind, label in R.OrganisationKind.choices
] + [("total", "总计", Q())]

#: Outcome groups of table 三 (三、本年度办理结果), each sub-reason a row.
OUTCOME_GROUPS = [
    ("（一）予以公开", [TR.DISCLOSED]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [TR.PARTIAL]),
    ("（三）不予公开", [TR.SECRET, TR.LAW_FORBIDS, TR.SAFETY, TR.THIRD_PARTY, TR.INTERNAL, TR.PROCESS,
                   TR.ENFORCEMENT_FILE, TR.QUERY]),
    ("（四）无法提供", [TR.NOT_HELD, TR.NEEDS_MAKING, TR.UNCLEAR]),
    ("（五）不予处理", [TR.PETITION, TR.REPEAT, TR.PUBLICATION, TR.VEXATIOUS, TR.CONFIRM]),
    ("（六）其他处理", [TR.NO_CORRECTION, TR.NO_FEE, TR.OTHER]),
]

#: Which table rows fit each reply form, the first being the default when only one fits.
ALLOWED_REASONS = {
    R.Reply.DISCLOSED: [TR.DISCLOSED],
    R.Reply.ALREADY_PUBLIC: [TR.DISCLOSED],
    R.Reply.PARTIAL: [TR.PARTIAL],
    R.Reply.NOT_DISCLOSED: OUTCOME_GROUPS[2][1],
    R.Reply.NOT_EXIST: [TR.NOT_HELD, TR.NEEDS_MAKING, TR.UNCLEAR],
    R.Reply.NOT_RESPONSIBLE: [TR.NOT_HELD],
    R.Reply.NOT_PROCESSED: OUTCOME_GROUPS[4][1] + OUTCOME_GROUPS[5][1],
    R.Reply.NO_IDENTITY: [TR.OTHER, TR.NO_CORRECTION],
    R.Reply.REPEAT: [TR.REPEAT],
    R.Reply.OTHER_LAW: [TR.OTHER],
    R.Reply.WITHDRAWN: [TR.OTHER],
}

RESULTS = [(k, label) for k, label in DisclosureRemedy.Result.choices] + [("total", "总计")]


def period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# ---- the records of each cell -----------------------------------------------------------------------------------

def _row_q(year: int, row: str) -> Q | None:
    start, end = period(year)
    handled = Q(answered_on__range=(start, end))
    if row == "new":
        return Q(received_on__range=(start, end))
    if row == "carried":
        return Q(received_on__lt=start) & (Q(answered_on__isnull=True, status__in=_OPEN) | Q(answered_on__gte=start))
    if row == "handled":
        return handled
    if row == "forward":
        return Q(received_on__lte=end) & (Q(answered_on__isnull=True, status__in=_OPEN) | Q(answered_on__gt=end))
    if row == "unclassified":
        return handled & ~Q(table_reason__in=TR.values)
    if row == "fee":
        return handled & Q(fee_amount__gt=0)
    if row in TR.values:
        return handled & Q(table_reason=row)
    if row.startswith("remedy-"):
        kind, _, result = row[len("remedy-"):].partition("-")
        return _remedy_request_q(year, kind, result)
    return None


_OPEN = [s for s in R.Status.values if s not in (R.Status.ANSWERED, R.Status.ABANDONED)]


def _remedy_q(year: int, kind: str, result: str, prefix: str = "") -> Q | None:
    start, end = period(year)
    if kind not in DisclosureRemedy.Kind.values or result not in dict(RESULTS):
        return None
    p = prefix
    q = Q(**{f"{p}kind": kind, f"{p}filed_on__range": (start, end)})
    if result == DisclosureRemedy.Result.PENDING:
        q &= Q(**{f"{p}result": result}) | Q(**{f"{p}decided_on__gt": end})
    elif result != "total":
        q &= Q(**{f"{p}result": result, f"{p}decided_on__lte": end})
    return q


def _remedy_request_q(year: int, kind: str, result: str) -> Q | None:
    return _remedy_q(year, kind, result, prefix="remedies__")


def request_cell_q(year: int, cell: str) -> Q | None:
    """The Q of a cell of table 三/四/六 — "<row>.<column>" — or None for a key that is not a cell."""
    row, _, column = (cell or "").partition(".")
    col = next((q for key, _, q in COLUMNS if key == (column or "total")), None)
    q = _row_q(year, row)
    if q is None or col is None:
        return None
    return q & col


def request_cell(qs: QuerySet, year: int, cell: str) -> QuerySet:
    """The requests of one cell (distinct: a remedy row joins)."""
    q = request_cell_q(year, cell)
    if q is None:
        return qs.none()
    qs = qs.filter(q)
    return qs.distinct() if cell.startswith("remedy-") else qs


# ---- the tables -------------------------------------------------------------------------------------------------

def _cell(n, url: str | None = None) -> dict:
    return {"n": n, "url": url}


def _url(name: str, node, **params) -> str:
    return reverse(name) + "?" + urlencode({"node": node.pk, **params})


def _proactive(node, year: int) -> list[dict]:
    start, end = period(year)
    docs = within(NormativeDocument.objects.all(), node)
    doc_counts = [
        (docs.filter(published_on__range=(start, end)).count(), {"by": "published_on", "year": year}),
        (docs.filter(repealed_on__range=(start, end)).count(), {"by": "repealed_on", "year": year}),
        (docs.filter(published_on__lte=end).exclude(repealed_on__lte=end).count(), {"in_force": end.isoformat()}),
    ]
    legal = {
        "key": "proactive_documents", "title": "二、主动公开政府信息情况",
        "head": [[("第二十条第（一）项", 1), ("本年制发件数", 1), ("本年废止件数", 1), ("现行有效件数", 1)]],
        "rows": [{"label": "规章", "cells": [_cell("—")] * 3},
                 {"label": "行政规范性文件",
                  "cells": [_cell(n, _url("governance:documents", node, **p)) for n, p in doc_counts]}]}
    items = within(DisclosureItem.objects.exclude(status=DisclosureItem.Status.DRAFT), node) \
        .filter(published_on__range=(start, end))
    counts = dict(items.values_list("category_id").annotate(n=Count("id")).values_list("category_id", "n"))
    rows = [{"label": c.name, "cells": [_cell(counts.get(c.pk, 0),
                                              _url("governance:items", node, year=year, category=c.code))]}
            for c in DisclosureCategory.objects.all() if counts.get(c.pk) or c.is_active]
    rows.append({"label": "合计", "cells": [_cell(sum(counts.values()), _url("governance:items", node, year=year))]})
    catalogue = {"key": "proactive_catalogue", "title": "主动公开政府信息（按公开目录类别）",
                 "head": [[("目录类别", 1), ("本年主动公开（条）", 1)]], "rows": rows}
    return [legal, *_decisions(node, year), catalogue]


#: What table 二 needs and the platform does not record (shown on the report page until it does).
NOT_RECORDED = ("行政许可（第二十条第（五）项）和行政事业性收费（第二十条第（八）项）本平台未登记，表中以“—”表示；"
                "如有，请在“六、其他需要报告的事项”中说明。")


def _decisions(node, year: int) -> list[dict]:
    """第二十条第（五）（六）（八）项: decisions of the year by kind, from the enforcement module's selector."""
    from fazhi.enforcement import disclosure as enforcement

    counts = enforcement.decision_counts(node, year)
    none = [_cell("—")]
    row = [{"label": label, "cells": [_cell(counts[kind], _url("governance:annual_decisions", node, year=year,
                                                               kind=kind))]}
           for kind, (label, _q) in enforcement.KINDS.items()]
    head = [("信息内容", 1), ("本年处理决定数量", 1)]
    return [{"key": "proactive_licensing", "title": "第二十条第（五）项", "head": [head],
             "rows": [{"label": "行政许可", "cells": none}]},
            {"key": "proactive_enforcement", "title": "第二十条第（六）项", "head": [head], "rows": row},
            {"key": "proactive_fees", "title": "第二十条第（八）项",
             "head": [[("信息内容", 1), ("本年收费金额（单位：万元）", 1)]],
             "rows": [{"label": "行政事业性收费", "cells": none}]}]


def _counts(node, year: int, rows: list[str]) -> dict:
    """{(row, column): n} for request rows, one aggregate query per row."""
    qs = within(DisclosureRequest.objects.all(), node)
    out = {}
    for row in rows:
        agg = qs.filter(_row_q(year, row)).aggregate(**{key: Count("id", filter=q, distinct=True)
                                                        for key, _, q in COLUMNS})
        out.update({(row, key): n for key, n in agg.items()})
    return out


def _request_row(node, year, counts, row: str, label: str, level: int = 0) -> dict:
    return {"label": label, "level": level, "key": row, "cells": [
        _cell(counts[(row, key)], _url("governance:requests", node, annual=year, cell=f"{row}.{key}"))
        for key, _, _ in COLUMNS]}


def _requests(node, year: int) -> dict:
    reasons = [r for _, group in OUTCOME_GROUPS for r in group]
    counts = _counts(node, year, ["new", "carried", "handled", "forward", "unclassified", *reasons])
    labels = dict(TR.choices)
    rows = [_request_row(node, year, counts, "new", "一、本年新收政府信息公开申请数量"),
            _request_row(node, year, counts, "carried", "二、上年结转政府信息公开申请数量"),
            {"label": "三、本年度办理结果", "level": 0, "cells": []}]
    for group, members in OUTCOME_GROUPS:
        if len(members) == 1:
            rows.append(_request_row(node, year, counts, members[0], group, 1))
            continue
        rows.append({"label": group, "level": 1, "cells": []})
        for i, reason in enumerate(members, start=1):
            rows.append(_request_row(node, year, counts, reason, f"{i}.{labels[reason].split('：', 1)[1]}", 2))
    if counts[("unclassified", "total")]:
        rows.append(_request_row(node, year, counts, "unclassified", "（未登记统计口径，须补录）", 1))
    rows.append(_request_row(node, year, counts, "handled", "（七）总计", 1))
    rows.append(_request_row(node, year, counts, "forward", "四、结转下年度继续办理"))
    org = [label for key, label, _ in COLUMNS if key not in ("person", "total")]
    head = [[("", 1), ("申请人情况", len(COLUMNS))],
            [("", 1), ("自然人", 1), ("法人或其他组织", len(org)), ("总计", 1)],
            [("", 1), ("", 1)] + [(label, 1) for label in org] + [("", 1)]]
    return {"key": "requests", "title": "三、收到和处理政府信息公开申请情况", "head": head, "rows": rows}


def _remedies(node, year: int) -> dict:
    qs = within(DisclosureRemedy.objects.all(), node, field="request__node")
    cells = []
    for kind, _ in DisclosureRemedy.Kind.choices:
        for result, _ in RESULTS:
            n = qs.filter(_remedy_q(year, kind, result)).count()
            cells.append(_cell(n, _url("governance:requests", node, annual=year, cell=f"remedy-{kind}-{result}")))
    results = [(label, 1) for _, label in RESULTS]
    head = [[("行政复议", len(RESULTS)), ("行政诉讼", 2 * len(RESULTS))],
            [("", len(RESULTS)), ("未经复议直接起诉", len(RESULTS)), ("复议后起诉", len(RESULTS))],
            results * 3]
    return {"key": "remedies", "title": "四、政府信息公开行政复议、行政诉讼情况", "head": head,
            "rows": [{"label": "", "cells": cells}], "no_label": True}


def _fees(node, year: int) -> dict:
    qs = within(DisclosureRequest.objects.all(), node).filter(_row_q(year, "fee"))
    total = qs.aggregate(s=Sum("fee_amount"))["s"] or 0
    url = _url("governance:requests", node, annual=year, cell="fee.total")
    return {"key": "fees", "title": "收取信息处理费情况（《政府信息公开条例》第四十二条）",
            "head": [[("项目", 1), ("数量", 1)]],
            "rows": [{"label": "收取信息处理费的申请（件）", "cells": [_cell(qs.count(), url)]},
                     {"label": "收取信息处理费金额（元）", "cells": [_cell(f"{total:.2f}", url)]}]}


def compute(node, year: int) -> dict:
    """Every table of the report for ``node`` and ``year``, from the records now."""
    return {"year": year, "node": node.pk, "proactive": _proactive(node, year), "requests": _requests(node, year),
            "remedies": _remedies(node, year), "fees": _fees(node, year)}


# ---- checks -------------------------------------------------------------------------------------------------------

def _row(tables: dict, key: str) -> list[int]:
    row = next((r for r in tables["requests"]["rows"] if r.get("key") == key), None)
    return [c["n"] for c in row["cells"]] if row else [0] * len(COLUMNS)


def identity_problems(tables: dict, previous: dict | None = None) -> list[str]:
    """What stops the request table from reconciling: new + carried over = handled + carried forward (per column),
    every handled request in a row, and this year's carried-over equal to last year's final carried-forward."""
    problems = []
    new, carried, handled, forward = (_row(tables, k) for k in ("new", "carried", "handled", "forward"))
    for i, (_key, label, _q) in enumerate(COLUMNS):
        if new[i] + carried[i] != handled[i] + forward[i]:
            problems.append(f"{label}：本年新收{new[i]}件 + 上年结转{carried[i]}件 = {new[i] + carried[i]}件，"
                            f"但办理结果总计{handled[i]}件 + 结转下年度{forward[i]}件 = {handled[i] + forward[i]}件，"
                            "两者不等（请检查收到日期、答复日期有误的记录）。")
    unclassified = _row(tables, "unclassified")[-1]
    if unclassified:
        problems.append(f"有{unclassified}件已办结的申请未登记年报统计口径（办理结果的具体情形），请补录后再定稿。")
    if previous is not None:
        before = _row(previous, "forward")[-1]
        if before != carried[-1]:
            problems.append(f"上年度报告“结转下年度继续办理”为{before}件，本年度“上年结转”为{carried[-1]}件，两者不一致。")
    return problems


def warnings(node, year: int) -> list[str]:
    """What the officer should know but does not block finalisation."""
    n = within(DisclosureRequest.objects.all(), node).filter(
        _row_q(year, "new") | _row_q(year, "carried"), applicant_type=R.ApplicantType.ORGANISATION,
        organisation_kind="").count()
    out = [f"有{n}件法人或其他组织的申请未登记组织类别，计入“其他”。"] if n else []
    return out + [NOT_RECORDED]


def digest(report, tables: dict) -> str:
    """The content hash of a final report: its tables and texts, canonical JSON."""
    content = {"node": report.node_id, "year": report.year, "tables": tables, "overview": report.overview,
               "problems": report.problems, "other_matters": report.other_matters}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


# ---- text ---------------------------------------------------------------------------------------------------------

def sections(report, tables: dict) -> list[tuple[str, object]]:
    """The report in order: ("h1", text) / ("p", text) / ("table", table)."""
    out = [("h1", "一、总体情况"), ("p", report.overview or "（待填写）"), ("h1", "二、主动公开政府信息情况")]
    out += [("table", t) for t in tables["proactive"]]
    out += [("h1", tables["requests"]["title"]), ("table", tables["requests"]),
            ("h1", tables["remedies"]["title"]), ("table", tables["remedies"]),
            ("h1", "五、存在的主要问题及改进情况"), ("p", report.problems or "（待填写）"),
            ("h1", "六、其他需要报告的事项"), ("table", tables["fees"])]
    if report.other_matters:
        out.append(("p", report.other_matters))
    return out


def plain_text(report, tables: dict) -> str:
    """The report as plain text (the body of the portal item; the .docx carries the tables laid out)."""
    lines = []
    for kind, value in sections(report, tables):
        if kind == "table":
            if value.get("title") and not value["title"].startswith(("二、", "三、", "四、")):
                lines.append(value["title"])
            for row in value["rows"]:
                if row["cells"]:
                    lines.append(f"{row['label'] or '件数'}：" + "、".join(str(c["n"]) for c in row["cells"]))
                else:
                    lines.append(row["label"])
        else:
            lines.append(value)
    return "\n".join(lines)
