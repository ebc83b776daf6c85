"""Demo: government affairs of 稷下街道 — 141 items proactively disclosed in 2023 (some late), later years, requests
(one corrected, one extended, several reply types), the Party Working Committee's 24 meetings of 2023 with village
Party secretaries attending, normative documents at several stages (稷下发〔2023〕1号…) and one major decision with a
hearing. Everything goes through the services, under the clock of the day it happened."""
import datetime
import random

from fazhi.core import clock, workdays
from fazhi.governance import services
from fazhi.governance.models import DisclosureItem

ITEMS_2023 = 141
CATEGORY_WEIGHTS = [("work_news", 42), ("public_services", 22), ("enforcement", 18), ("normative", 0), ("budget", 8),
                    ("plans", 10), ("major_decisions", 8), ("personnel", 10), ("functions", 6)]
TITLES = {
    "work_news": ["稷下街道开展{m}月份安全生产大排查", "稷下街道召开{m}月份网格化治理工作推进会", "稷下街道组织开展“法律进社区”宣传活动",
                  "稷下街道开展{m}月份矛盾纠纷集中排查化解", "稷下街道部署环境卫生整治工作"],
    "public_services": ["稷下街道{m}月份便民服务事项办理指南", "稷下街道城乡居民医疗保险参保缴费公告", "稷下街道公共法律服务站服务时间公告",
                        "稷下街道高龄津贴申领办事指南"],
    "enforcement": ["稷下街道综合行政执法权责清单（{m}月调整）", "稷下街道行政执法决定公示（{m}月）", "稷下街道“双随机、一公开”抽查结果（{m}月）"],
    "budget": ["稷下街道{y}年部门预算公开", "稷下街道{y}年“三公”经费预算说明", "稷下街道{y}年第{q}季度财政资金使用情况"],
    "plans": ["稷下街道{y}年法治政府建设工作要点", "稷下街道{y}年普法依法治理工作计划", "稷下街道{m}月份重点工作计划"],
    "major_decisions": ["稷下街道{y}年重大行政决策事项目录", "关于稷下街道重大行政决策事项征求意见的公告"],
    "personnel": ["稷下街道公益性岗位招聘公告（{m}月）", "稷下街道干部任前公示（{m}月）"],
    "functions": ["稷下街道办事处机构职能", "稷下街道领导分工调整公告（{m}月）"],
}
LATE_ITEMS = {5, 33, 71, 104, 126}  # indexes published after the 20-working-day limit

SECRETARIES = {"刘家村": "刘建国", "大杨村": "杨春生", "小杨村": "杨志强", "郑家村": "郑明", "辛店村": "辛立军", "石桥村": "石德华",
               "南马村": "马向东", "北马村": "马卫国", "后李村": "李长青", "前李村": "李红梅", "稷下社区": "王丽", "齐都社区": "齐晓燕",
               "东关社区": "赵刚"}


def _working_on_or_after(day, cal):
    while not cal.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _publish_items(ctx, rng, year, count, cal, *, last_day=None, late=frozenset()):
    sub, actor = ctx.subdistrict, ctx.users["disclosure"]
    cats = [c for c, w in CATEGORY_WEIGHTS for _ in range(w)]
    end = last_day or datetime.date(year, 12, 31)
    months = end.month
    for i in range(count):
        month = 1 + (i * months) // count
        day = _working_on_or_after(datetime.date(year, month, 1 + rng.randrange(26)), cal)
        if day > end:
            day = _working_on_or_after(datetime.date(year, month, 1), cal)
        code = cats[i % len(cats)] if i >= 9 else [c for c, _ in CATEGORY_WEIGHTS if c != "normative"][i % 8]
        title = rng.choice(TITLES[code]).format(m=month, y=year, q=(month - 1) // 3 + 1)
        formed = day - datetime.timedelta(days=40 if i in late else rng.randrange(0, 12))
        with clock.frozen(clock.at_local(day, 10, rng.randrange(60))):
            item = services.disclosure_save(actor=actor, node=sub, category_code=code, title=title, formed_on=formed,
                                            body=f"{title}。\n现将有关情况公开如下：{sub.name}按照有关要求，认真组织实施，"
                                                 f"接受社会监督。如有疑问，请在工作日向党政办公室咨询。")
            services.disclosure_confirm(actor=actor, item_id=item.pk, version=item.version,
                                        late_reason="材料由承办科室汇总后移交，移交时已超过公开期限。" if i in late else "")


def _meetings(ctx, rng, cal):
    sub, office = ctx.subdistrict, ctx.users["office"]
    members = [ctx.users[u] for u in ("leader", "office", "judicial", "disclosure")]
    villages = [v for name, v in ctx.villages.items() if name in SECRETARIES]
    meetings, n = [], 0
    for month in range(1, 13):
        for base in (8, 22):
            n += 1
            day = _working_on_or_after(datetime.date(2023, month, base), cal)
            guests = [(SECRETARIES[v.name], v, "村党支部书记") for v in rng.sample(villages, 3)]
            with clock.frozen(clock.at_local(day, 9)):
                meeting = services.meeting_create(
                    actor=office, node=sub, title=f"2023年第{n}次党工委会议", held_on=day, place="街道办事处三楼会议室",
                    chair=ctx.users["leader"], members=members, guests=guests,
                    agenda=[f"研究{month}月份重点工作", "传达学习上级有关会议和文件精神"])
                for item in meeting.items.all():
                    services.agenda_item_decide(actor=office, item_id=item.pk, outcome="approved", decision_text="同意。")
                services.meeting_record_minutes(actor=office, meeting_id=meeting.pk,
                                                minutes=f"会议由王书记主持，{'、'.join(g[0] for g in guests)}等村党支部书记列席。会议审议了各项议题，形成一致意见。")
            meetings.append(meeting)
    return meetings


def _agenda(ctx, meeting, title):
    office = ctx.users["office"]
    with clock.frozen(clock.at_local(meeting.held_on, 11)):
        item = services.meeting_add_item(actor=office, meeting_id=meeting.pk, title=title)
        services.agenda_item_decide(actor=office, item_id=item.pk, outcome="approved", decision_text="原则通过，按程序印发实施。")
    return item


def _document(ctx, title, body, start, meeting, *, until, seq=None, cal=None):
    """Run one normative document through its lifecycle from ``start`` up to stage ``until``."""
    office, reviewer, leader = ctx.users["office"], ctx.users["reviewer"], ctx.users["leader"]
    with clock.frozen(start):
        doc = services.document_create(actor=office, node=ctx.subdistrict, title=title, body=body, drafting_unit="党政办公室")
    if until == "drafting":
        return doc
    with clock.frozen(start + datetime.timedelta(days=1)):
        doc = services.document_transition(actor=office, document_id=doc.pk, name="open_comment")
    if until == "commenting":
        with clock.frozen(clock.at_local(start + datetime.timedelta(days=1), 16)):
            services.comment_submit(target=doc, body="建议在公约中写明红白喜事从简的具体标准。", author_name="稷下社区居民", ip="10.0.0.30")
        return doc
    with clock.frozen(clock.at_local(start + datetime.timedelta(days=3), 15)):
        c1 = services.comment_submit(target=doc, body="建议明确补贴申请的办理时限，方便群众。", author_name="居民张先生", ip="10.0.0.8")
        c2 = services.comment_submit(target=doc, body="<script>alert('x')</script>希望增加线上申请渠道。", author_name="网友", ip="10.0.0.9")
    with clock.frozen(start + datetime.timedelta(days=4)):
        services.comment_moderate(actor=office, comment_id=c1.pk, status="approved", reply="已采纳，增加“10个工作日内办结”的规定。")
        services.comment_moderate(actor=office, comment_id=c2.pk, status="approved", reply="已采纳，可通过本网站在线申请。")
    day = workdays.add_working_days(doc.comment_end, 1, cal)
    with clock.frozen(day):
        services.document_transition(actor=office, document_id=doc.pk, name="close_comment")
        doc = services.document_transition(actor=office, document_id=doc.pk, name="submit_review")
    if until == "in_review":
        return doc
    with clock.frozen(day + datetime.timedelta(days=2)):
        doc = services.document_transition(actor=reviewer, document_id=doc.pk, name="approve_review",
                                           opinion="经审核，该文件制定主体合法，内容未违法增加公民义务、减损公民权利，程序符合规定，同意提交集体审议。")
    item = _agenda(ctx, meeting, f"审议《{title}》")
    with clock.frozen(meeting.held_on):
        services.document_transition(actor=leader, document_id=doc.pk, name="decide", agenda_item=item.pk)
    with clock.frozen(meeting.held_on + datetime.timedelta(days=2)):
        services.document_transition(actor=office, document_id=doc.pk, name="register", number_seq=seq)
        doc = services.document_transition(actor=office, document_id=doc.pk, name="publish")
    if until == "published":
        return doc
    with clock.frozen(meeting.held_on + datetime.timedelta(days=12)):
        doc = services.document_transition(actor=office, document_id=doc.pk, name="file", filing_body="临淄区人民政府",
                                           filing_receipt=f"临备〔{meeting.held_on.year}〕{doc.number_seq + 10}号")
    return doc


def _decision(ctx, meetings, cal):
    office, leader = ctx.users["office"], ctx.users["leader"]
    sub = ctx.subdistrict
    with clock.frozen(datetime.date(2023, 3, 1)):
        d = services.decision_create(actor=office, node=sub, year=2023, title="稷下街道老旧小区改造提升实施方案",
                                     description="对辖区6个老旧小区实施雨污分流、管网改造、加装电梯和适老化改造，涉及居民1200余户。",
                                     sponsor_unit="党政办公室", hearing_required=True)
        services.decision_create(actor=office, node=sub, year=2023, title="稷下街道农村集体资产管理办法（修订）",
                                 description="规范村集体资产发包、租赁程序。", sponsor_unit="党政办公室")
        services.decision_transition(actor=office, decision_id=d.pk, name="start")
        services.decision_open_comment(actor=office, decision_id=d.pk, days=30)
    with clock.frozen(datetime.date(2023, 3, 10)):
        c = services.comment_submit(target=d, body="希望改造期间合理安排施工时间，减少对老年人出行的影响。", author_name="齐都社区居民", ip="10.0.0.20")
        services.comment_moderate(actor=office, comment_id=c.pk, status="approved", reply="已采纳，施工时间限定在8:00—18:00。")
    with clock.frozen(datetime.date(2023, 4, 3)):
        services.decision_step_record(actor=office, decision_id=d.pk, kind="public_participation",
                                      evidence="2023年3月1日至3月31日在政务公开网站公开征求意见，收到意见1条，已答复。")
    with clock.frozen(datetime.date(2023, 4, 12)):
        services.hearing_create(actor=office, decision_id=d.pk, notice_on=datetime.date(2023, 4, 3),
                                notice_text="定于2023年4月12日在稷下街道办事处召开老旧小区改造提升实施方案听证会，欢迎居民报名参加。",
                                held_on=datetime.date(2023, 4, 12), place="稷下街道办事处一楼会议室",
                                participants="居民代表8人、人大代表1人、政协委员1人、律师1人、承办单位代表2人",
                                record="听证参加人就加装电梯费用分摊、施工期间停车安置发表意见，承办单位逐一说明，形成听证报告。")
        services.decision_step_record(actor=office, decision_id=d.pk, kind="hearing", evidence="2023年4月12日召开听证会，形成听证报告。")
    with clock.frozen(datetime.date(2023, 4, 18)):
        services.decision_step_record(actor=office, decision_id=d.pk, kind="expert",
                                      evidence="邀请城建、法律、财务方面专家3人进行论证，出具论证意见。")
        services.decision_step_record(actor=office, decision_id=d.pk, kind="risk",
                                      evidence="开展社会稳定风险评估，评估等级为低风险，提出防控措施5条。")
    with clock.frozen(datetime.date(2023, 4, 21)):
        services.decision_step_record(actor=office, decision_id=d.pk, kind="legality",
                                      evidence="司法所出具合法性审查意见书：决策主体、程序、内容合法，同意提交集体讨论。")
    meeting = next(m for m in meetings if m.held_on >= datetime.date(2023, 4, 22))
    item = _agenda(ctx, meeting, "审议《稷下街道老旧小区改造提升实施方案》")
    with clock.frozen(meeting.held_on):
        services.decision_transition(actor=leader, decision_id=d.pk, name="decide", agenda_item=item.pk,
                                     decision_text="同意实施老旧小区改造提升，分两批于2023年内完成。")
    with clock.frozen(meeting.held_on + datetime.timedelta(days=3)):
        services.decision_transition(actor=office, decision_id=d.pk, name="publish")
    with clock.frozen(meeting.held_on + datetime.timedelta(days=10)):
        services.decision_transition(actor=office, decision_id=d.pk, name="implement")
    return d


TABLE_REASONS = {"not_disclosed": "refuse_process", "not_exist": "unable_not_held"}


def _annual_report(ctx):
    """The 2023 government-information-disclosure report, drafted, reviewed, finalised and published in January 2024."""
    sub, officer, leader = ctx.subdistrict, ctx.users["disclosure"], ctx.users["leader"]
    with clock.frozen(clock.at_local(datetime.date(2024, 1, 15), 9, 0)):
        report = services.annual_report_create(
            actor=officer, node=sub, year=2023,
            overview="2023年，稷下街道深入贯彻《中华人民共和国政府信息公开条例》，以公开为常态、不公开为例外，"
                     "规范主动公开目录，依法办理政府信息公开申请，推进政务公开栏和政府网站建设。",
            problems="一是部分科室信息移交不及时，个别信息超过20个工作日公开；二是依申请公开答复的说理有待加强。"
                     "下一步将建立信息形成即移交机制，开展答复文书培训。")
        report = services.annual_report_transition(actor=officer, report_id=report.pk, name="submit_review")
    with clock.frozen(clock.at_local(datetime.date(2024, 1, 18), 10, 0)):
        report = services.annual_report_transition(actor=leader, report_id=report.pk, name="finalise")
    with clock.frozen(clock.at_local(datetime.date(2024, 1, 22), 9, 30)):
        services.annual_report_transition(actor=officer, report_id=report.pk, name="publish")


def _requests(ctx, cal):
    sub, officer, leader = ctx.subdistrict, ctx.users["disclosure"], ctx.users["leader"]
    rows = [
        # received, name, content, replies..., extras
        (datetime.date(2023, 2, 13), "张某", "申请公开2022年稷下街道城乡低保资金发放情况", "disclosed", {}),
        (datetime.date(2023, 4, 6), "李某", "申请公开刘家村土地征收补偿标准相关文件", "partial", {"correct": True}),
        (datetime.date(2023, 6, 19), "淄博某建材有限公司", "申请公开2023年街道辖区道路施工招投标文件", "not_responsible", {"org": True}),
        (datetime.date(2023, 8, 2), "王某", "申请公开大杨村宅基地审批台账", "not_disclosed", {"extend": True}),
        (datetime.date(2023, 9, 25), "赵某", "申请公开1998年某企业改制档案", "not_exist", {}),
        (datetime.date(2023, 11, 8), "孙某", "申请公开2023年街道部门预算", "already_public", {}),
    ]
    for i, (received, name, content, reply, extra) in enumerate(rows):
        with clock.frozen(received):
            req = services.request_submit(node=sub, applicant_name=name, phone=f"1390533{1000 + i * 7:04d}", content=content,
                                          applicant_type="organisation" if extra.get("org") else "person",
                                          organisation_kind="business" if extra.get("org") else "",
                                          address="山东省淄博市临淄区稷下街道")
        day = received
        if extra.get("correct"):
            day = workdays.add_working_days(received, 3, cal)
            with clock.frozen(day):
                services.request_transition(actor=officer, request_id=req.pk, name="request_correction",
                                            reason="申请内容不明确，请补充所需文件的名称或文号、涉及的地块位置。")
            day = day + datetime.timedelta(days=9)
            with clock.frozen(day):
                services.request_transition(actor=officer, request_id=req.pk, name="submit_correction", corrected_on=day,
                                            correction_text="刘家村东侧地块2022年征收补偿标准文件。")
        if extra.get("extend"):
            day = workdays.add_working_days(received, 15, cal)
            with clock.frozen(day):
                services.request_transition(actor=officer, request_id=req.pk, name="request_extension",
                                            reason="涉及多个村的档案，需要调取核对，情况复杂。")
                services.request_transition(actor=leader, request_id=req.pk, name="approve_extension")
        answer_day = workdays.add_working_days(day, 12 + i * 2, cal)
        reasons = {"partial": "部分信息涉及第三方个人隐私，依据《条例》第十五条不予公开，其余部分予以公开。",
                   "not_disclosed": "所申请信息属于过程性信息，依据《条例》第十六条第二款不予公开。",
                   "not_exist": "经检索，本机关未制作或获取该政府信息，依据《条例》第三十六条第四项告知。"}
        with clock.frozen(answer_day):
            services.request_transition(actor=officer, request_id=req.pk, name="answer", reply_type=reply,
                                        reply_text="经查，现就您申请的事项答复如下。", reply_reason=reasons.get(reply, ""),
                                        referred_body="临淄区住房和城乡建设局（电话0533-7180000）" if reply == "not_responsible" else "",
                                        table_reason=TABLE_REASONS.get(reply, ""))
        if reply == "not_disclosed":  # the applicant asked for reconsideration; the district upheld the reply
            filed = answer_day + datetime.timedelta(days=20)
            with clock.frozen(filed + datetime.timedelta(days=50)):
                services.remedy_create(actor=officer, request_id=req.pk, kind="reconsideration", filed_on=filed,
                                       body="临淄区人民政府", result="upheld", decided_on=filed + datetime.timedelta(days=45))
    today = clock.today()
    start = today - datetime.timedelta(days=24)
    with clock.frozen(start):
        services.request_submit(node=sub, applicant_name="周某", phone="13905336666", content="申请公开2026年街道公共法律服务站建设经费使用情况")
    with clock.frozen(today - datetime.timedelta(days=3)):
        services.request_submit(node=sub, applicant_name="吴某", phone="13905337777", content="申请公开稷下街道老旧小区改造第二批名单")


def load(ctx):
    rng = random.Random(2023)
    cal = workdays.Calendar()
    meetings = _meetings(ctx, rng, cal)
    body = ("第一条 为规范……，根据有关法律法规，结合本街道实际，制定本办法。\n第二条 本办法适用于本街道辖区内……\n"
            "第三条 申请人应当……\n第四条 本办法自印发之日起施行，有效期5年。")
    by_month = {m.held_on.month: m for m in meetings}
    _document(ctx, "稷下街道困难群众临时救助实施办法", body, datetime.date(2023, 2, 1), by_month[3], until="filed", seq=1, cal=cal)
    _document(ctx, "稷下街道村级小微权力清单管理办法", body, datetime.date(2023, 5, 4), by_month[6], until="published", seq=2, cal=cal)
    _document(ctx, "稷下街道网格员管理考核办法", body, datetime.date(2023, 10, 9), None, until="in_review", cal=cal)
    today = clock.today()
    _document(ctx, "稷下街道居民公约示范文本（征求意见稿）", body, today - datetime.timedelta(days=2), None, until="commenting", cal=cal)
    _decision(ctx, meetings, cal)
    # documents and the decision published above are disclosure items too: the year still totals 141
    already = DisclosureItem.objects.filter(node=ctx.subdistrict, published_on__year=2023).count()
    _publish_items(ctx, rng, 2023, ITEMS_2023 - already, cal, late=LATE_ITEMS)
    _publish_items(ctx, rng, 2024, 36, cal, late={3})
    _publish_items(ctx, rng, 2025, 30, cal)
    _publish_items(ctx, rng, 2026, 24, cal, last_day=min(today, datetime.date(2026, 12, 31)) - datetime.timedelta(days=1))
    _requests(ctx, cal)
    _annual_report(ctx)
