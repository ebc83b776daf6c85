"""The default report template, modelled on the structure and prose of the seed report (稷下街道 2023).

Every number is a figure token; nothing here holds a value. When a report is created ``{node}`` becomes the node's
name, ``{short}`` its short name (稷下 → “平安稷下 法治稷下”), ``{level}`` its kind (街道, 乡镇, 区) and ``{party}`` the
Party committee that leads it (党工委, 党委, 区委) — so a district's or a township's report never says “我街道”.
A claim that only some nodes' records support is written with ``|opt`` and left out where the figure is zero.
Staff edit the text per year; the tokens stay live.
"""

PREAMBLE = (
    "今年，在{above}的坚强领导下，在{above_committee}的正确指导下，{node}深入学习贯彻习近平法治思想，牢固树立依法行政理念，"
    "坚持依法全面履行政府职能，切实抓好法治政府建设工作，为建设“平安{short} 法治{short}”提供坚强有力的法治保障。"
    "现将{year}年度法治政府建设情况报告如下："
)

SECTIONS = [
    (1, "完善工作机制，提升行政效能",
     "一是完善依法决策机制，提升行政决策水平。建立健全{party}会议议事决策机制，不断完善重大行政决策参与机制，落实公示、听证制度，"
     "全年召开{party}会议{{governance.meetings}}次，其中邀请村党支部书记列席{{governance.meetings_with_guests}}次，集体研究决定事项{{governance.meeting_items_decided}}项，"
     "提高重大决策的科学性、民主性。"
     "二是完善行政执法制度，强化行政执法规范。严格落实执法公示、执法全过程记录、重大执法决定法制审核“三项制度”，全年立案{{enforcement.cases_filed}}件，"
     "重大执法决定法制审核{{enforcement.legal_reviews}}件，执法决定按期公示率{{enforcement.publication_timeliness}}，"
     "执法人员{{enforcement.officers_total}}名，持有效执法证比例{{enforcement.officers_valid_cert_rate}}，定期组织业务及法律知识培训，切实保障严格执法、公正执法。"
     "三是完善法律顾问制度，强化法治保障作用。定期开展一村（社区）一法律顾问工作部署会，以群众法律需求为导向，规范工作流程和服务方式。"
     "辖区建成公共法律服务站{{legalservice.stations|opt}}个，将法律顾问信息和工作内容上墙向全体居民公开；建立每月定期坐班制度，"
     "全年坐班{{legalservice.office_hours_held}}次。{year}年以来，各社区的驻点法律顾问累计举办普法讲座{{legalservice.lectures}}场，"
     "为{{legalservice.residents_served|approx}}名居民提供法律服务，使尊法学法守法用法在辖区内蔚然成风。"),
    (1, "强化法治宣传教育，夯实法治建设基础",
     "坚持把法治宣传教育作为法治政府建设的基础性工作，以“法律六进”为契机，持续加大普法宣传力度，营造全社会自觉守法、遇事找法、解决问题靠法的良好氛围。"
     "一是加强队伍法治培训。制定领导干部学法、懂法、讲法、用法计划，并依托法宣平台开展法律法规学习。今年以来，司法所牵头组织法律宣传进机关活动{{publicity.events_into_organs}}次，"
     "进一步增强了领导干部的学法意识和执政能力。"
     "二是加大普法宣传力度。全面贯彻落实“八五”普法规划，大力宣传宪法、民法典等与群众生产生活密切相关的法律法规，结合“3.8国际妇女节”、“3.15国际消费者权益日”、"
     "禁毒宣传月、“4.15国家安全教育日”、“12.4宪法日”等重要宣传节点，开展多种形式的普法宣传活动，进一步增强广大党员干部、青少年和群众的法治意识。"
     "三是强化互联网法治宣传。以村（社区）为单位建立“一村一法律顾问工作群”，线上普法覆盖{{publicity.online_reach|approx}}人次，形成全民守法、自觉崇尚法治的良好氛围。"),
    (1, "多元化解矛盾纠纷，提升基层治理效能",
     "一是健全“一站式”矛盾纠纷调处化解机制，推动矛盾纠纷集中化解。以矛盾纠纷多元化解机制为主线，创新整合{{disputes.centre_bodies}}个机构工作职能，"
     "采取集中办公、合力化解、分类调解的工作办法，努力把各类矛盾纠纷排查在初始、解决在村（社区）、化解在萌芽状态。"
     "{year}年，我{level}共受理矛盾纠纷{{disputes.received}}起，化解矛盾纠纷{{disputes.resolved}}起，{{disputes.resolved|change}}，化解率{{disputes.resolution_rate}}。"
     "二是健全调解组织网络，加强调解员队伍建设。依程序成立行政调解委员会，建立行政调解员名册（{{disputes.administrative_mediators}}人），依法依规开展行政调解工作。"
     "组织开展人民调解暨“法治带头人、法律明白人”培训会，提升调解人员工作水平，努力做到小事不出社区，大事不出{level}。"
     "三是打造品牌调解超市，零距离化解矛盾纠纷。探索“五老乡贤+专业化”治理模式，打造{{disputes.mediation_rooms}}个特色调解室组成的“群众诉求超市”，群众可按需点单进行矛盾调处。"),
    (2, "强化组织领导，从严落实工作责任",
     "充分发挥{party}在推进法治建设中的领导核心作用，将建设法治政府摆在工作全局的重要位置，把学习习近平法治思想纳入{party}理论学习中心组学习计划，强化党员干部法治思维。"
     "{year}年共开展领导班子学法{{publicity.study_sessions}}次，专题研讨{{publicity.seminars}}次，专题党课{{publicity.party_lectures}}次。"
     "学习内容包括{{publicity.study_topics|opt}}。"
     "全年召开{party}会议专题研究法治建设{{governance.rule_of_law_meetings}}次，研究了{{governance.rule_of_law_topics|opt}}议题。"
     "定期开展法治政府建设工作研讨会，及时研究解决法治建设相关重点难点，做到法治建设与{level}重点工作协同推进、相融相促。"),
    (2, "规范职责体系，全力推进依法行政",
     "一是全面推进{level}政务信息公开制度。着力抓好政务公开栏建设，严格落实规范性文件统一公布制度。{year}年，{level}通过政府网站主动公开政府信息{{governance.disclosure_published}}条，"
     "按期公开率{{governance.disclosure_timeliness}}。"
     "二是严格依法依规规范决策执行程序。落实{party}议事规则和决策程序，对重大事项决策、重要项目安排进行集中讨论、集体决策。严格规范文件制定程序和管理办法，"
     "严把规范性文件合法性前置审查关，全年审核规范性文件{{governance.normative_docs_reviewed}}件。"
     "三是强化行政执法监督体系建设。深入落实行政执法“三项制度”，建立常态化行政执法责任追究机制。"),
    (2, "深化法治惠民，提升法治实践效能",
     "一是提升基层公共法律服务水平。充分发挥{{legalservice.demonstration_village_names|opt}}民主法治示范村的辐射带动作用，打造村居特色法治文化阵地；"
     "聘请{level}专职法律顾问{{legalservice.advisors_fulltime}}名，村居法律顾问{{legalservice.advisors_village}}名，参与决策评估、代理诉讼等法律事务。"
     "二是优化矛盾调解组合机制。打造“一站式”矛调中心，建立人民调解、行政调解、司法调解的“街道、村、网格”三级工作体系，实现小事不出村、大事不出{level}。"
     "三是全力开展法治宣传教育。组织{level}{{publicity.leaders_trained}}名法治带头人、法律明白人进行线上线下联合培训。"
     "{year}年，累计发放各类宣传资料{{publicity.materials|approx}}份，举办普法宣传活动{{publicity.events|approx}}次，村（社区）张贴宣传标语{{publicity.slogans|approx}}条（幅），"
     "受教育{{publicity.people_reached|approx}}人次。投入{{publicity.sites_investment|approx}}元建设法治宣传阵地，辐射周边学校、生活区共计{{publicity.sites_population|approx}}人。"),
    (4, "深入推进依法行政",
     "全面落实行政执法“三项制度”，建立健全行政执法责任制，完善行政执法程序，定期开展法律知识培训，开展执法人员业务培训，加大执法证的考取力度，提升政府的公信力。"),
    (4, "持续提升法治意识",
     "深入抓好领导干部学法用法，不断提高依法执政能力，切实加强法律培训，努力提高机关工作人员运用法治思维和法治方式解决问题的能力。"),
    (4, "加强法治宣传力度",
     "按照“八五”普法规划，紧抓传统节假日等普法时点、宪法宣传日等普法节点以及留守老人儿童、外出务工人员等普法重点，开展全方位的法治宣传教育。"),
    # 督察规定 第二十四条's fifth required content: its place is always in the report; the office fills it in
    (5, "其他需要报告的情况",
     "{year}年度无其他需要报告的情况。（如有上级交办事项落实、重大法治事件处置等其他需要报告的情况，请在此据实填写。）"),
]

# (code, label, figure, comparison, threshold, heading, text, basis)
TARGETS = [
    ("av_coverage", "执法全过程音像记录覆盖率", "enforcement.av_coverage", "min", 1.0, "执法全过程记录不到位",
     "应当音像记录的执法环节中，仅{value}有音像记录（目标{target}），执法记录仪等专业执法设备配备不足。", "国办发〔2018〕118号"),
    ("valid_certs", "执法人员持有效执法证比例", "enforcement.officers_valid_cert_rate", "min", 1.0, "执法人员资格管理有待加强",
     "执法人员中持有效执法证的比例为{value}（目标{target}），部分人员执法证过期或未取得。", "行政处罚法第四十二条"),
    ("training_hours", "执法人员人均培训学时", "enforcement.training_hours_per_officer", "min", 40, "执法人员业务能力较弱",
     "执法人员人均培训{value}学时（目标{target}学时），业务能力难以满足实际工作需要。", "本地行政执法人员培训规定"),
    ("migrant_reach", "外出务工人员普法覆盖占比", "publicity.migrant_worker_share", "min", 0.15, "普法宣传工作有待加强",
     "外出务工人员仅占普法受众的{value}（目标{target}），法治宣传大多面向老人及青少年，涉及面较为狭窄。", "“八五”普法规划"),
    ("disclosure_timeliness", "主动公开按期率", "governance.disclosure_timeliness", "min", 1.0, "政务公开时效有待提高",
     "主动公开的政府信息按期公开率为{value}（目标{target}）。", "政府信息公开条例第二十六条"),
    ("publication_timeliness", "执法决定按期公示率", "enforcement.publication_timeliness", "min", 1.0, "执法公示不够及时",
     "执法决定按期公示率为{value}（目标{target}）。", "国办发〔2018〕118号"),
    ("overdue_disputes", "超期未结矛盾纠纷", "disputes.overdue_open", "max", 0, "矛盾纠纷化解时效有待提高",
     "年末仍有{value}起矛盾纠纷超期未结（目标不超过{target}起）。", "人民调解工作若干规定"),
    ("villages_without_advisor", "未配备法律顾问的村（社区）", "legalservice.villages_without_advisor", "max", 0, "法律顾问覆盖不全",
     "尚有{value}个村（社区）未配备法律顾问（目标{target}个）。", "一村（社区）一法律顾问制度"),
    ("missed_office_hours", "法律顾问缺席坐班次数", "legalservice.office_hours_missed", "max", 0, "法律顾问坐班制度落实不够",
     "全年法律顾问缺席坐班{value}次（目标不超过{target}次）。", "每月定期坐班制度"),
]

DEADLINE_RULES = [
    ("reports.submit", "年度报告报送上级", 2, "months",
     "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十四条：每年第一季度向上级报告上一年度法治政府建设情况（本地要求3月1日前）；自报告年度12月31日起计算，期限最后一日为2月末日"),
    ("reports.publish", "年度报告向社会公开", 3, "months",
     "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十四条：每年4月1日之前通过报刊、网站等新闻媒体向社会公开；自报告年度12月31日起计算，期限最后一日为3月31日（4月1日公开即为逾期）"),
]

# By the node's kind: how the prose names the node, the Party committee that leads it, the level above and its
# committee for law-based governance
LOCALITY = {
    "district": ("区", "区委", "市委、市政府", "市委依法治市委员会"),
    "subdistrict": ("街道", "党工委", "区委、区政府", "区委依法治区委员会"),
    "township": ("镇", "党委", "区委、区政府", "区委依法治区委员会"),
}


def locality(node, year) -> dict[str, str]:
    """The words the default template needs for this node: name, short name, level, Party committee, year."""
    level, party, above, above_committee = LOCALITY.get(node.kind, (node.kind_label, "党组织", "上级党委、政府",
                                                                     "上级依法治理委员会"))
    short = node.short_name or node.name.removesuffix(node.kind_label).removesuffix("街道").removesuffix("区") or node.name
    return {"node": node.name, "short": short, "level": level, "party": party, "above": above,
            "above_committee": above_committee, "year": str(year)}


def fill(text: str, words: dict[str, str]) -> str:
    """Put the node's words into a template text; figure tokens ({{…}}) are left alone."""
    for key, word in words.items():
        text = text.replace("{" + key + "}", word)
    return text

