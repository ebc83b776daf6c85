"""Demo: 稷下街道's 2023 publicity, training and study — every figure of the 2023 report as records entered through
the services (52 events, 4 into organs, 1,036 materials, 26 slogans, 3,128 people reached with migrant workers a
small share; 160 leaders/legally literate people trained; 6 study sessions, 4 seminars, 10 Party lectures; the
大杨村 traffic-safety theme park; staff training for the enforcement officers)."""
import datetime
import random

from fazhi.core import clock
from fazhi.publicity import services
from fazhi.publicity.models import KeyDate, Leader, LeaderTraining, StudySession, Target

D = datetime.date
TOTAL_MATERIALS = 1036
TOTAL_SLOGANS = 26
TOTAL_PEOPLE = 3128

# date, title, target, key date code, village (None = subdistrict), main audience groups
KEY_EVENTS = [
    (D(2023, 1, 18), "春节返乡农民工劳动维权普法宣传", Target.VILLAGE, "spring_festival", "刘家村", ["migrant_workers", "general"]),
    (D(2023, 1, 19), "平安过节 防范电信诈骗宣传", Target.COMMUNITY, "spring_festival", "稷下社区", ["elderly", "general"]),
    (D(2023, 2, 5), "元宵节民法典进万家", Target.COMMUNITY, "lantern", "齐都社区", ["general", "women"]),
    (D(2023, 3, 5), "学雷锋法律志愿服务", Target.COMMUNITY, "lei_feng", "东关社区", ["elderly", "general"]),
    (D(2023, 3, 8), "“三八”妇女维权周普法宣传", Target.COMMUNITY, "womens_day", None, ["women", "general"]),
    (D(2023, 3, 8), "反家庭暴力法进村宣讲", Target.VILLAGE, "womens_day", "大杨村", ["women", "left_behind"]),
    (D(2023, 3, 15), "3·15消费者权益保护宣传", Target.ENTERPRISE, "consumer_day", None, ["enterprise", "general"]),
    (D(2023, 3, 15), "防范消费陷阱进社区", Target.COMMUNITY, "consumer_day", "稷下社区", ["elderly", "general"]),
    (D(2023, 4, 14), "全民国家安全教育日机关专题学习", Target.ORGAN, "security_day", None, ["cadres"]),
    (D(2023, 4, 15), "国家安全教育进校园", Target.SCHOOL, "security_day", "齐都社区", ["youth"]),
    (D(2023, 4, 15), "国家安全法宣传", Target.VILLAGE, "security_day", "小杨村", ["general", "elderly"]),
    (D(2023, 4, 28), "劳动合同法进企业", Target.ENTERPRISE, "labour_day", None, ["enterprise", "migrant_workers"]),
    (D(2023, 6, 1), "未成年人保护法进校园", Target.SCHOOL, "childrens_day", "东关社区", ["youth", "left_behind"]),
    (D(2023, 6, 6), "禁毒宣传月启动仪式", Target.COMMUNITY, "anti_drug_month", None, ["youth", "general"]),
    (D(2023, 6, 12), "识毒防毒拒毒进校园", Target.SCHOOL, "anti_drug_month", "稷下社区", ["youth"]),
    (D(2023, 6, 20), "禁毒知识进村居", Target.VILLAGE, "anti_drug_month", "郑家村", ["general", "elderly"]),
    (D(2023, 6, 26), "国际禁毒日集中宣传", Target.COMMUNITY, "anti_drug_month", "齐都社区", ["general", "youth"]),
    (D(2023, 6, 21), "端午节防溺水安全普法", Target.VILLAGE, "dragon_boat", "辛店村", ["youth", "left_behind"]),
    (D(2023, 6, 30), "七一党内法规专题学习", Target.ORGAN, "party_day", None, ["cadres"]),
    (D(2023, 9, 27), "中秋婚姻家庭纠纷预防宣传", Target.VILLAGE, "mid_autumn", "石桥村", ["women", "general"]),
    (D(2023, 10, 23), "重阳节防范养老诈骗宣传", Target.VILLAGE, "double_ninth", "南马村", ["elderly"]),
    (D(2023, 10, 23), "老年人权益保障法进社区", Target.COMMUNITY, "double_ninth", "东关社区", ["elderly", "left_behind"]),
    (D(2023, 11, 9), "消防法进企业", Target.ENTERPRISE, "fire_day", None, ["enterprise"]),
    (D(2023, 12, 2), "交通安全日主题公园宣传", Target.SCHOOL, "traffic_day", "大杨村", ["youth", "general"]),
    (D(2023, 12, 4), "国家宪法日机关宪法宣誓与学习", Target.ORGAN, "constitution_day", None, ["cadres"]),
    (D(2023, 12, 4), "宪法知识竞赛", Target.COMMUNITY, "constitution_day", "稷下社区", ["youth", "general"]),
    (D(2023, 12, 5), "宪法宣传进村", Target.VILLAGE, "constitution_day", "北马村", ["general", "elderly"]),
]
OTHER_TOPICS = [
    ("民法典进乡村", Target.VILLAGE, ["general", "elderly"]), ("反诈骗知识宣讲", Target.COMMUNITY, ["elderly", "general"]),
    ("土地承包法律知识宣传", Target.VILLAGE, ["general"]), ("法律进学校：预防校园欺凌", Target.SCHOOL, ["youth"]),
    ("安全生产法进企业", Target.ENTERPRISE, ["enterprise"]), ("人民调解法宣传", Target.VILLAGE, ["general", "elderly"]),
    ("法律进单位：劳动争议预防", Target.UNIT, ["enterprise", "cadres"]), ("留守儿童法治课堂", Target.SCHOOL, ["left_behind", "youth"]),
    ("村规民约与移风易俗宣传", Target.VILLAGE, ["general", "elderly"]), ("扫黑除恶常态化宣传", Target.COMMUNITY, ["general"]),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = ["建国", "秀英", "桂兰", "志强", "玉兰", "海燕", "立新", "春梅", "明华", "丽娟", "国庆", "淑珍", "文杰", "红霞", "永刚",
         "俊峰", "晓东", "玉梅", "德胜", "素芬", "振华", "凤英", "长青", "美玲", "家豪", "秀兰", "新民", "雪梅", "保国", "翠萍"]
STUDY_TOPICS = {
    StudySession.Kind.STUDY: ["习近平法治思想", "宪法", "民法典", "行政处罚法", "行政复议法（修订）", "信访工作条例"],
    StudySession.Kind.SEMINAR: ["法治政府建设与基层治理", "依法决策与风险防范", "行政执法“三项制度”落实", "矛盾纠纷多元化解法治化"],
    StudySession.Kind.PARTY_LECTURE: ["学习贯彻党的二十大精神 推进法治稷下建设", "党章与党内法规", "中国共产党纪律处分条例", "全面依法治国",
                                      "法治思维与群众工作", "廉洁从政与依法用权", "乡村振兴促进法", "总体国家安全观", "依法履职 担当作为",
                                      "新时代“枫桥经验”"],
}


def _split(total, parts, rng, minimum=0):
    """``parts`` non-negative integers summing to ``total`` (each ≥ minimum), deterministic."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    spare = total - minimum * parts
    values = [minimum + int(spare * w / sum(weights)) for w in weights]
    for i in range(total - sum(values)):
        values[i % parts] += 1
    return values


def load(ctx):
    rng = random.Random(2023)
    sub = ctx.subdistrict
    judicial, office = ctx.users["judicial"], ctx.users["office"]
    village_names = [n for n in ctx.villages if ctx.villages[n].path.startswith(sub.path)]
    key_dates = {k.code: k for k in KeyDate.objects.all()}
    judicial_office = ctx.units.get("司法所")

    # ---- 52 events held in 2023 -----------------------------------------------------------------------------
    plan = list(KEY_EVENTS)
    other_dates = sorted(D(2023, 1, 1) + datetime.timedelta(days=rng.randrange(0, 360)) for _ in range(52 - len(plan) - 1))
    plan.append((D(2023, 5, 18), "民法典专题讲座进机关", Target.ORGAN, None, None, ["cadres"]))
    for i, day in enumerate(other_dates):
        title, target, audience = OTHER_TOPICS[i % len(OTHER_TOPICS)]
        village = village_names[i % len(village_names)]
        if village.endswith("社区") and target == Target.VILLAGE:
            target = Target.COMMUNITY
        plan.append((day, f"{title}（{village}）", target, None, village, audience))
    plan.sort(key=lambda p: p[0])
    assert len(plan) == 52 and sum(1 for p in plan if p[2] == Target.ORGAN) == 4
    materials = _split(TOTAL_MATERIALS, 52, rng, minimum=5)
    slogan_events = set(rng.sample(range(52), 20))
    slogans = [0] * 52
    for n, i in enumerate(sorted(slogan_events)):
        slogans[i] = 2 if n < 6 else 1  # 6×2 + 14×1 = 26
    people = _split(TOTAL_PEOPLE, 52, rng, minimum=25)
    for i, (day, title, target, kd_code, village, audience) in enumerate(plan):
        node = ctx.villages[village] if village else sub
        actor = {"刘家村": ctx.users.get("mediator"), "大杨村": ctx.users.get("mediator_dy")}.get(village) or judicial
        total = people[i]
        reach = {}
        if "migrant_workers" in audience:
            reach["migrant_workers"] = max(8, total // 4)
        rest = [g for g in audience if g != "migrant_workers"] or ["general"]
        for g, n in zip(rest, _split(total - sum(reach.values()), len(rest), rng)):
            reach[g] = reach.get(g, 0) + n
        with clock.frozen(clock.at_local(day, 15, 30)):
            services.event_create(
                actor=actor, node=node, title=title, date=day,
                place=("街道办事处会议室" if target == Target.ORGAN else f"{village or '街道'}{'文化广场' if target != Target.SCHOOL else '辖区学校'}"),
                target=target, organiser_unit=judicial_office if not village else None,
                organiser_text="" if not village else f"{village}村（居）委会、司法所", key_date=key_dates.get(kd_code),
                content=f"围绕“{key_dates[kd_code].theme if kd_code else title}”开展宣传，发放资料、现场解答群众法律咨询。",
                materials=materials[i], slogans=slogans[i], online_reach=rng.randrange(0, 400, 10), reach=reach)

    # ---- publicity sites --------------------------------------------------------------------------------------
    with clock.frozen(D(2021, 9, 1)):
        services.site_create(actor=judicial, node=ctx.villages["刘家村"], name="刘家村民主法治文化广场", kind="法治文化广场",
                             theme="民主法治示范村", established_on=D(2021, 8, 20), investment=38000, population_served=2100,
                             description="省级民主法治示范村法治文化阵地，设宪法宣传栏、法治长廊。")
    with clock.frozen(D(2023, 9, 20)):
        services.site_create(actor=judicial, node=ctx.villages["大杨村"], name="大杨村交通安全主题公园", kind="主题公园",
                             theme="交通安全法律知识", address="大杨村村南", established_on=D(2023, 9, 18), investment=105000,
                             population_served=61200, description="全市首家交通安全主题公园，辐射周边学校、生活区。")

    # ---- registry of 法治带头人/法律明白人 and their 2023 trainings -----------------------------------------------------
    used, people_by_village = set(), {}
    positions = ["村干部", "网格员", "五老乡贤", "党员", "调解员", "村民代表"]
    with clock.frozen(D(2022, 12, 20)):
        for v in village_names:
            people_by_village[v] = []
            for j in range(13):
                while True:
                    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                    if name not in used:
                        used.add(name)
                        break
                people_by_village[v].append(services.leader_create(
                    actor=judicial, node=ctx.villages[v], name=name, kind=Leader.Kind.LEADER if j < 4 else Leader.Kind.LITERATE,
                    gender=rng.choice(["男", "女"]), position=rng.choice(positions), registered_on=D(2022, 12, 20)))
    trained = []
    for i, v in enumerate(village_names):
        trained += people_by_village[v][: 13 - (1 if i < 9 else 0)]  # 9 villages have one person not yet trained → 160
    assert len(trained) == 160
    with clock.frozen(D(2023, 5, 16)):
        services.leader_training_create(actor=judicial, node=sub, date=D(2023, 5, 16), topic="人民调解暨“法治带头人、法律明白人”培训会",
                                        mode=LeaderTraining.Mode.BOTH, trainer="区司法局讲师团", hours=3, attendees=trained[:110])
    for i, v in enumerate(village_names):
        day = D(2023, 10, 10) + datetime.timedelta(days=i)
        with clock.frozen(day):
            services.leader_training_create(actor=judicial, node=ctx.villages[v], date=day, topic=f"{v}法律明白人民法典线上培训",
                                            mode=LeaderTraining.Mode.ONLINE, trainer="驻村法律顾问", hours=2,
                                            attendees=[p for p in trained if p.node_id == ctx.villages[v].pk])

    # ---- leadership law study: 6 / 4 / 10 ----------------------------------------------------------------------
    leaders = [u for u in (ctx.users.get("leader"), office, judicial) if u]
    for kind, topics in STUDY_TOPICS.items():
        for i, topic in enumerate(topics):
            day = D(2023, 1, 15) + datetime.timedelta(days=int(i * 340 / len(topics)) + (3 if kind == StudySession.Kind.SEMINAR else 0)
                                                     + (7 if kind == StudySession.Kind.PARTY_LECTURE else 0))
            with clock.frozen(day):
                services.study_session_create(actor=office, node=sub, kind=kind, date=day, topic=topic,
                                              speaker="王书记" if kind == StudySession.Kind.PARTY_LECTURE else rng.choice(["区委党校讲师", "法律顾问", "司法所所长"]),
                                              place="党工委会议室", attendees=leaders, attendee_names="班子成员、各村党支部书记",
                                              summary=f"集中学习{topic}，结合街道工作交流研讨。")

    # ---- staff legal training and certificate exam -------------------------------------------------------------
    officers = [ctx.users[u] for u in ("officer", "officer2", "enforcement_head") if u in ctx.users]
    for day, title, hours in [(D(2023, 3, 22), "行政处罚法专题培训", 8), (D(2023, 6, 14), "执法全过程记录与文书规范培训", 6),
                              (D(2023, 9, 6), "行政执法“三项制度”业务培训", 8), (D(2023, 11, 22), "综合行政执法案卷评查培训", 4)]:
        with clock.frozen(day):
            services.staff_training_create(actor=judicial, node=sub, date=day, title=title, organiser="司法所",
                                           attendance=[{"user": u, "hours": hours} for u in officers + [judicial]])
    with clock.frozen(D(2023, 7, 8)):
        services.staff_training_create(actor=judicial, node=sub, kind="exam", date=D(2023, 7, 8), title="行政执法证资格考试",
                                       organiser="区司法局", attendance=[{"user": officers[1], "hours": 0, "result": "passed",
                                                                         "certificate_no": "鲁执0305230118"}])

    # ---- what is coming: plans for the next key dates (relative to the real today) -------------------------------
    today = clock.today()
    for code in ("traffic_day", "constitution_day", "spring_festival"):
        kd = key_dates.get(code)
        start = kd.start_in(today.year) if kd else None
        if start and start < today:
            start = kd.start_in(today.year + 1)
        if start and 0 < (start - today).days <= 60 and code != "spring_festival":
            services.event_create(actor=judicial, node=sub, title=f"{today.year if start.year == today.year else start.year}年{kd.name}宣传活动",
                                  date=start, place="街道文化广场", target=kd.suggested_target or Target.COMMUNITY,
                                  organiser_unit=judicial_office, key_date=kd, content=kd.theme)
    ctx.log.append("publicity: 52 events, 2 sites, 169 registered / 160 trained, 20 study sessions, 5 staff trainings")
    return ctx
