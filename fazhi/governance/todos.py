"""Workbench to-dos: requests due soon or overdue, extensions to approve, comments to moderate, documents to review."""
from django.urls import reverse

from fazhi.core import policy
from fazhi.core.todos import Todo

from . import selectors


def todos(user):
    out = []
    if policy.has_perm(user, "governance.disclosure"):
        drafts = selectors.item_list(user=user, filters={"status": "draft"}).count()
        if drafts:
            out.append(Todo("主动公开信息待确认发布", reverse("governance:items") + "?status=draft", drafts, "warning",
                            detail="预览核对后确认发布；自形成之日起20个工作日内公开（《政府信息公开条例》第二十六条）"))
    if policy.has_perm(user, "governance.requests"):
        overdue = selectors.request_list(user=user, filters={"due": "overdue"}).count()
        if overdue:
            out.append(Todo("依申请公开已超期未答复", reverse("governance:requests") + "?due=overdue", overdue, "danger",
                            detail="《政府信息公开条例》第三十三条"))
        soon = selectors.request_list(user=user, filters={"due": "soon"}).count()
        if soon:
            out.append(Todo("依申请公开即将到期", reverse("governance:requests") + "?due=soon", soon, "warning"))
        correcting = selectors.request_list(user=user, filters={"status": "correcting"}).count()
        if correcting:
            out.append(Todo("依申请公开等待申请人补正", reverse("governance:requests") + "?status=correcting", correcting, "info"))
    if policy.has_perm(user, "governance.approve_extension"):
        pending = selectors.request_list(user=user, filters={"status": "extension_pending"}).count()
        if pending:
            out.append(Todo("依申请公开延期待批准", reverse("governance:requests") + "?status=extension_pending", pending, "warning"))
    if policy.has_perm(user, "governance.moderate"):
        pending = selectors.comment_list(user=user, filters={"status": "pending"}).count()
        if pending:
            out.append(Todo("公众意见待审核", reverse("governance:comments") + "?status=pending", pending, "warning"))
    if policy.has_perm(user, "governance.documents"):
        review = selectors.document_list(user=user, filters={"due": "review"}).count()
        if review:
            out.append(Todo("规范性文件到期评估清理", reverse("governance:documents") + "?due=review", review, "warning",
                            detail="有效期届满前应评估，决定继续施行、修改或废止"))
    if policy.has_perm(user, "governance.legal_review"):
        n = selectors.document_list(user=user, filters={"status": "in_review"}).count()
        if n:
            out.append(Todo("规范性文件待合法性审核", reverse("governance:documents") + "?status=in_review", n, "warning"))
    return out
