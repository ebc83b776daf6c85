"""Demo data of the one-stop dispute centre: the 5 branded rooms, the mediator roster and the administrative
mediation committee, and a realistic 2023 — exactly 198 disputes resolved (agreement reached) in 2023 — plus
declined, failed and still-open cases, and cases of 2024–2026 (some open ones overdue, a few risk-flagged).

Every case is created and moved through ``fazhi.disputes.services`` under ``clock.frozen(day)``, so each carries its
full audit timeline, notices, state spans and deadlines. Deterministic (random.Random(2023))."""
import datetime
import random

from django.db import transaction

from fazhi.core import clock
from fazhi.core.validators import make_id_number
from fazhi.disputes import samples, services
from fazhi.disputes.models import Dispute, DisputeKind

RESOLVED_2023 = 198

ROOMS = [
    ("老赵劳动调解室", "赵德胜", ["labour", "contract_debt"], "周一至周五 8:30-17:00", "街道矛调中心一楼东侧",
     "退休劳动监察员赵德胜牵头，专调欠薪、工伤待遇、劳务费等劳动争议，熟悉劳动法律政策，讲理也讲情。"),
    ("银领调解室", "孙秀英", ["marriage_family", "neighbour"], "周二、周四 9:00-16:00", "街道矛调中心一楼西侧",
     "由退休干部、教师组成的“银领”志愿调解队，擅长赡养、继承、邻里关系等家长里短。"),
    ("崔大姐调解室", "崔玉兰", ["marriage_family", "neighbour", "damages"], "周一、三、五 8:30-11:30", "稷下社区党群服务中心",
     "社区老党员崔玉兰大姐的个人调解工作室，婚姻家庭纠纷调解经验丰富，“话说到心坎里”。"),
    ("王炳方调解室", "王炳方", ["land", "demolition", "contract_debt"], "周一至周五 9:00-17:00", "街道矛调中心二楼",
     "老村支书王炳方熟悉土地承包、宅基地和拆迁安置政策，擅长村组之间、村民之间的土地纠纷。"),
    ("王英力调解室", "王英力", ["property_mgmt", "damages", "other"], "周三、周六 9:00-16:00", "齐都社区居委会",
     "律师王英力的公益调解室，专调物业服务、小区相邻权、人身损害赔偿等需要法律专业意见的纠纷。"),
]

ROSTER = [
    # name, kind, organisation, specialities, node key, committee position
    ("周建国", "administrative", "稷下街道办事处副主任", ["land", "demolition"], None, "主任"),
    ("周司法", "administrative", "稷下街道司法所所长", ["contract_debt", "damages"], None, "副主任"),
    ("高明", "administrative", "街道综治中心主任", ["neighbour", "other"], None, "委员"),
    ("韩雪", "administrative", "街道人社所", ["labour"], None, "委员"),
    ("马卫东", "administrative", "街道自然资源所", ["land"], None, "委员"),
    ("赵德胜", "people", "老赵劳动调解室", ["labour"], None, ""),
    ("孙秀英", "people", "银领调解室", ["marriage_family", "neighbour"], None, ""),
    ("崔玉兰", "people", "崔大姐调解室", ["marriage_family"], None, ""),
    ("王炳方", "people", "王炳方调解室", ["land", "demolition"], None, ""),
    ("王英力", "people", "王英力调解室（律师）", ["property_mgmt", "damages"], None, ""),
    ("刘调解", "people", "刘家村人民调解委员会主任", ["neighbour", "land"], "刘家村", ""),
    ("杨调解", "people", "大杨村人民调解委员会主任", ["neighbour", "marriage_family"], "大杨村", ""),
    ("李秋菊", "people", "稷下社区人民调解委员会", ["property_mgmt", "neighbour"], "稷下社区", ""),
    ("郑国强", "people", "郑家村人民调解委员会", ["land"], "郑家村", ""),
    ("冯法官", "judicial", "临淄区人民法院稷下人民法庭", ["contract_debt", "damages"], None, ""),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢崔"
GIVEN = ["建国", "秀英", "玉兰", "桂芳", "志强", "海燕", "国庆", "丽娟", "文华", "春梅", "德明", "红霞", "永刚", "淑珍", "立新",
         "凤英", "宝山", "金花", "长江", "晓东", "建华", "美玲", "振华", "秀兰", "广德", "爱民", "桂英", "明亮", "小红", "子涵"]

STORIES = {
    "marriage_family": [("赡养费纠纷", "三兄弟对老母亲的赡养费分担和轮流照顾安排意见不一，老人生活无着，向调解组织求助。"),
                        ("离婚后子女抚养纠纷", "双方离婚后，对孩子的探视时间和抚养费支付发生争执。"),
                        ("家庭财产分割纠纷", "父亲去世后，子女对老宅和存款的继承分配发生争议。")],
    "neighbour": [("排水沟堵塞纠纷", "邻居翻建院墙时堵塞了共用排水沟，雨天积水流入申请人院内，双方多次争吵。"),
                  ("楼上漏水纠纷", "楼上卫生间防水层破损，长期渗水至楼下，楼下天花板发霉，协商赔偿未果。"),
                  ("院墙高度纠纷", "邻居加高院墙影响申请人房屋采光通风，双方互不相让。"),
                  ("噪音扰民纠纷", "邻居家开办小作坊，夜间机器噪音影响休息。")],
    "labour": [("拖欠工资纠纷", "申请人在某建筑工地务工三个月，包工头以工程款未结为由拖欠工资。"),
               ("工伤待遇纠纷", "申请人在厂内作业时手部受伤，与企业就停工留薪期工资和医疗费发生争议。"),
               ("劳务费结算纠纷", "申请人为某养殖场提供劳务，对劳务费结算数额双方说法不一。")],
    "land": [("宅基地边界纠纷", "两户宅基地相邻，对边界位置认识不一，一方建房时越界引发争执。"),
             ("土地承包经营权纠纷", "承包地流转合同到期后，转入方未按约返还土地。"),
             ("地头路通行纠纷", "村民在承包地边修建围栏，阻断了多户通往田地的生产路。")],
    "property_mgmt": [("物业费纠纷", "业主认为物业公司服务不到位，拒交物业费，物业公司催缴未果。"),
                      ("车位占用纠纷", "小区业主长期占用他人购买的车位，双方发生口角。")],
    "contract_debt": [("民间借贷纠纷", "申请人借给同村村民三万元，约定一年归还，到期后对方以各种理由推脱。"),
                      ("买卖合同纠纷", "申请人向商户购买的农资质量不合格，造成减产，要求退款赔偿。")],
    "damages": [("交通事故赔偿纠纷", "电动车与行人相撞致行人骨折，双方就医疗费、误工费赔偿数额协商不成。"),
                ("犬只咬伤赔偿纠纷", "邻居家的狗咬伤申请人孩子，双方对疫苗费和营养费赔偿有分歧。")],
    "demolition": [("拆迁安置补偿纠纷", "旧村改造中，申请人对附属物评估补偿数额有异议。")],
    "other": [("合伙经营纠纷", "两人合伙经营小超市，散伙时对存货和债务分担意见不一。")],
}
KIND_WEIGHTS = [("neighbour", 30), ("marriage_family", 18), ("land", 14), ("contract_debt", 12), ("labour", 10),
                ("damages", 8), ("property_mgmt", 5), ("demolition", 2), ("other", 1)]
ROOM_FOR_KIND = {"labour": "老赵劳动调解室", "marriage_family": "崔大姐调解室", "neighbour": "银领调解室",
                 "land": "王炳方调解室", "demolition": "王炳方调解室", "property_mgmt": "王英力调解室",
                 "damages": "王英力调解室", "contract_debt": "王炳方调解室", "other": "王英力调解室"}
TERMS = {
    "marriage_family": ("三兄弟每人每月支付母亲赡养费600元，按月轮流照顾，医疗费凭票据平均分担。", "按月支付"),
    "neighbour": ("被申请人于七日内自费疏通并恢复原状，今后双方互谅互让，不再因此事发生争执。", "自行履行"),
    "labour": ("被申请人于十五日内一次性支付申请人工资及补偿共计人民币18000元。", "银行转账一次性支付"),
    "land": ("双方以村委会留存测绘图为准确定边界，被申请人于二十日内拆除越界部分。", "自行履行、村委会监督"),
    "property_mgmt": ("物业公司于一个月内完成整改，业主于整改完成后补交物业费。", "分期履行"),
    "contract_debt": ("被申请人分三期于三个月内归还借款本金三万元，申请人放弃利息。", "分期转账"),
    "damages": ("被申请人一次性赔偿申请人医疗费、误工费、营养费共计人民币9600元。", "现金一次性支付"),
    "demolition": ("按重新评估结果补偿附属物款项，于三十日内发放到位。", "银行转账"),
    "other": ("双方按出资比例分担债务，存货由申请人作价收购。", "一次性结清"),
}


class _Gen:
    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = random.Random(2023)
        self.n = 0
        self.kinds = {k.code: k for k in DisputeKind.objects.all()}
        self.villages = [v for v in ctx.villages.values() if v.parent_id == ctx.subdistrict.pk]
        self.bodies = ctx.centre_bodies
        self.clerk = ctx.users["clerk"]
        self.judicial = ctx.users["judicial"]

    def person(self):
        self.n += 1
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=self.rng.randint(0, 18000))
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        return dict(name=name, id_number=make_id_number(f"370305{birth:%Y%m%d}{self.n % 1000:03d}"),
                    phone=f"13{self.rng.randint(3, 9)}{self.rng.randint(10000000, 99999999)}")

    def kind(self):
        codes, weights = zip(*KIND_WEIGHTS)
        return self.rng.choices(codes, weights)[0]

    def sample(self):
        """A generated case (varied wording, kinds people confuse, level and room from amount, applicants, channel):
        the history the triage model learns from (fazhi.disputes.samples)."""
        self.n += 1
        return samples.sample(self.rng, self.n)


def _run(actor, d, name, day, **data):
    """Run one transition as ``actor`` on ``day``; ``d`` is updated in place (version, status...)."""
    with clock.frozen(clock.at_local(day, 10, 0)):
        fresh = services.dispute_transition(actor=actor, dispute=d, name=name, version=d.version, **data)
    d.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "_state"})
    d._state.fields_cache = dict(fresh._state.fields_cache)


def _create(g, day, *, kind_code, channel=None, village=None, grid=None, story=None, applicant=None,
            flagged_text="", level=None, sample=None):
    if sample is not None:
        return _create_sample(g, day, sample, flagged_text=flagged_text, applicant=applicant)
    village = village or g.rng.choice(g.villages)
    grids = g.ctx.grids.get(village.name) or []
    channel = channel or g.rng.choices(["walk_in", "online", "patrol", "referral"], [40, 20, 30, 10])[0]
    if grid is None and grids and (channel == "patrol" or g.rng.random() < 0.6):
        grid = g.rng.choice(grids)  # most cases can be placed in a grid; patrol reports always are
    if channel == "patrol" and grid is None:
        channel = "walk_in"
    title, text = story or g.rng.choice(STORIES[kind_code])
    a = applicant or g.person()
    b = g.person()
    parties = [dict(role="applicant", **a), dict(role="respondent", **b)]
    actor = None if channel == "online" else g.clerk
    if channel == "patrol":
        actor = g.ctx.users["grid"] if grid is not None and grid.name == "刘家村第一网格" else g.clerk
    with clock.frozen(clock.at_local(day, 9, g.rng.randint(0, 50))):
        d = services.dispute_create(
            actor=actor, channel=channel, village=village, grid=grid, kind=g.kinds[kind_code], title=title,
            description=f"{text}{flagged_text}（{village.name}）", parties=parties, contact_phone=a["phone"],
            place=f"{village.name}{g.rng.randint(1, 12)}组", level=level,
            amount=g.rng.choice([None, None, 2000, 5000, 18000, 30000]) if kind_code in {"labour", "contract_debt", "damages"} else None,
            referral_source=g.rng.choice(["police", "court", "petition"]) if channel == "referral" else "",
            requested_room=None)
    return d


def _create_sample(g, day, s, *, flagged_text="", applicant=None):
    village = g.villages[s.village % len(g.villages)]
    grids = g.ctx.grids.get(village.name) or []
    channel = s.channel
    grid = g.rng.choice(grids) if grids and (channel == "patrol" or s.has_grid) else None
    if channel == "patrol" and grid is None:
        channel = "walk_in"
    first = applicant or g.person()
    parties = [dict(role="applicant", **first)]
    parties += [dict(role="applicant", name=name) for name in s.applicants[1:]]
    if s.org_respondent:
        parties.append(dict(role="respondent", name=s.respondent, kind="organisation"))
    else:
        parties.append(dict(role="respondent", **{**g.person(), "name": s.respondent}))
    actor = None if channel == "online" else g.clerk
    if channel == "patrol":
        actor = g.ctx.users["grid"] if grid is not None and grid.name == "刘家村第一网格" else g.clerk
    with clock.frozen(clock.at_local(day, 9, g.rng.randint(0, 50))):
        d = services.dispute_create(
            actor=actor, channel=channel, village=village, grid=grid, kind=g.kinds[s.kind], title=s.title,
            description=f"{s.description}{flagged_text}", parties=parties, contact_phone=first["phone"],
            place=f"{village.name}{g.rng.randint(1, 12)}组", amount=s.amount,
            referral_source=g.rng.choice(["police", "court", "petition"]) if channel == "referral" else "")
    d.sample = s
    return d


def _mediate(g, d, day, kind_code, rooms, mediators, *, level=None):
    """Accept, assign, start and record one session (on ``day`` + a few days). Returns the session day. A generated
    case goes where its sample says (level, room, centre body)."""
    s = getattr(d, "sample", None)
    level = level or (s.level if s else None) or g.rng.choices(["grid", "village", "subdistrict"], [35, 35, 30])[0]
    if level == "grid" and d.grid_id is None:
        level = "village"
    _run(g.clerk, d, "accept", day)
    assign = {"level": level}
    if level == "subdistrict" and s is not None and (s.room or s.body):
        assign["room"] = rooms[s.room].pk if s.room else None
        assign["centre_body"] = g.bodies[s.body].pk if s.body else None
    elif level == "subdistrict":
        assign["room"] = rooms[ROOM_FOR_KIND[kind_code]].pk
        assign["centre_body"] = g.bodies["司法所"].pk if kind_code != "labour" else g.bodies["人社所"].pk
    # people's mediation (the demo's default): the agreement is signed by a people's mediator (人民调解法第十三条、
    # 第二十九条第二款), so the case goes to one from the roster; administrative members never sign it alone
    people = [m for m in mediators if m.kind == "people"]
    picked = [m for m in people if kind_code in m._codes] or people
    assign["mediators"] = [g.rng.choice(picked).pk]
    _run(g.clerk, d, "assign", day, **assign)
    _run(g.clerk, d, "start", day)
    session_day = day + datetime.timedelta(days=g.rng.randint(1, 12))
    _run(g.clerk, d, "session", session_day, held_on=session_day, place=rooms[ROOM_FOR_KIND[kind_code]].name
         if level == "subdistrict" else "村调委会调解室", participants="双方当事人、调解员",
         record="调解员听取双方陈述，释法析理，双方在平等协商基础上形成一致意见。")
    return session_day


def _agree(g, d, day, kind_code, *, follow_up_by=None, judicial=False):
    terms, method = TERMS[kind_code]
    _run(g.clerk, d, "agree", day, facts=d.description, terms=terms, performance_method=method,
         performance_deadline=day + datetime.timedelta(days=30))
    visit = day + datetime.timedelta(days=g.rng.randint(10, 30))
    if follow_up_by is None or visit <= follow_up_by:
        _run(g.clerk, d, "follow_up", visit, performed=True, satisfaction=g.rng.choice(["satisfied", "satisfied", "basic"]),
             note="电话回访，协议已履行，当事人表示满意。")
    if judicial:
        _run(g.judicial, d, "judicial", day + datetime.timedelta(days=20), judicial_outcome="confirmed",
             judicial_applied_on=day + datetime.timedelta(days=5), judicial_decided_on=day + datetime.timedelta(days=20),
             judicial_court="临淄区人民法院")


def load(ctx):
    with transaction.atomic():  # one transaction: SQLite commits once instead of thousands of times
        _load(ctx)


def _load(ctx):
    g = _Gen(ctx)
    judicial = ctx.users["judicial"]
    with clock.frozen(datetime.date(2023, 1, 3)):
        rooms = {}
        for i, (name, host_name, specs, hours, location, intro) in enumerate(ROOMS):
            rooms[name] = services.room_save(
                actor=judicial, node=ctx.subdistrict, name=name, host_name=host_name, specialities=specs,
                opening_hours=hours, location=location, introduction=intro, sort_order=i,
                host=ctx.users["host"] if name == "老赵劳动调解室" else None)
        committee = services.committee_ensure(actor=judicial, node=ctx.subdistrict, name="行政调解委员会",
                                              description="依程序成立，负责街道行政调解工作，建立行政调解员名册。")
        mediators = []
        for i, (name, kind, org, specs, node_key, position) in enumerate(ROSTER):
            m = services.mediator_save(
                actor=judicial, node=ctx.villages[node_key] if node_key else ctx.subdistrict, name=name, kind=kind,
                organisation=org, specialities=specs, committee=committee if position else None,
                committee_position=position, sort_order=i,
                user=ctx.users["mediator"] if name == "刘调解" else None)
            m._codes = set(specs)
            mediators.append(m)

    # ---- 2023: exactly RESOLVED_2023 agreements, plus declined, failed and a few left open into 2024 ----------
    year_start = datetime.date(2023, 1, 3)
    for i in range(RESOLVED_2023):
        day = year_start + datetime.timedelta(days=int(i * 340 / RESOLVED_2023) + g.rng.randint(0, 2))
        sample = g.sample()
        kind_code = sample.kind
        d = _create(g, day, kind_code=kind_code, sample=sample)
        level = None
        if d.channel == "patrol" and i % 6 == 0:  # found on patrol, escalated to the village first
            _run(g.clerk, d, "escalate", day, reason="涉及多户村民，网格调解力量不足，上报村调委会")
            level = "village"
        session_day = _mediate(g, d, day, kind_code, rooms, mediators, level=level)
        agree_day = min(session_day, datetime.date(2023, 12, 29))
        _agree(g, d, agree_day, kind_code, follow_up_by=datetime.date(2024, 1, 31), judicial=(i % 13 == 3))

    for i in range(12):  # declined
        day = datetime.date(2023, 1, 10) + datetime.timedelta(days=i * 29)
        d = _create(g, day, kind_code=g.rng.choice(["contract_debt", "other", "labour"]))
        _run(g.clerk, d, "decline", day + datetime.timedelta(days=1),
             reason="该纠纷已由人民法院立案受理，依法不再进行人民调解。",
             next_steps="请关注人民法院的审理进度；如双方同意，可申请法院委派诉前调解。")

    for i in range(16):  # mediation failed: the parties are told their other routes
        day = datetime.date(2023, 1, 20) + datetime.timedelta(days=i * 21)
        kind_code = g.rng.choice(["labour", "land", "contract_debt", "damages", "neighbour"])
        d = _create(g, day, kind_code=kind_code)
        session_day = _mediate(g, d, day, kind_code, rooms, mediators)
        _run(g.clerk, d, "fail", session_day, reason="双方对赔偿数额差距较大，经多次调解未能达成一致。")
        if i % 2 == 0:
            _run(g.clerk, d, "follow_up", session_day + datetime.timedelta(days=10), performed=False,
                 satisfaction="basic", note="已告知当事人申请仲裁或诉讼的途径。")

    for i in range(3):  # a labour case transferred to 人社所
        day = datetime.date(2023, 4, 10) + datetime.timedelta(days=i * 60)
        d = _create(g, day, kind_code="labour", channel="walk_in")
        _run(g.clerk, d, "accept", day)
        _run(g.clerk, d, "transfer", day + datetime.timedelta(days=1), reason="涉及企业欠薪，属于人社所劳动保障监察职责",
             centre_body=ctx.centre_bodies["人社所"].pk)

    # ---- 2024–2026 --------------------------------------------------------------------------------------------
    repeat = g.person()
    for year, count in ((2024, 30), (2025, 22), (2026, 18)):
        for i in range(count):
            day = datetime.date(year, 1, 8) + datetime.timedelta(days=int(i * (300 if year < 2026 else 280) / count))
            sample = g.sample()
            kind_code = sample.kind
            extra = ""
            applicant = None
            if year == 2026 and i in (3, 9):
                extra = "对方扬言要同归于尽。" if i == 3 else "涉及全村二十多户，村民们准备集体上访。"
            if year == 2026 and i in (12, 15):
                applicant = repeat  # the same person again within 12 months: a repeat flag
            d = _create(g, day, kind_code=kind_code, flagged_text=extra, applicant=applicant, sample=sample)
            open_case = year == 2026 and i >= count - 8
            if open_case:
                if i % 3 == 0:
                    continue  # registered, not yet accepted
                _run(g.clerk, d, "accept", day)
                continue
            session_day = _mediate(g, d, day, kind_code, rooms, mediators)
            if i % 9 == 4:
                _run(g.clerk, d, "fail", session_day, reason="一方拒绝继续调解。")
            else:
                _agree(g, d, session_day, kind_code, follow_up_by=datetime.date(2026, 11, 20), judicial=(i % 11 == 2))
    from fazhi.disputes import triage

    model = triage.train(tenant=ctx.subdistrict)  # what the nightly job does: learn from the concluded cases
    ctx.log.append(f"分派建议模型：{model.cases} 起已办结案件，留出集纠纷类型准确率 "
                   f"{(model.metrics.get('kind') or {}).get('top1', 0):.0%}")
    ctx.log.append(f"矛盾纠纷：{Dispute.objects.count()} 起（2023年化解 "
                   f"{Dispute.objects.filter(resolved_on__year=2023).count()} 起），调解室 {len(rooms)} 个，"
                   f"调解员 {len(mediators)} 人")
