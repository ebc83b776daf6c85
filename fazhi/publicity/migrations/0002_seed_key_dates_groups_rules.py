"""Default data: the key publicity dates, the audience groups and the module's time limits. Sites may change all
of them; this migration never overwrites an existing row."""
from django.db import migrations

LUNAR = {
    "spring_festival": {"2022": "2022-02-01", "2023": "2023-01-22", "2024": "2024-02-10", "2025": "2025-01-29", "2026": "2026-02-17", "2027": "2027-02-06", "2028": "2028-01-26"},
    "lantern": {"2022": "2022-02-15", "2023": "2023-02-05", "2024": "2024-02-24", "2025": "2025-02-12", "2026": "2026-03-03", "2027": "2027-02-20", "2028": "2028-02-09"},
    "dragon_boat": {"2022": "2022-06-03", "2023": "2023-06-22", "2024": "2024-06-10", "2025": "2025-05-31", "2026": "2026-06-19", "2027": "2027-06-09", "2028": "2028-05-28"},
    "mid_autumn": {"2022": "2022-09-10", "2023": "2023-09-29", "2024": "2024-09-17", "2025": "2025-10-06", "2026": "2026-09-25", "2027": "2027-09-15", "2028": "2028-10-03"},
    "double_ninth": {"2022": "2022-10-04", "2023": "2023-10-23", "2024": "2024-10-11", "2025": "2025-10-29", "2026": "2026-10-18", "2027": "2027-10-08", "2028": "2028-10-26"},
}

# code, name, theme, calendar, month, day, duration, suggested target, basis
KEY_DATES = [
    ("spring_festival", "春节", "平安过节、防范电信网络诈骗；外出务工人员返乡期间宣传劳动合同、工资支付维权", "lunar", None, None, 7, "village", "传统节日普法时点（2024年计划：紧抓传统节假日等普法时点）"),
    ("lantern", "元宵节", "民法典进万家、移风易俗、文明节俭办事", "lunar", None, None, 1, "community", "传统节日普法时点"),
    ("lei_feng", "3.5学雷锋纪念日", "法律志愿服务、公共法律服务进村居", "solar", 3, 5, 1, "community", "学雷锋纪念日"),
    ("womens_day", "3.8国际妇女节", "妇女权益保障法、反家庭暴力法", "solar", 3, 8, 1, "community", "国际妇女节"),
    ("consumer_day", "3.15国际消费者权益日", "消费者权益保护法、食品安全法、防范消费陷阱", "solar", 3, 15, 1, "enterprise", "国际消费者权益日"),
    ("security_day", "4.15全民国家安全教育日", "国家安全法、反间谍法、总体国家安全观", "solar", 4, 15, 1, "organ", "《国家安全法》第十四条"),
    ("labour_day", "5.1国际劳动节", "劳动法、劳动合同法、保障农民工工资支付条例", "solar", 5, 1, 1, "enterprise", "国际劳动节"),
    ("childrens_day", "6.1国际儿童节", "未成年人保护法、预防未成年人犯罪法", "solar", 6, 1, 1, "school", "国际儿童节"),
    ("anti_drug_month", "6月禁毒宣传月", "禁毒法、识毒防毒拒毒（6.26国际禁毒日）", "solar", 6, 1, 30, "school", "全国禁毒宣传月"),
    ("dragon_boat", "端午节", "传承传统文化、防溺水安全、文明祭扫与出行", "lunar", None, None, 1, "village", "传统节日普法时点"),
    ("party_day", "7.1建党节", "党章党规党纪、习近平法治思想", "solar", 7, 1, 1, "organ", "中国共产党成立纪念日"),
    ("mid_autumn", "中秋节", "家庭和睦、婚姻家庭纠纷预防、民法典婚姻家庭编", "lunar", None, None, 1, "village", "传统节日普法时点"),
    ("double_ninth", "重阳节", "老年人权益保障法、防范养老诈骗", "lunar", None, None, 1, "village", "传统节日（敬老日）"),
    ("fire_day", "11.9全国消防日", "消防法、安全生产法", "solar", 11, 9, 1, "enterprise", "全国消防日"),
    ("traffic_day", "12.2全国交通安全日", "道路交通安全法、文明出行", "solar", 12, 2, 1, "school", "全国交通安全日"),
    ("constitution_day", "12.4国家宪法日", "宪法、宪法宣传周", "solar", 12, 4, 1, "organ", "全国人大常委会关于设立国家宪法日的决定"),
]

GROUPS = [
    ("elderly", "老年人"), ("youth", "青少年"), ("migrant_workers", "外出务工人员/农民工"), ("left_behind", "留守老人儿童"),
    ("cadres", "党员干部"), ("enterprise", "企业人员"), ("women", "妇女"), ("general", "其他群众"),
]

RULES = [
    ("publicity.event_record", "普法活动开展情况登记", 5, "working_days",
     "本街道普法工作台账管理要求（地方规定，可按实际调整）：活动开展后5个工作日内登记受众人次、宣传资料并上传活动照片。", 2),
    ("publicity.key_date_lead", "重要宣传节点活动筹划", 14, "calendar_days",
     "“八五”普法规划要求紧抓重要普法时点；本平台默认在宣传节点前14天提醒制定活动计划（可按实际调整）。", 7),
]


def seed(apps, schema_editor):
    KeyDate = apps.get_model("publicity", "KeyDate")
    AudienceGroup = apps.get_model("publicity", "AudienceGroup")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for i, (code, name, theme, cal, month, day, duration, target, basis) in enumerate(KEY_DATES):
        KeyDate.objects.get_or_create(code=code, defaults=dict(
            name=name, theme=theme, calendar=cal, month=month, day=day, duration_days=duration,
            lunar_dates=LUNAR.get(code, {}), suggested_target=target, basis=basis, sort_order=i))
    for i, (code, name) in enumerate(GROUPS):
        AudienceGroup.objects.get_or_create(code=code, defaults=dict(name=name, sort_order=i))
    for code, name, amount, unit, basis, soon in RULES:
        DeadlineRule.objects.get_or_create(code=code, defaults=dict(name=name, amount=amount, unit=unit, legal_basis=basis, due_soon_days=soon))


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
