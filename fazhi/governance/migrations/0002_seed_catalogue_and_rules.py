"""The default disclosure catalogue and the statutory time limits of this module (data, editable afterwards)."""
from django.db import migrations

CATEGORIES = [
    ("functions", "机构职能", "机构设置、职能、领导分工、联系方式"),
    ("normative", "政策文件/规范性文件", "行政规范性文件及其他政策文件"),
    ("plans", "规划计划", "发展规划、工作计划"),
    ("budget", "财政预决算", "部门预算、决算及“三公”经费"),
    ("enforcement", "行政执法", "执法主体、权责清单、执法决定"),
    ("major_decisions", "重大决策", "重大行政决策目录、草案征求意见、决策结果"),
    ("personnel", "人事信息", "人事任免、招录"),
    ("public_services", "公共服务", "办事指南、便民服务"),
    ("work_news", "工作动态", "工作动态、通知公告"),
    ("annual_report", "法治政府建设年度报告", "法治政府建设年度报告"),
    ("disclosure_report", "政府信息公开工作年度报告", "政府信息公开工作年度报告"),
]

RULES = [
    ("governance.proactive_disclosure", "主动公开时限", 20, "working_days",
     "《中华人民共和国政府信息公开条例》第二十六条：属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开"),
    ("governance.request_reply", "依申请公开答复期限", 20, "working_days",
     "《中华人民共和国政府信息公开条例》第三十三条：不能当场答复的，应当自收到申请之日起20个工作日内予以答复；第三十条：申请内容不明确的，答复期限自行政机关收到补正的申请之日起计算"),
    ("governance.request_extension", "依申请公开延长答复期限", 20, "working_days",
     "《中华人民共和国政府信息公开条例》第三十三条：需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日"),
    ("governance.normative_comment", "规范性文件征求意见期", 7, "working_days",
     "《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》（国办发〔2018〕37号）：除依法需要保密的外，对涉及群众切身利益的规范性文件应向社会公开征求意见，期限一般不少于7个工作日（本地规定可调整）"),
    ("governance.decision_comment", "重大行政决策公开征求意见期", 30, "calendar_days",
     "《重大行政决策程序暂行条例》第十五条：决策事项向社会公开征求意见的，征求意见期限一般不少于30日"),
    ("governance.normative_validity", "规范性文件有效期", 60, "months",
     "各地规范性文件管理规定：规范性文件有效期一般不超过5年，期满前应评估清理（本地规定可调整）"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("governance", "DisclosureCategory")
    Rule = apps.get_model("core", "DeadlineRule")
    for i, (code, name, description) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(code=code, defaults={"name": name, "description": description, "sort_order": i * 10})
    for code, name, amount, unit, basis in RULES:
        Rule.objects.get_or_create(code=code, defaults={"name": name, "amount": amount, "unit": unit, "legal_basis": basis})


def unseed(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
