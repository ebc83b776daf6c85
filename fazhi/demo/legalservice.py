"""Demo data of 一村（社区）一法律顾问, consistent with the 2023 report: 2 full-time and 13 village advisors, 20 lectures,
services to 5,000+ residents (5,126 人次), monthly office hours with a few missed, online consultations, a station per
village, 刘家村 a provincial democratic rule-of-law demonstration village. Everything goes through the services, with
the clock frozen on the day it happened. In 敬仲街道, 白兔丘村 has an advisor and 东齐村 has none (the gap shows)."""
import datetime
import random

from django.db import transaction

from fazhi.core import clock
from fazhi.core.errors import DomainError
from fazhi.legalservice import services
from fazhi.legalservice.models import Advisor, OfficeHour, ServiceRecord

YEAR = 2023
TOTAL_PEOPLE = 5126
SURNAMES = "孙李王张刘陈杨赵黄周吴徐朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦"
GIVEN = ["明", "华", "伟", "静", "敏", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "超", "秀英", "建国", "志刚", "海燕", "红梅"]
FIRMS = ["山东稷下律师事务所", "山东齐都律师事务所", "淄博临淄法正律师事务所", "山东泰和律师事务所"]
LECTURE_TOPICS = ["民法典婚姻家庭编", "宪法知识", "反电信网络诈骗", "农村土地承包法", "劳动合同与工资支付", "老年人权益保障",
                  "未成年人保护法", "民法典合同编", "物业纠纷与相邻关系", "禁毒知识"]
QUESTIONS = [
    ("宅基地继承问题", "父亲去世后，老宅的宅基地使用权能不能由我们兄弟三人继承？需要办什么手续？"),
    ("工资被拖欠怎么办", "我在建筑工地干了三个月，老板一直拖欠工资，应该去哪里反映？"),
    ("邻居占用通道", "邻居在两家之间的通道上堆放杂物，协商不成，能起诉吗？"),
    ("离婚后孩子抚养费", "离婚时约定对方每月给抚养费，现在半年没给，怎么办？"),
    ("土地承包合同到期", "村里的承包地合同明年到期，到期后还能继续承包吗？"),
    ("网购退货纠纷", "网上买的电器有质量问题，商家拒绝退货，我该怎么维权？"),
    ("借钱不还", "朋友借了我两万元，写了借条，现在不还，诉讼时效是多久？"),
    ("交通事故赔偿", "骑电动车被汽车撞了，对方保险公司赔偿标准怎么算？"),
]


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng):
    return "13" + str(rng.randint(0, 9)) + f"{rng.randint(0, 99999999):08d}"


def load(ctx):
    rng = random.Random(2023)
    judicial = ctx.users["judicial"]
    jixia_villages = [v for v in ctx.villages.values() if v.parent_id == ctx.subdistrict.pk]
    with transaction.atomic():
        with clock.frozen(datetime.date(YEAR, 1, 3)):
            fulltime = [
                services.advisor_create(actor=judicial, kind=Advisor.Kind.FULLTIME, name=name, law_firm=FIRMS[i],
                                        licence_number=f"137032010{i + 1:08d}", phone=_phone(rng), public_phone=f"0533-71800{i + 1:02d}",
                                        node=ctx.subdistrict, how_to_ask="工作日到街道公共法律服务中心（矛调中心一楼）咨询。",
                                        appointed_on=datetime.date(2022, 1, 1))
                for i, name in enumerate(["高正明", "林淑华"])
            ]
            advisors = {}
            for i, village in enumerate(jixia_villages):
                user = ctx.users["advisor"] if village.name == "刘家村" else None
                name = "孙立法" if village.name == "刘家村" else _person(rng)
                advisors[village.name] = services.advisor_create(
                    actor=judicial, kind=Advisor.Kind.VILLAGE, name=name, law_firm=FIRMS[i % len(FIRMS)],
                    licence_number=f"137032011{i + 1:08d}", phone=_phone(rng), public_phone=f"0533-71810{i + 1:02d}",
                    villages=[village], user=user, appointed_on=datetime.date(2022, 1, 1),
                    how_to_ask=f"每月定期到{village.name}公共法律服务站坐班，也可在本网站在线提问。")
            other_actor = ctx.users.get("other_admin")
            if "白兔丘村" in ctx.villages and other_actor is not None:
                services.advisor_create(actor=other_actor, kind=Advisor.Kind.VILLAGE, name="钱守信", law_firm="淄博临淄法正律师事务所",
                                        licence_number="13703201200000001", public_phone="0533-7190001",
                                        villages=[ctx.villages["白兔丘村"]])
            for village in jixia_villages:
                services.station_create(actor=judicial, node=village, name=f"{village.name}公共法律服务站",
                                        address=f"{village.name}党群服务中心一楼", opening_hours="工作日 8:30–17:00",
                                        opened_on=datetime.date(2021, 6, 1))
            services.demonstration_village_create(actor=judicial, node=ctx.villages["刘家村"], level="provincial", year=2020,
                                                  title="山东省民主法治示范村")
            # 每月定期坐班: every village, a fixed weekday of the n-th week, slots for 2023
            rules = []
            for i, village in enumerate(jixia_villages):
                rules.append(services.office_hour_rule_create(
                    actor=judicial, node=village, advisor=advisors[village.name], week_of_month=1 + i % 4, weekday=i % 5,
                    start_time=datetime.time(9, 0), end_time=datetime.time(11, 30), place=f"{village.name}公共法律服务站",
                    capacity=6, generate_from=datetime.date(YEAR, 1, 1), months=12))
        _office_hours(ctx, rng, judicial)
        _services(ctx, rng, judicial, advisors, fulltime)
        _consultations(ctx, rng, judicial, advisors)
        # slots from today on, so the public site always has something to book
        today = clock.today()
        if today.year > YEAR:
            end = today + datetime.timedelta(days=92)
            for rule in rules:
                services.office_hours_generate(actor=judicial, rule=rule, start=today, end=end)
    ctx.log.append("legalservice: 2 名专职顾问、13 名村居顾问、20 场讲座、服务 5126 人次")


def _office_hours(ctx, rng, judicial):
    slots = list(OfficeHour.objects.filter(node__parent=ctx.subdistrict, date__year=YEAR).select_related("node", "advisor").order_by("date", "id"))
    missed = set(rng.sample(range(len(slots)), 5))
    for n, slot in enumerate(slots):
        # bookings a few days before
        with clock.frozen(slot.date - datetime.timedelta(days=3)):
            for _ in range(rng.randint(0, 3)):
                try:
                    services.booking_create(office_hour_id=slot.pk, name=_person(rng), phone=_phone(rng),
                                            topic=rng.choice(QUESTIONS)[0])
                except DomainError:  # a duplicate random phone is simply skipped
                    pass
        with clock.frozen(clock.at_local(slot.date, 12, 0)):
            if n in missed:
                services.office_hour_transition(actor=judicial, office_hour=slot, name="miss", reason="顾问出庭，未能按时坐班，已电话回访预约群众。")
            else:
                services.office_hour_transition(actor=judicial, office_hour=slot, name="hold", people_received=rng.randint(3, 12))


def _services(ctx, rng, judicial, advisors, fulltime):
    villages = list(advisors)
    plan = []  # (date, village or None, kind, title, people)
    lecture_days = sorted(rng.sample(range(20, 340), 20))
    for i, day in enumerate(lecture_days):
        v = villages[i % len(villages)]
        plan.append((day, v, ServiceRecord.Kind.LECTURE, f"{LECTURE_TOPICS[i % len(LECTURE_TOPICS)]}专题普法讲座", rng.randint(80, 150)))
    kinds = [ServiceRecord.Kind.CONSULTATION] * 6 + [ServiceRecord.Kind.RULES_REVIEW, ServiceRecord.Kind.CONTRACT_REVIEW,
                                                      ServiceRecord.Kind.MEDIATION, ServiceRecord.Kind.DRAFTING]
    titles = {ServiceRecord.Kind.CONSULTATION: "集中法律咨询", ServiceRecord.Kind.RULES_REVIEW: "审查村规民约修订稿",
              ServiceRecord.Kind.CONTRACT_REVIEW: "审查村集体土地租赁合同", ServiceRecord.Kind.MEDIATION: "参与邻里纠纷调解",
              ServiceRecord.Kind.DRAFTING: "代写法律文书"}
    for i in range(150):
        kind = kinds[i % len(kinds)]
        people = rng.randint(10, 30) if kind == ServiceRecord.Kind.CONSULTATION else rng.randint(1, 6)
        plan.append((rng.randint(5, 355), villages[i % len(villages)], kind, titles[kind], people))
    for i, (kind, title) in enumerate([(ServiceRecord.Kind.DECISION_EVALUATION, "参与街道重大行政决策合法性评估"),
                                       (ServiceRecord.Kind.LITIGATION, "代理街道行政诉讼案件"),
                                       (ServiceRecord.Kind.DECISION_EVALUATION, "参与老旧小区改造项目决策评估"),
                                       (ServiceRecord.Kind.LITIGATION, "代理困难群众劳动争议诉讼")]):
        plan.append((60 + i * 70, None, kind, title, 1 + i))
    # make the total exactly TOTAL_PEOPLE by adjusting the last general consultation
    total = sum(p[4] for p in plan)
    idx = max(i for i, p in enumerate(plan) if p[2] == ServiceRecord.Kind.CONSULTATION)
    day, v, kind, title, people = plan[idx]
    plan[idx] = (day, v, kind, title, people + (TOTAL_PEOPLE - total))
    if plan[idx][4] < 0 or plan[idx][4] > services.MAX_PEOPLE_PER_RECORD:
        raise RuntimeError("演示数据服务人数无法凑整")
    for n, (day, v, kind, title, people) in enumerate(plan):
        date = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=day)
        with clock.frozen(clock.at_local(date, 17, 0)):
            if v is None:
                node, advisor = ctx.subdistrict, fulltime[n % 2]
            else:
                node, advisor = ctx.villages[v], advisors[v]
            actor = ctx.users["advisor"] if v == "刘家村" else judicial
            services.service_record_create(actor=actor, node=node, advisor=advisor, kind=kind, date=date, title=title,
                                           people_served=people, hours=2 if kind == ServiceRecord.Kind.LECTURE else 1,
                                           notes=f"{title}，服务群众{people}人次。")


def _consultations(ctx, rng, judicial, advisors):
    villages = list(advisors)
    published = 0
    for i in range(36):
        village = ctx.villages[villages[i % len(villages)]]
        asked = clock.at_local(datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(3, 350)), rng.randint(8, 21), rng.randint(0, 59))
        title, question = QUESTIONS[i % len(QUESTIONS)]
        asker = _person(rng)
        with clock.frozen(asked):
            c = services.consultation_create(village=village, asker_name=asker, phone=_phone(rng), title=title,
                                             question=f"我是{asker}，{question}", is_anonymous=bool(i % 3 == 0))
        answered = asked + datetime.timedelta(hours=rng.randint(2, 96))
        actor = ctx.users["advisor"] if village.name == "刘家村" else judicial
        with clock.frozen(answered):
            c = services.consultation_answer(actor=actor, consultation=c,
                                             answer=f"您好，关于“{title}”：建议先收集好相关证据材料，依法协商；协商不成可申请人民调解，"
                                                    f"或向人民法院提起诉讼。欢迎在坐班时间到{village.name}公共法律服务站面谈。")
        if published < 6:
            with clock.frozen(answered + datetime.timedelta(days=1)):
                services.consultation_publish(actor=judicial, consultation=c)
            published += 1
    # two questions waiting now (the advisor's to-do)
    for title, question in QUESTIONS[:2]:
        services.consultation_create(village=ctx.villages["刘家村"], asker_name=_person(rng), phone=_phone(rng), title=title,
                                     question=question)
