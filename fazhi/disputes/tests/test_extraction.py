"""Issue 18: pre-filling the intake form from a complaint written in plain words — on a corpus of realistic
complaint texts, with invalid ID numbers rejected (never filled in)."""
import datetime
from decimal import Decimal

import pytest

from fazhi.core import clock
from fazhi.core.validators import make_id_number

from ..extraction import chinese_number, extract

GOOD_1 = make_id_number("37030519650312002")
GOOD_2 = make_id_number("37030519881105331")
BAD = GOOD_1[:-1] + ("0" if GOOD_1[-1] != "0" else "1")  # one wrong check digit

# (text, expected): names by role, phones, ID numbers, rejected numbers, the address, amounts, dates
CORPUS = [
    (f"申请人王秀英，女，身份证号{GOOD_1}，电话13905331234，住山东省淄博市临淄区稷下街道刘家村3组。2026年3月5日，邻居李建国"
     "翻建院墙堵塞了排水沟，雨水倒灌进我家院子，造成损失三千五百元，要求对方赔偿。",
     {"applicant": "王秀英", "respondent": "李建国", "phones": ["13905331234"], "ids": [GOOD_1], "rejected": 0,
      "address": "山东省淄博市临淄区稷下街道刘家村3组", "amounts": [Decimal("3500")], "dates": [datetime.date(2026, 3, 5)]}),
    (f"我叫张志强，手机139 0533 5678，在包工头赵德明手下干活三个月，对方欠我工资1.8万元，去年12月20日说好年底给，至今没给。"
     f"身份证{BAD}",
     {"applicant": "张志强", "respondent": "赵德明", "phones": ["13905335678"], "ids": [], "rejected": 1,
      "amounts": [Decimal("18000")], "dates": [datetime.date(2025, 12, 20)]}),
    ("来访人孙桂芳反映：对方刘海燕2025年5月1日向其借款人民币30000元，打有欠条，约定半年归还，到期后一直推脱。"
     "孙桂芳联系电话0533-7181234。",
     {"applicant": "孙桂芳", "respondent": "刘海燕", "phones": ["0533-7181234"], "ids": [], "rejected": 0,
      "amounts": [Decimal("30000")], "dates": [datetime.date(2025, 5, 1)]}),
    (f"被申请人周德明（身份证{GOOD_2}，电话13705339876）饲养的狗于2026年4月2日咬伤申请人吴小红的孩子，花去疫苗费两千元。"
     "吴小红住大杨村5组。",
     {"applicant": "吴小红", "respondent": "周德明", "phones": ["13705339876"], "ids": [GOOD_2], "rejected": 0,
      "address": "大杨村5组", "amounts": [Decimal("2000")], "dates": [datetime.date(2026, 4, 2)]}),
    ("本人陈春梅，电话15866661234，身份证号370305199002301234，2026-02-14与丈夫吵架后回娘家居住，要求调解。",
     {"applicant": "陈春梅", "phones": ["15866661234"], "ids": [], "rejected": 1, "amounts": [],
      "dates": [datetime.date(2026, 2, 14)]}),
    ("申请人：马宝山，旧身份证370305650312123，住郑家村，与邻居为宅基地边界发生争执。",
     {"applicant": "马宝山", "phones": [], "ids": [], "rejected": 1, "address": "郑家村", "amounts": [], "dates": []}),
    ("申请人何爱民等12户村民反映，被申请人稷下建筑工程有限公司拖欠工程款共计45.5万元。电话12345678901。",
     {"applicant": "何爱民", "phones": [], "ids": [], "rejected": 1, "amounts": [Decimal("455000")], "dates": []}),
]


@pytest.mark.parametrize("text,expected", CORPUS, ids=[f"complaint{i}" for i in range(len(CORPUS))])
def test_extraction_on_realistic_complaints(text, expected):
    with clock.frozen(datetime.date(2026, 6, 1)):
        ex = extract(text)
    roles = {p.role: p.name for p in ex.parties}
    assert roles.get("applicant") == expected["applicant"]
    if "respondent" in expected:
        assert roles.get("respondent") == expected["respondent"]
    assert ex.phones == expected["phones"]
    assert ex.id_numbers == expected["ids"]
    assert len(ex.rejected) == expected["rejected"], ex.rejected
    if "address" in expected:
        assert expected["address"] in ex.addresses
    assert [a.normalize() for a in ex.amounts] == [a.normalize() for a in expected["amounts"]]
    assert ex.dates == expected["dates"]


def test_an_invalid_id_number_is_named_and_never_filled_in():
    with clock.frozen(datetime.date(2026, 6, 1)):
        ex = extract(f"申请人王秀英，身份证号{BAD}，电话13905331234。")
    assert ex.id_numbers == [] and ex.parties[0].id_number == ""
    assert ex.rejected == [f"{BAD}：身份证号码校验位不正确，请核对。"]
    assert ex.parties[0].phone == "13905331234"


def test_numbers_attach_to_the_party_they_follow():
    with clock.frozen(datetime.date(2026, 6, 1)):
        ex = extract(f"申请人王秀英，电话13905331234，身份证{GOOD_1}；被申请人李建国，电话13605330000，身份证{GOOD_2}。")
    a, b = ex.parties
    assert (a.name, a.phone, a.id_number) == ("王秀英", "13905331234", GOOD_1)
    assert (b.name, b.phone, b.id_number) == ("李建国", "13605330000", GOOD_2)


def test_chinese_numbers():
    assert [chinese_number(x) for x in ("三千五百", "十二", "两", "二〇二三", "一百零五")] == [3500, 12, 2, 2023, 105]
