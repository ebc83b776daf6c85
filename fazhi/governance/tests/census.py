"""Census makers: one object of each model the module's routes look up, inside 稷下街道 (see core test_census)."""
import datetime

from fazhi.governance import models

from . import factories as f


def _comment(tree, users):
    from fazhi.core import clock
    from fazhi.governance import services

    with clock.frozen(datetime.date(2023, 2, 1)):
        draft = services.document_create(actor=users.office, node=tree.sub, title="稷下街道征求意见稿", body="第一条")
        draft = services.document_transition(actor=users.office, document_id=draft.pk, name="open_comment")
        return services.comment_submit(target=draft, body="建议补充救助标准的说明")


def _decision(tree, users):
    from fazhi.core import clock
    from fazhi.governance import services

    with clock.frozen(datetime.date(2023, 3, 1)):
        return services.decision_create(actor=users.office, node=tree.sub, year=2023, title="稷下老旧小区改造决策")


def _annual_report(tree, users):
    from fazhi.core import clock
    from fazhi.governance import services

    existing = models.DisclosureReport.objects.filter(node=tree.sub, year=2023).first()  # one report per 街道 and year
    with clock.frozen(datetime.date(2024, 1, 5)):
        return existing or services.annual_report_create(actor=users.disclosure, node=tree.sub, year=2023)


MAKERS = {
    models.DisclosureReport: _annual_report,
    models.DisclosureItem: lambda tree, users: f.item(users, tree, title="稷下街道普查公告"),
    models.DisclosureRequest: lambda tree, users: f.request(tree, content="申请公开稷下某地块征收补偿方案"),
    models.NormativeDocument: lambda tree, users: f.document_reviewed(users, tree),
    models.PublicComment: _comment,
    models.MajorDecision: _decision,
    models.Meeting: lambda tree, users: f.meeting(users, tree),
}
