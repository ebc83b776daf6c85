"""A generated, varied history of disputes: the demo loader, the tests and ``make bench`` (triage accuracy) share it.

Real complaints are written by different people: the same kind of dispute comes in many wordings, kinds share
words ("赔偿", "欠", "邻居"), some cases are filed under a neighbouring kind, and who handles a case depends on
more than its kind (the amount, how many applicants, how it came in, whether talks already failed). The generator
composes each text from fragments so that a model cannot learn a handful of fixed sentences, and decides the level
and the room/body from those features with some noise, as a real centre would. Deterministic for a seed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢崔"
GIVEN = ["建国", "秀英", "玉兰", "桂芳", "志强", "海燕", "国庆", "丽娟", "文华", "春梅", "德明", "红霞", "永刚", "淑珍", "立新",
         "凤英", "宝山", "金花", "长江", "晓东", "建华", "美玲", "振华", "秀兰", "广德", "爱民", "桂英", "明亮", "小红", "子涵"]
COMPANIES = ["稷下建筑工程有限公司", "齐都物业服务有限公司", "临淄宏达养殖场", "鑫源商贸有限公司", "永安运输队",
             "金岭物业公司", "华通化工有限公司", "乐家超市"]

# kind -> list of situations: (title, [event fragments], [detail fragments])
SITUATIONS = {
    "marriage_family": [
        ("赡养纠纷", ["老人年过八旬，几个子女对赡养费分担和轮流照顾意见不一", "母亲患病住院，兄弟姐妹互相推诿不愿承担医疗费",
                   "父亲独居，儿子儿媳长期不闻不问，老人生活困难"], ["老人要求子女按月给付赡养费", "老人情绪低落，多次到村委会哭诉"]),
        ("离婚后抚养纠纷", ["双方离婚后，对孩子的探视时间和抚养费支付发生争执", "前夫已半年未支付孩子抚养费",
                     "离婚协议约定的抚养费一直拖欠，女方独自抚养孩子"], ["女方要求补交拖欠的抚养费", "男方要求每周探视一次"]),
        ("继承纠纷", ["父亲去世后，子女对老宅和存款的继承分配发生争议", "老人生前未立遗嘱，兄妹对遗产分割争执不下"],
         ["长子认为自己照顾老人多应多分", "女儿要求按法定继承平均分割"]),
        ("家庭矛盾", ["婆媳因琐事长期不和，矛盾不断升级", "夫妻感情不和经常吵架，妻子回娘家居住"],
         ["双方都希望有人从中说和", "家庭关系紧张影响孩子上学"]),
    ],
    "neighbour": [
        ("排水纠纷", ["邻居翻建院墙时堵塞了共用排水沟，雨天积水流入申请人院内", "邻居家的下水管道改道，污水排到申请人门前"],
         ["双方多次争吵", "申请人要求对方恢复原状"]),
        ("漏水纠纷", ["楼上卫生间防水层破损，长期渗水至楼下", "楼上住户装修后，楼下天花板反复渗水发霉"],
         ["楼下要求楼上维修并赔偿损失", "双方协商赔偿未果"]),
        ("采光通行纠纷", ["邻居加高院墙影响申请人房屋采光通风", "邻居在胡同里堆放杂物，影响申请人通行",
                    "邻居在门前修建台阶占用公共通道"], ["双方互不相让", "申请人要求对方拆除"]),
        ("噪音纠纷", ["邻居家开办小作坊，夜间机器噪音影响休息", "邻居饲养的狗整夜吠叫，老人无法入睡",
                  "楼上住户深夜经常大声喧哗"], ["多次沟通无果", "申请人要求对方停止噪音"]),
    ],
    "labour": [
        ("拖欠工资纠纷", ["申请人在建筑工地务工三个月，包工头以工程款未结为由拖欠工资", "申请人在工厂打工半年，老板一直拖欠工资不发",
                    "年底结账时，用工方只支付了一半工钱"], ["申请人要求立即支付工资", "多名工友工资也被拖欠"]),
        ("工伤纠纷", ["申请人在厂内作业时手部受伤，与企业就停工留薪期工资和医疗费发生争议", "申请人在工地干活时从脚手架摔下受伤"],
         ["企业只愿承担部分医疗费", "申请人要求按工伤标准赔偿"]),
        ("劳务费纠纷", ["申请人为养殖场提供劳务，对劳务费结算数额双方说法不一", "申请人帮人装修房屋，完工后对方拒付劳务费"],
         ["双方没有签订书面合同", "申请人要求按约定支付劳务费"]),
        ("解除劳动关系纠纷", ["公司突然通知申请人不用再来上班，未给任何补偿", "申请人辞职后公司拒绝结清最后一个月工资"],
         ["申请人要求支付经济补偿", "公司称申请人违反了规章制度"]),
    ],
    "land": [
        ("宅基地边界纠纷", ["两户宅基地相邻，对边界位置认识不一，一方建房时越界", "邻居翻盖房屋时占用了申请人宅基地半米"],
         ["双方各执一词", "申请人要求对方拆除越界部分"]),
        ("土地承包纠纷", ["承包地流转合同到期后，转入方未按约返还土地", "村民对承包地调整方案有异议，认为分配不公"],
         ["申请人要求返还承包地", "双方对土地面积说法不一"]),
        ("生产路纠纷", ["村民在承包地边修建围栏，阻断了多户通往田地的生产路", "有人在地头路上种树，农机无法通行"],
         ["影响秋收", "多户村民意见很大"]),
    ],
    "property_mgmt": [
        ("物业费纠纷", ["业主认为物业公司服务不到位，拒交物业费", "物业公司上门催缴物业费，与业主发生争执"],
         ["小区电梯经常故障无人维修", "物业称将起诉欠费业主"]),
        ("车位纠纷", ["小区业主长期占用他人购买的车位", "物业擅自将小区公共绿地改为收费车位"],
         ["双方发生口角", "业主要求物业处理"]),
        ("小区设施纠纷", ["小区供暖温度不达标，业主要求物业退还部分供暖费", "物业管理的楼道灯长期不亮，老人夜间摔倒"],
         ["业主集体反映", "物业称维修资金不足"]),
    ],
    "contract_debt": [
        ("民间借贷纠纷", ["申请人借给同村村民一笔钱，约定一年归还，到期后对方以各种理由推脱", "对方打了欠条借款，至今分文未还"],
         ["申请人要求归还借款", "对方称暂时没有钱"]),
        ("买卖合同纠纷", ["申请人向商户购买的农资质量不合格，造成减产", "申请人订购的门窗尺寸不符，商家拒绝退换"],
         ["申请人要求退款赔偿", "商家称是使用不当"]),
        ("货款纠纷", ["申请人给超市供应蔬菜，对方拖欠货款", "申请人卖给对方一批苗木，对方收货后迟迟不付款"],
         ["申请人多次催要无果", "对方称资金周转困难"]),
    ],
    "damages": [
        ("交通事故赔偿纠纷", ["电动车与行人相撞致行人骨折", "三轮车倒车时撞伤路边老人", "两辆电动车相撞，双方均有受伤"],
         ["双方就医疗费、误工费赔偿数额协商不成", "交警已出具事故认定书"]),
        ("人身损害赔偿纠纷", ["邻居家的狗咬伤申请人孩子", "两人因琐事发生口角后厮打，申请人面部受伤"],
         ["双方对疫苗费和营养费赔偿有分歧", "申请人要求对方赔偿医疗费"]),
        ("财产损害赔偿纠纷", ["邻居烧荒引燃申请人的柴垛", "施工车辆压坏了申请人家门前的管道"],
         ["申请人要求照价赔偿", "对方只愿赔偿一部分"]),
    ],
    "demolition": [
        ("拆迁补偿纠纷", ["旧村改造中，申请人对附属物评估补偿数额有异议", "申请人认为房屋面积测量有误，补偿款偏少"],
         ["申请人要求重新评估", "拆迁工作组称按政策执行"]),
        ("安置纠纷", ["拆迁后安置房迟迟未交付，过渡费停发", "兄弟二人对拆迁安置房分配发生争执"],
         ["申请人要求继续发放过渡费", "双方各不相让"]),
    ],
    "other": [
        ("合伙纠纷", ["两人合伙经营小超市，散伙时对存货和债务分担意见不一", "合伙养殖亏损后，双方对投资款退还有争议"],
         ["双方要求算清账目", "一方要求退还出资"]),
        ("村务纠纷", ["村民对村集体收益分配方案有意见", "村民认为村里修路占用了自家的树木没有补偿"],
         ["申请人要求村委会解释", "申请人要求给予说法"]),
    ],
}
# kinds that people confuse; a small share of cases is filed under the neighbouring kind
CONFUSABLE = {"neighbour": "damages", "damages": "neighbour", "labour": "contract_debt", "contract_debt": "labour",
              "land": "demolition", "demolition": "land", "property_mgmt": "neighbour", "marriage_family": "other",
              "other": "contract_debt"}
KIND_WEIGHTS = [("neighbour", 28), ("marriage_family", 17), ("land", 13), ("contract_debt", 12), ("labour", 11),
                ("damages", 9), ("property_mgmt", 6), ("demolition", 2), ("other", 2)]
INTROS = ["", "", "申请人来访反映：", "群众到矛调中心窗口反映：", "网格员排查发现：", "据当事人陈述，", "派出所移送称："]
SHARED = ["双方多次协商未果", "希望调解组织出面协调", "请求依法处理", "对方态度强硬", "事情已经持续一段时间",
          "申请人情绪比较激动", "村委会曾出面协调"]
HARD = ["经村调委会多次调解未果", "矛盾有激化趋势"]
ROOMS = {"labour": "老赵劳动调解室", "land": "王炳方调解室", "demolition": "王炳方调解室", "property_mgmt": "王英力调解室",
         "damages": "王英力调解室", "other": "王英力调解室"}
AMOUNT_KINDS = {"labour": (2000, 60000), "contract_debt": (3000, 200000), "damages": (1000, 80000),
                "demolition": (20000, 400000), "property_mgmt": (500, 8000)}
VILLAGES = 13


@dataclass
class Sample:
    n: int
    kind: str
    title: str
    description: str
    channel: str
    village: int  # index 0..VILLAGES-1
    amount: int | None
    applicants: list[str]
    respondent: str
    org_respondent: bool
    level: str
    room: str  # room name or ""
    body: str  # centre body name or ""
    has_grid: bool = True
    hard: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def routing(self) -> str:
        return f"room:{self.room}|body:{self.body}" if (self.room or self.body) else "none"


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _amount_words(rng, amount):
    if rng.random() < 0.5:
        return f"{amount}元"
    if amount >= 10000 and amount % 1000 == 0:
        return f"{amount / 10000:g}万元"
    return f"人民币{amount}元"


def sample(rng: random.Random, n: int = 0) -> Sample:
    codes, weights = zip(*KIND_WEIGHTS)
    true_kind = rng.choices(codes, weights)[0]
    title, events, details = rng.choice(SITUATIONS[true_kind])
    channel = rng.choices(["walk_in", "online", "patrol", "referral"], [40, 20, 28, 12])[0]
    village = rng.randrange(VILLAGES)
    org = true_kind in ("labour", "property_mgmt") and rng.random() < 0.55 or (
        true_kind == "contract_debt" and rng.random() < 0.2)
    respondent = rng.choice(COMPANIES) if org else _name(rng)
    group = rng.random() < (0.15 if true_kind in ("labour", "land", "property_mgmt", "demolition") else 0.03)
    applicants = [_name(rng) for _ in range(rng.randint(5, 12) if group else rng.choice([1, 1, 1, 2]))]
    amount = None
    if true_kind in AMOUNT_KINDS and rng.random() < 0.8:
        lo, hi = AMOUNT_KINDS[true_kind]
        amount = int(rng.uniform(lo, hi) // 100 * 100) or lo
    hard = rng.random() < 0.15
    parts = [rng.choice(INTROS), rng.choice(events)]
    if rng.random() < 0.8:
        parts.append("，" + rng.choice(details))
    if amount is not None and rng.random() < 0.85:
        parts.append(f"，涉及金额{_amount_words(rng, amount)}")
    if group:
        parts.append(f"，共有{len(applicants)}户（人）反映同一问题")
    if hard:
        parts.append("，" + rng.choice(HARD))
    parts.append("，" + rng.choice(SHARED) + "。")
    description = "".join(parts)
    if rng.random() < 0.35:  # a second, shorter title in the clerk's words
        title = title.replace("纠纷", "") + rng.choice(["问题", "矛盾", "争议", "纠纷"])
    kind = CONFUSABLE[true_kind] if rng.random() < 0.06 else true_kind
    level = _level(rng, kind, channel, amount, group, hard)
    room, body = _routing(rng, kind, title, description, org, amount, village) if level == "subdistrict" else ("", "")
    return Sample(n=n, kind=kind, title=title, description=description, channel=channel, village=village,
                  amount=amount, applicants=applicants, respondent=respondent, org_respondent=org, level=level,
                  room=room, body=body, hard=hard, has_grid=channel == "patrol" or rng.random() < 0.6)


def _level(rng, kind, channel, amount, group, hard):
    a = amount or 0
    if group or hard or a >= 100000 or kind == "demolition":
        p = (0.02, 0.08, 0.9)
    elif channel == "patrol" and a < 5000 and kind in ("neighbour", "marriage_family"):
        p = (0.75, 0.2, 0.05)
    elif kind == "land":
        p = (0.1, 0.7, 0.2)
    elif a >= 20000 or kind in ("labour", "property_mgmt") or channel == "referral":
        p = (0.03, 0.2, 0.77)
    else:
        p = (0.2, 0.6, 0.2)
    return rng.choices(["grid", "village", "subdistrict"], p)[0]


def _routing(rng, kind, title, text, org, amount, village):
    if kind == "marriage_family":
        room = "银领调解室" if ("赡养" in title or "老人" in text) else "崔大姐调解室"
        body = "妇联" if "抚养" in title or "夫妻" in text else "司法所"
    elif kind == "neighbour":
        room, body = ("银领调解室" if village % 2 else "崔大姐调解室"), "司法所"
    elif kind == "contract_debt":
        room, body = ("王英力调解室" if (amount or 0) >= 20000 else "王炳方调解室"), "司法所"
    elif kind == "labour":
        room, body = "老赵劳动调解室", ("人社所" if org else "司法所")
    else:
        room, body = ROOMS[kind], "司法所"
    if rng.random() < 0.08:  # a room that was free that week
        room = rng.choice(["老赵劳动调解室", "银领调解室", "崔大姐调解室", "王炳方调解室", "王英力调解室"])
    return room, body


def generate(count: int, seed: int = 2023) -> list[Sample]:
    rng = random.Random(seed)
    return [sample(rng, i + 1) for i in range(count)]


def words_of(s: Sample, tokenize) -> list[str]:
    """The features of a sample as the platform computes them for a case (``tokenize`` = core.search.tokens)."""
    from .triage_engine import meta_words

    return tokenize(f"{s.title} {s.description}") + meta_words(
        channel=s.channel, village=s.village, amount=s.amount, applicants=len(s.applicants),
        org_respondent=s.org_respondent, grid=s.has_grid, text=s.description)
