"""Workbench to-dos: drafts to confirm, requests due soon or overdue, extensions to approve, comments to moderate,
documents to review. One row each: (permission, list selector, its filters, label, list URL name, level, detail)."""
from django.urls import reverse
from django.utils.http import urlencode

from fazhi.core import policy
from fazhi.core.todos import Todo

from . import selectors


def _requests(filters, label, level, detail="", perm="governance.requests"):
    return (perm, selectors.request_list, filters, label, "governance:requests", level, detail)


def _documents(perm, filters, label, detail=""):
    return (perm, selectors.document_list, filters, label, "governance:documents", "warning", detail)


ROWS = [
    ("governance.disclosure", selectors.item_list, {"status": "draft"}, "主动公开信息待确认发布", "governance:items",
     "warning", "预览核对后确认发布；自形成之日起20个工作日内公开（《政府信息公开条例》第二十六条）"),
    _requests({"due": "overdue"}, "依申请公开已超期未答复", "danger", "《政府信息公开条例》第三十三条"),
    _requests({"due": "soon"}, "依申请公开即将到期", "warning"),
    _requests({"status": "correcting"}, "依申请公开等待申请人补正", "info"),
    _requests({"due": "uncorrected"}, "依申请公开补正期限已过（可视为放弃申请）", "warning",
              "申请人无正当理由逾期不补正的，视为放弃申请（《政府信息公开条例》第三十条）"),
    _requests({"status": "extension_pending"}, "依申请公开延期待批准", "warning", perm="governance.approve_extension"),
    ("governance.moderate", selectors.comment_list, {"status": "pending"}, "公众意见待审核", "governance:comments",
     "warning", ""),
    _documents("governance.documents", {"due": "review"}, "规范性文件到期评估清理",
               "有效期届满前应评估，决定继续施行、修改或废止"),
    _documents("governance.legal_review", {"status": "in_review"}, "规范性文件待合法性审核"),
]


def todos(user):
    out = []
    for perm, selector, filters, label, url_name, level, detail in ROWS:
        if not policy.has_perm(user, perm):
            continue
        n = selector(user=user, filters=dict(filters)).count()
        if n:
            out.append(Todo(label, reverse(url_name) + "?" + urlencode(filters), n, level, detail=detail))
    return out
