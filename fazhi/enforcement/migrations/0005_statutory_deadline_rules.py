"""Every time limit of the Administrative Penalty Law the case workflow uses, as DeadlineRule rows: the unit is
working days where 第八十五条 says so ("二日""三日""五日""七日"), and the basis is the article's text. The
remedy limits the decision letter states (行政复议法第二十条, 行政诉讼法第四十六条) are counted under the civil
procedure rules on periods, so a last day on a rest day moves (民事诉讼法第八十五条第三款)."""
from django.db import migrations

ART85 = "第八十五条：本法中“二日”“三日”“五日”“七日”的规定是指工作日，不含法定节假日。"
LAW = "《中华人民共和国行政处罚法》"

RULES = [
    # code, name, amount, unit, due_soon_days, basis, rolls_over, rollover_basis
    ("enforcement.decision", "作出行政处罚决定", 90, "calendar_days", 10,
     LAW + "第六十条：行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。法律、法规、规章另有规定的，从其规定。"
     "（本法不设延长；确有法律、法规、规章另有规定的，延长须载明该规定。）", False, ""),
    ("enforcement.service", "送达行政处罚决定书", 7, "working_days", 2,
     LAW + "第六十一条：行政处罚决定书应当在宣告后当场交付当事人；当事人不在场的，行政机关应当在七日内依照《中华人民共和国民事诉讼法》"
     "的有关规定，将行政处罚决定书送达当事人。" + ART85, False, ""),
    ("enforcement.hearing_request", "当事人要求听证", 5, "working_days", 1,
     LAW + "第六十四条第一项：当事人要求听证的，应当在行政机关告知后五日内提出。" + ART85, False, ""),
    ("enforcement.hearing_notice", "听证通知（举行听证的七日前）", 7, "working_days", 1,
     LAW + "第六十四条第二项：行政机关应当在举行听证的七日前，通知当事人及有关人员听证的时间、地点。" + ART85, False, ""),
    ("enforcement.statement", "当事人陈述、申辩", 5, "working_days", 1,
     LAW + "第四十四条：行政机关在作出行政处罚决定之前，应当告知当事人拟作出的行政处罚内容及事实、理由、依据，并告知当事人依法享有的"
     "陈述、申辩、要求听证等权利。第四十五条：当事人有权进行陈述和申辩。行政机关必须充分听取当事人的意见，对当事人提出的事实、理由和证据，"
     "应当进行复核。第六十二条：……拒绝听取当事人的陈述、申辩，不得作出行政处罚决定；当事人明确放弃陈述或者申辩权利的除外。"
     "（法律未规定陈述、申辩的天数；本期限是本机关在事先告知书中载明的期限，与听证申请期限一致，可由管理员调整。）", False, ""),
    ("enforcement.withdraw", "撤回已变更、撤销的公开决定", 3, "working_days", 1,
     LAW + "第四十八条第二款：公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效的，行政机关应当在三日内撤回行政处罚决定信息"
     "并公开说明理由。" + ART85, False, ""),
    ("enforcement.payment", "缴纳罚款", 15, "calendar_days", 3,
     LAW + "第六十七条第三款：当事人应当自收到行政处罚决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款。"
     "第七十二条第一项：到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额。", False, ""),
    ("enforcement.reconsideration", "申请行政复议", 60, "calendar_days", 10,
     "《中华人民共和国行政复议法》第二十条：公民、法人或者其他组织认为行政行为侵犯其合法权益的，可以自知道或者应当知道该行政行为之日起"
     "六十日内提出行政复议申请；但是法律规定的申请期限超过六十日的除外。", True,
     "行政复议法第八十八条第一款、民事诉讼法第八十五条第三款"),
    ("enforcement.litigation", "提起行政诉讼", 6, "months", 10,
     "《中华人民共和国行政诉讼法》第四十六条：公民、法人或者其他组织直接向人民法院提起诉讼的，应当自知道或者应当知道作出行政行为之日起"
     "六个月内提出。法律另有规定的除外。", True, "行政诉讼法第一百零一条、民事诉讼法第八十五条第三款"),
]


def install(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, name, amount, unit, soon, basis, rolls, rollover in RULES:
        DeadlineRule.objects.update_or_create(code=code, defaults=dict(
            name=name, amount=amount, unit=unit, due_soon_days=soon, legal_basis=basis, rolls_over_rest_day=rolls,
            rollover_basis=rollover))


def remove(apps, schema_editor):
    new = ["enforcement.hearing_request", "enforcement.hearing_notice", "enforcement.statement", "enforcement.payment",
           "enforcement.reconsideration", "enforcement.litigation"]
    apps.get_model("core", "DeadlineRule").objects.filter(code__in=new).delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0004_statutory_steps"), ("core", "0004_calendar_complete_and_rollover")]
    operations = [migrations.RunPython(install, remove)]
