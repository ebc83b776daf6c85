"""Test helpers: records made through the services (so tests see the same rules as users)."""
import datetime

from fazhi.core import clock
from fazhi.governance import services

DAY = datetime.date(2023, 3, 1)


def draft(users, tree, *, day=DAY, formed=None, category="work_news", title="稷下街道工作动态", body="正文内容"):
    with clock.frozen(day):
        return services.disclosure_save(actor=users.disclosure, node=tree.sub, category_code=category, title=title,
                                        body=body, formed_on=formed or day)


def item(users, tree, *, day=DAY, formed=None, late_reason="", **kwargs):
    """A published item: saved as a draft, then confirmed (the way the disclosure officer publishes)."""
    d = draft(users, tree, day=day, formed=formed, **kwargs)
    with clock.frozen(day):
        return services.disclosure_confirm(actor=users.disclosure, item_id=d.pk, version=d.version,
                                           late_reason=late_reason)


def request(tree, *, day=DAY, phone="13905331234", content="申请公开2022年低保资金发放情况"):
    with clock.frozen(day):
        return services.request_submit(node=tree.sub, applicant_name="张三", phone=phone, content=content)


def meeting(users, tree, *, day=DAY, agenda=("审议文件",), guests=True, approve=True):
    with clock.frozen(day):
        m = services.meeting_create(actor=users.office, node=tree.sub, title=f"{day.year}年党工委会议", held_on=day,
                                    members=[users.leader, users.office],
                                    guests=[("刘书记", tree.liu, "村党支部书记")] if guests else (), agenda=agenda)
        if approve:
            for i in m.items.all():
                services.agenda_item_decide(actor=users.office, item_id=i.pk, outcome="approved", decision_text="同意")
    return m


def document_reviewed(users, tree, *, start=datetime.date(2023, 2, 1)):
    with clock.frozen(start):
        doc = services.document_create(actor=users.office, node=tree.sub, title="稷下街道临时救助办法", body="第一条……")
        doc = services.document_transition(actor=users.office, document_id=doc.pk, name="open_comment")
    with clock.frozen(doc.comment_end + datetime.timedelta(days=1)):
        services.document_transition(actor=users.office, document_id=doc.pk, name="close_comment")
        services.document_transition(actor=users.office, document_id=doc.pk, name="submit_review")
        doc = services.document_transition(actor=users.reviewer, document_id=doc.pk, name="approve_review",
                                           opinion="经审核，制定主体合法，内容合法，程序合规，同意提交审议。")
    return doc
