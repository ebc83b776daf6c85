"""Demo: the 稷下街道 comprehensive enforcement office in 2023 — power list, officers, a year of cases.

Consistent with the 2023 report ("没有配备执法记录仪"): in the first half of the year almost no step has an
audio-video recording; after the office borrows recorders in the second half, more do. All records are created
through the services under a frozen clock, so every one carries its audit timeline."""
import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import clock, workdays
from fazhi.core import services as core_services
from fazhi.core.roles import Role
from fazhi.core.validators import make_id_number
from fazhi.enforcement import services
from fazhi.enforcement.models import PowerType, StepKind

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + b"\x00" * 32

POWERS = [
    ("CF-001", "对未经批准进行临时建设等违法建设行为的处罚", PowerType.PENALTY,
     "《中华人民共和国城乡规划法》第六十四条、第六十六条；《山东省乡镇（街道）综合行政执法赋权事项目录》",
     "轻微：及时自行拆除、未造成危害后果的，不予处罚\n一般：责令限期拆除，可处临时建设工程造价一倍以下罚款\n严重：逾期不拆除的，依法强制拆除并处罚款"),
    ("CF-002", "对在城市道路两侧擅自摆摊设点、占道经营的处罚", PowerType.PENALTY,
     "《城市市容和环境卫生管理条例》第三十六条；《山东省城市市容和环境卫生管理办法》",
     "首次违法、及时改正：责令改正，不予处罚\n一般：处50元以上200元以下罚款\n屡教不改：处200元以上500元以下罚款"),
    ("CF-003", "对露天焚烧秸秆、落叶等产生烟尘污染物质的处罚", PowerType.PENALTY,
     "《中华人民共和国大气污染防治法》第一百一十九条第二款", "一般：处500元以上2000元以下罚款\n严重：处2000元罚款"),
    ("CF-004", "对未按规定倾倒、堆放建筑垃圾的处罚", PowerType.PENALTY,
     "《城市建筑垃圾管理规定》第二十六条", "单位：处5000元以上5万元以下罚款\n个人：处200元以下罚款"),
    ("CF-005", "对擅自设置大型户外广告的处罚", PowerType.PENALTY,
     "《城市市容和环境卫生管理条例》第三十六条第（三）项", "一般：责令限期拆除，可处500元以下罚款\n严重：处500元以上1000元以下罚款"),
    ("CF-006", "对违法占用耕地建窑、建坟或擅自建房的处罚", PowerType.PENALTY,
     "《中华人民共和国土地管理法》第七十五条、第七十八条", "一般：责令限期改正或治理，可并处罚款\n严重：涉嫌犯罪的移送司法机关"),
    ("JC-001", "对沿街商户门前三包责任落实情况的检查", PowerType.INSPECTION, "《城市市容和环境卫生管理条例》第九条", ""),
    ("JC-002", "对建设工地扬尘污染防治措施的检查", PowerType.INSPECTION, "《中华人民共和国大气污染防治法》第二十九条、第六十九条", ""),
    ("JC-003", "对燃气经营、使用场所安全的检查", PowerType.INSPECTION, "《城镇燃气管理条例》第四十二条", ""),
    ("QZ-001", "对违法建设施工现场的查封", PowerType.COMPULSORY,
     "《中华人民共和国城乡规划法》第六十八条；《中华人民共和国行政强制法》第二十二条至第二十八条", ""),
]

CASES = [  # power code, title, party kind, party name, fine
    ("CF-002", "占道经营水果摊", "person", "王春生", "100"),
    ("CF-003", "露天焚烧秸秆", "person", "李秋菊", "500"),
    ("CF-001", "未经批准搭建彩钢棚", "person", "刘长海", "1000"),
    ("CF-004", "随意倾倒建筑垃圾", "organisation", "淄博齐鲁建筑工程有限公司", "8000"),
    ("CF-005", "擅自设置户外广告牌", "organisation", "临淄区鑫源商贸有限公司", "500"),
    ("CF-002", "流动摊点占道经营", "person", "赵德胜", "50"),
    ("JC-002", "建设工地扬尘防治检查", "organisation", "山东华建置业有限公司", ""),
    ("CF-003", "焚烧落叶产生烟尘", "person", "孙玉兰", "500"),
    ("JC-001", "沿街商户门前三包检查", "organisation", "稷下便民超市", ""),
    ("CF-001", "临时建设逾期未拆除", "person", "郑建国", "3000"),
    ("CF-002", "早市占道经营", "person", "周桂芝", "100"),
    ("JC-003", "餐饮店燃气安全检查", "organisation", "齐都老味道餐饮店", ""),
]


def _upload(name, data, content_type):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _at(day, hour=9):
    return clock.frozen(clock.at_local(day, hour))


def load(ctx):
    rng = random.Random(2023)
    head, officer, officer2 = ctx.users["enforcement_head"], ctx.users["officer"], ctx.users["officer2"]
    reviewer, supervisor = ctx.users["reviewer"], ctx.users["supervisor"]
    disclosure = ctx.users.get("disclosure", head)
    unit = ctx.units["综合行政执法办公室"]
    sub = ctx.subdistrict
    start = datetime.date(2023, 1, 4)

    with _at(start):
        subject = services.subject_save(
            actor=head, unit=unit, legal_status="依据《山东省人民政府关于向乡镇（街道）赋予部分县级行政权力事项的决定》依法承接赋权事项的街道综合行政执法机构",
            address="临淄区稷下街道办事处一楼综合行政执法办公室", office_phone="0533-7180000",
            procedures="一般程序：立案（负责人审批）→ 调查取证（两名以上持证执法人员，出示执法证件）→ 告知（陈述、申辩；较重处罚告知听证权）→ 陈述申辩及复核 → 听证（当事人告知后5个工作日内申请；举行听证7个工作日前通知，非本案调查人员主持）→ 法制审核（重大执法决定）→ 负责人集体讨论（情节复杂或重大违法行为）→ 决定 → 送达（7个工作日内）→ 执行 → 结案。立案之日起90日内作出决定（行政处罚法第六十条）。",
            remedies="对行政处罚决定不服的，可以自收到决定书之日起六十日内向临淄区人民政府申请行政复议，或者自收到决定书之日起六个月内向人民法院提起行政诉讼。",
            complaints="投诉举报电话：12345政务服务便民热线；监督电话：0533-7180001（街道司法所）；来信来访：稷下街道办事处信访办公室。",
            reconsideration_body="临淄区人民政府", litigation_court="淄博市临淄区人民法院")
        services.reviewer_register(actor=head, user=reviewer, reviewing_since=datetime.date(2022, 3, 1),
                                   qualification_number="A20213703051234", qualified_on=datetime.date(2021, 12, 10))
        powers = {code: services.power_create(actor=head, subject=subject, code=code, name=name, power_type=ptype, legal_basis=basis,
                                              discretion=disc) for code, name, ptype, basis, disc in POWERS}
        valid = dict(issuing_authority="淄博市人民政府", valid_from=datetime.date(2021, 3, 1), valid_until=datetime.date(2027, 2, 28))
        officers = {
            "officer": services.officer_create(actor=head, subject=subject, user=officer, certificate_number="37030521001", **valid),
            "officer2": services.officer_create(actor=head, subject=subject, user=officer2, certificate_number="37030521002", **valid),
            "head": services.officer_create(actor=head, subject=subject, user=head, certificate_number="37030521003", **valid),
        }
        extra = [("officer3", "韩执法", "37030521004", datetime.date(2021, 3, 1), datetime.date(2027, 2, 28)),
                 ("officer4", "杨执法", "37030519005", datetime.date(2019, 1, 1), datetime.date(2022, 12, 31)),  # expired
                 ("officer5", "朱执法", "37030521006", datetime.date(2021, 3, 1), None)]
        for username, full_name, cert, vfrom, vuntil in extra:
            user = ctx.users.get(username) or core_services.user_create(
                actor="演示数据", username=username, full_name=full_name, password=None,
                memberships=[(sub, Role.ENFORCEMENT_OFFICER, unit)])
            ctx.users[username] = user
            if vuntil is None:  # expiring within 60 days of the real today: a to-do for the office head
                vuntil = datetime.date.today() + datetime.timedelta(days=40)
            officers[username] = services.officer_create(actor=head, subject=subject, user=user, certificate_number=cert,
                                                         issuing_authority="淄博市人民政府", valid_from=vfrom, valid_until=vuntil)

    villages = [v for name, v in ctx.villages.items() if v.path.startswith(sub.path)]
    teams = [[officers["officer"], officers["officer2"]], [officers["officer"], officers["officer3"]],
             [officers["officer2"], officers["officer3"]]]
    closed_cases = []
    major_done = False
    n_cases = 36
    for i in range(n_cases):
        day = start + datetime.timedelta(days=int(i * 340 / n_cases) + rng.randint(0, 4))
        code, title, pkind, pname, fine = CASES[i % len(CASES)]
        power = powers[code]
        team = teams[i % len(teams)]
        ids = [o.pk for o in team]
        village = villages[i % len(villages)]
        is_major_case = not major_done and i == 14
        if is_major_case:
            code, title, pkind, pname, fine = "CF-004", "工地违规倾倒建筑垃圾且拒不清运", "organisation", "淄博恒通土石方工程有限公司", "30000"
            power = powers[code]
        with _at(day):
            id_number = make_id_number(f"370305{1960 + i % 40}{(i % 12) + 1:02d}{(i % 27) + 1:02d}{i % 10}{(i * 7) % 10}{(i * 3) % 10}") \
                if pkind == "person" else ""
            case = services.case_create(
                actor=team[0].user, subject=subject, power=power, node=village, title=title, party_kind=pkind, party_name=pname,
                party_id_number=id_number, party_phone=f"13{rng.randint(100000000, 999999999)}" if pkind == "person" else "",
                party_address=f"{sub.name}{village.name}{rng.randint(1, 30)}号", officers=ids,
                facts=f"{day:%Y年%m月%d日}，执法人员巡查发现当事人{title}，经现场检查核实，违法事实清楚。")
            case = services.case_transition(actor=head, case=case, name="approve_filing")
        if day > datetime.date(2023, 11, 28):
            continue  # filed late in the year: still being investigated
        d1 = day + datetime.timedelta(days=2)
        with _at(d1, 10):
            step = services.step_record(actor=team[0].user, case=case, kind=StepKind.INSPECTION, place=f"{village.name}",
                                        content=f"两名执法人员出示执法证件，对现场进行检查并拍照取证：{title}。", officers=ids,
                                        documents="现场检查笔录")
            services.evidence_upload(actor=team[0].user, step=step, upload=_upload(f"现场照片{i + 1}.png", PNG, "image/png"))
            # No body-worn recorders in the first half of 2023; borrowed recorders from July on.
            if rng.random() < (0.08 if d1.month <= 6 else 0.6):
                services.evidence_upload(actor=team[0].user, step=step,
                                         upload=_upload(f"执法记录{i + 1}.mp4", MP4 + str(i).encode(), "video/mp4"))
            services.step_record(actor=team[0].user, case=case, kind=StepKind.INTERVIEW, place="综合行政执法办公室",
                                 content="询问当事人，制作询问笔录，当事人对违法事实无异议。", officers=ids, documents="询问笔录")
        if day > datetime.date(2023, 11, 12):
            continue
        d2 = day + datetime.timedelta(days=6)
        with _at(d2, 10):
            case = services.case_transition(actor=team[0].user, case=case, name="notify", place="综合行政执法办公室", officers=ids,
                                            proposed_fine=fine or None, heavy_penalty=is_major_case,
                                            content=None if fine else "告知检查发现的问题及拟责令改正的决定，听取当事人陈述、申辩。")
            if case.is_major:
                case = services.case_transition(actor=team[0].user, case=case, name="submit_review")
            elif i % 3:
                case = services.case_transition(actor=team[0].user, case=case, name="record_statement", statement_waived=True,
                                                occurred_at=clock.now())
        if not case.is_major and not i % 3:
            with _at(d2 + datetime.timedelta(days=1), 15):
                case = services.case_transition(
                    actor=team[0].user, case=case, name="record_statement",
                    statement_text="当事人称系初次违法，已认识到错误并愿意立即改正，请求从轻处理。",
                    statement_review="经复核，当事人所述初次违法、主动改正的情况属实，已在裁量中予以考虑。")
        if case.is_major:
            with _at(d2 + datetime.timedelta(days=3), 15):
                services.legal_review_record(actor=reviewer, case=case, opinion="reject", checklist={"subject": True, "qualification": True},
                                             reasons="倾倒数量的证据不足，请补充过磅单及证人证言后重新提请审核。")
            with _at(d2 + datetime.timedelta(days=6), 10):
                case.refresh_from_db()
                services.step_record(actor=team[0].user, case=case, kind=StepKind.EVIDENCE, place="恒通公司工地",
                                     content="调取过磅单12张、询问证人2名。", officers=ids, documents="证据清单")
                case = services.case_transition(actor=team[0].user, case=case, name="notify", place="综合行政执法办公室",
                                                officers=ids, proposed_fine=fine, heavy_penalty=True)
                case = services.case_transition(actor=team[0].user, case=case, name="request_hearing",
                                                content="当事人书面要求举行听证。")
                hearing_day = workdays.add_working_days(clock.today(), 8)
                case = services.case_transition(actor=head, case=case, name="notify_hearing", hearing_place="街道办事处三楼会议室",
                                                hearing_at=datetime.datetime.combine(hearing_day, datetime.time(9, 30)),
                                                hearing_host=supervisor.pk)
            with _at(hearing_day, 11):
                case = services.case_transition(
                    actor=team[0].user, case=case, name="hold_hearing", place="街道办事处三楼会议室", officers=ids,
                    content="听证笔录：调查人员提出违法事实、证据和处罚建议；当事人委托代理人申辩并质证；笔录经当事人核对后签字。")
                case = services.case_transition(
                    actor=team[0].user, case=case, name="record_statement",
                    statement_text="当事人申辩倾倒系分包单位所为。",
                    statement_review="经复核，分包合同约定由当事人负责清运，申辩理由不成立，不予采纳。")
                case = services.case_transition(actor=team[0].user, case=case, name="submit_review")
            d2 = hearing_day
            with _at(d2 + datetime.timedelta(days=2), 15):
                services.legal_review_record(actor=reviewer, case=case, opinion="approve",
                                             checklist={k: True for k in ("subject", "qualification", "procedure", "facts", "basis",
                                                                          "powers", "documents", "criminal")},
                                             reasons="主体合法、程序合法、事实清楚、证据充分、适用依据正确、裁量适当；不涉嫌犯罪。")
                case.refresh_from_db()
                case = services.case_transition(actor=head, case=case, name="collective_decide",
                                                attendees="街道办事处主任、分管副主任、综合行政执法办公室主任",
                                                content="经集体讨论，同意按听证笔录认定的事实和法制审核意见作出罚款决定。")
            major_done = True
            d2 = d2 + datetime.timedelta(days=2)
        d3 = d2 + datetime.timedelta(days=6)
        result = ("penalty" if i % 6 else "no_penalty") if fine else "order"
        with _at(d3, 11):
            case = services.case_transition(
                actor=head, case=case, name="decide", result=result, fine_amount=fine if result == "penalty" else None,
                decision_text={"penalty": f"依法责令当事人立即改正违法行为，并处罚款人民币{fine}元。",
                               "no_penalty": "当事人违法行为轻微并及时改正，没有造成危害后果，依法不予行政处罚。",
                               "order": "责令当事人于十五日内整改检查发现的问题，逾期未整改的依法处理。"}[result],
                decision_basis=power.legal_basis,
                discretion_applied={"penalty": "当事人首次违法、主动配合调查，按一般情节适用裁量基准。", "no_penalty": "适用“轻微不罚”情形。",
                                    "order": ""}[result])
        if d3 > datetime.date(2023, 12, 20):
            continue
        d4 = d3 + datetime.timedelta(days=2)
        with _at(d4, 10):
            step_ids = ids
            case = services.case_transition(actor=team[0].user, case=case, name="serve", place=f"当事人住所（{village.name}）",
                                            officers=step_ids, content="直接送达执法决定书，当事人签收送达回证。")
        # publication: most within 7 working days, a few late (early in the year)
        pub_day = d3 + datetime.timedelta(days=3 if (i % 7 or d3.month > 6) else 14)
        with _at(pub_day, 16):
            services.publication_publish(actor=disclosure, case=case, scrub=True)
        d5 = d4 + datetime.timedelta(days=10)
        if d5 > datetime.date(2023, 12, 28):
            continue
        with _at(d5, 10):
            case = services.case_transition(actor=team[0].user, case=case, name="execute", place="综合行政执法办公室", officers=ids,
                                            content="当事人已按期缴纳罚款并改正违法行为。" if result == "penalty" else "当事人已改正。")
            case = services.case_transition(actor=head, case=case, name="close")
            closed_cases.append(case)

    for n, case in enumerate(closed_cases[:4]):
        with _at(datetime.date(2023, 12, 15) + datetime.timedelta(days=n), 10):
            scores = {"subject": 10, "officers": 10, "facts": 18, "basis": 18, "procedure": 19, "documents": 9,
                      "recording": 4 if case.closed_on.month <= 6 else 8}
            services.evaluation_record(actor=supervisor, case=case, scores=scores,
                                       findings="案卷基本规范；现场检查缺少执法记录仪音像记录，建议配备执法记录仪并规范全过程记录。")
    if closed_cases:
        with _at(datetime.date(2023, 12, 20), 10):
            services.accountability_record(actor=supervisor, officer=officers["officer3"], case=closed_cases[0], measure="批评教育",
                                           description="现场检查笔录未由当事人签字确认，文书不规范。")
    if len(closed_cases) > 1:
        pub = closed_cases[1].publications.first()
        if pub is not None:
            with _at(datetime.date(2023, 12, 21), 10):
                pub = services.publication_mark_revoked(actor=disclosure, publication=pub, revoked_on="2023-12-20",
                                                        reason="经行政复议，原决定被变更（临政复决〔2023〕12号）")
            with _at(datetime.date(2023, 12, 22), 10):
                services.publication_withdraw(actor=disclosure, publication=pub,
                                              reason="原行政处罚决定已经行政复议依法变更，现撤回原决定信息。")
    ctx.log.append(f"行政执法：{n_cases} 件案件，{len(closed_cases)} 件结案")
