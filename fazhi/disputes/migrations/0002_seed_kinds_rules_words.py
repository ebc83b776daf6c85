"""Default data: dispute kinds (DOMAIN.md), time limits with their legal basis, the risk word list."""
from django.db import migrations

KINDS = [
    ("marriage_family", "婚姻家庭"),
    ("neighbour", "邻里"),
    ("labour", "劳动争议"),
    ("land", "土地/宅基地"),
    ("property_mgmt", "物业"),
    ("contract_debt", "合同/债务"),
    ("damages", "损害赔偿"),
    ("demolition", "拆迁安置"),
    ("other", "其他"),
]

RULES = [
    dict(code="disputes.conclude", name="矛盾纠纷调解办结期限", amount=1, unit="months", due_soon_days=5,
         legal_basis="《人民调解工作若干规定》（司法部令第75号）第三十三条：人民调解委员会调解纠纷，一般在一个月内调结"
                     "（默认值，请以本地规定核实后调整）"),
    dict(code="disputes.judicial_confirmation", name="人民调解协议司法确认申请期限", amount=30, unit="calendar_days",
         due_soon_days=5,
         legal_basis="《中华人民共和国人民调解法》第三十三条：经人民调解委员会调解达成调解协议后，双方当事人认为有必要的，"
                     "可以自调解协议生效之日起三十日内共同向人民法院申请司法确认"),
]

WORDS = [
    ("打死", "violence"), ("杀", "violence"), ("砍", "violence"), ("报复", "violence"), ("同归于尽", "violence"),
    ("动刀", "violence"), ("拼命", "violence"), ("放火", "violence"), ("跳楼", "violence"), ("喝农药", "violence"),
    ("殴打", "violence"), ("威胁", "violence"),
    ("集体", "group"), ("上访", "group"), ("聚集", "group"), ("群体", "group"), ("联名", "group"),
    ("堵路", "group"), ("围堵", "group"), ("讨薪", "group"), ("全村", "group"), ("村民们", "group"),
]


def seed(apps, schema_editor):
    DisputeKind = apps.get_model("disputes", "DisputeKind")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    RiskWord = apps.get_model("disputes", "RiskWord")
    for i, (code, name) in enumerate(KINDS):
        DisputeKind.objects.get_or_create(code=code, defaults={"name": name, "sort_order": i})
    for rule in RULES:
        DeadlineRule.objects.get_or_create(code=rule["code"], defaults=rule)
    for word, category in WORDS:
        RiskWord.objects.get_or_create(word=word, defaults={"category": category})


def unseed(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(code__startswith="disputes.").delete()


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
