"""Default time limits (DeadlineRule) and major-case rules (MajorCaseRule). Data, editable by administrators."""
from decimal import Decimal

from django.db import migrations

PRESS_118 = ("国务院新闻办公室2019年1月4日国务院政策例行吹风会解读《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度"
             "重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）")

DEADLINES = [
    ("enforcement.decision", "作出行政处罚决定", 90, "calendar_days", 10,
     "《中华人民共和国行政处罚法》第六十条：行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。"
     "法律、法规、规章另有规定的，从其规定。（案情复杂的，经批准可以延长，延长期间计入本系统“批准延长”。）"),
    ("enforcement.service", "送达行政处罚决定书", 7, "calendar_days", 2,
     "《中华人民共和国行政处罚法》第六十一条：行政处罚决定书应当在宣告后当场交付当事人；当事人不在场的，"
     "行政机关应当在七日内依照《中华人民共和国民事诉讼法》的有关规定，将行政处罚决定书送达当事人。"),
    ("enforcement.publish_penalty", "公示行政处罚决定", 7, "working_days", 2,
     PRESS_118 + "：行政许可、行政处罚的执法决定信息要在执法决定作出之日起7个工作日内公开。"),
    ("enforcement.publish_other", "公示其他执法决定", 20, "working_days", 5,
     PRESS_118 + "：其他行政执法决定信息要在执法决定作出之日起20个工作日内公开。"),
    ("enforcement.withdraw", "撤回已撤销或变更的公示决定", 3, "working_days", 1,
     "国办发〔2018〕118号：行政执法决定被依法撤销、确认违法或者要求重新作出的，应当及时从信息公示平台撤下原行政执法决定信息。"
     "“3个工作日”为地方性规定的常见期限（待核实：请按本省、市行政执法公示办法调整）。"),
]

MAJOR_RULES = [
    ("art58_public_interest", "涉及重大公共利益的", "public_interest", None,
     "《中华人民共和国行政处罚法》第五十八条第一款第一项"),
    ("art58_hearing", "直接关系当事人或者第三人重大权益，经过听证程序的", "hearing_held", None,
     "《中华人民共和国行政处罚法》第五十八条第一款第二项"),
    ("art58_complex", "案件情况疑难复杂、涉及多个法律关系的", "complex", None,
     "《中华人民共和国行政处罚法》第五十八条第一款第三项"),
    ("local_fine_over", "拟罚款金额达到1万元以上的", "fine_over", Decimal("10000"),
     "《中华人民共和国行政处罚法》第五十八条第一款第四项“法律、法规规定应当进行法制审核的其他情形”；"
     "金额标准由地方确定，此为默认值，请按本地重大执法决定目录调整。"),
]


def install(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    MajorCaseRule = apps.get_model("enforcement", "MajorCaseRule")
    for code, name, amount, unit, soon, basis in DEADLINES:
        DeadlineRule.objects.update_or_create(code=code, defaults=dict(name=name, amount=amount, unit=unit, due_soon_days=soon, legal_basis=basis))
    for code, name, kind, threshold, basis in MAJOR_RULES:
        MajorCaseRule.objects.update_or_create(code=code, defaults=dict(name=name, kind=kind, threshold=threshold, legal_basis=basis))


def remove(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(code__in=[d[0] for d in DEADLINES]).delete()
    apps.get_model("enforcement", "MajorCaseRule").objects.filter(code__in=[m[0] for m in MAJOR_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
