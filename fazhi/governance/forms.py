"""Forms: parse input only. Every rule is checked by the services (so the API and the UI cannot disagree)."""
from django import forms

from .models import AgendaItem, DisclosureRemedy, DisclosureRequest, PublicComment

DATE = forms.DateInput(attrs={"type": "date"})


class ItemForm(forms.Form):
    category = forms.ChoiceField(label="目录类别")
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 8}), required=False)
    formed_on = forms.DateField(label="信息形成（变更）日期", widget=DATE,
                                help_text="应自形成或变更之日起20个工作日内公开（《政府信息公开条例》第二十六条）。")
    attachment = forms.FileField(label="附件（PDF、图片、Word/Excel）", required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.name) for c in categories]


class ItemEditForm(ItemForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attachment = None


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    late_reason = forms.CharField(label="逾期公开理由（超过20个工作日时必填）", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))


class UploadForm(forms.Form):
    file = forms.FileField(label="附件")


class RequestForm(forms.Form):
    node = forms.ChoiceField(label="向哪个机关申请")
    applicant_type = forms.ChoiceField(label="申请人类型", choices=DisclosureRequest.ApplicantType.choices)
    organisation_kind = forms.ChoiceField(label="组织类别（法人或其他组织填写）", required=False,
                                          choices=[("", "—")] + list(DisclosureRequest.OrganisationKind.choices))
    applicant_name = forms.CharField(label="姓名或单位名称", max_length=100)
    phone = forms.CharField(label="联系电话", max_length=20, required=False,
                            help_text="必填：用于通知补正、送达答复，并与查询码一起查询办理进度。不会在网站上公开。")
    email = forms.CharField(label="电子邮箱", max_length=100, required=False)
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    content = forms.CharField(label="所需政府信息的名称、文号或描述", widget=forms.Textarea(attrs={"rows": 5}))
    purpose = forms.CharField(label="用途（选填）", max_length=200, required=False)

    def __init__(self, *args, nodes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [(n.pk, n.name) for n in nodes]


class StatisticsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    organisation_kind = forms.ChoiceField(label="法人或其他组织类别", required=False,
                                          choices=[("", "—")] + list(DisclosureRequest.OrganisationKind.choices))
    table_reason = forms.ChoiceField(label="办理结果统计口径（年报表三）", required=False,
                                     choices=[("", "—")] + list(DisclosureRequest.TableReason.choices))
    fee_amount = forms.DecimalField(label="收取信息处理费（元）", required=False, min_value=0, decimal_places=2,
                                    help_text="《政府信息公开条例》第四十二条：一般不收费；明显超过合理范围的，可收取信息处理费。")


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=DisclosureRemedy.Kind.choices)
    filed_on = forms.DateField(label="申请复议/起诉日期", widget=DATE)
    body = forms.CharField(label="复议机关/人民法院", max_length=100, required=False)
    result = forms.ChoiceField(label="结果", choices=DisclosureRemedy.Result.choices, initial="pending")
    decided_on = forms.DateField(label="审结日期", widget=DATE, required=False)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RemedyUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    result = forms.ChoiceField(label="结果", choices=DisclosureRemedy.Result.choices)
    decided_on = forms.DateField(label="审结日期", widget=DATE, required=False)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AnnualReportEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    overview = forms.CharField(label="一、总体情况", widget=forms.Textarea(attrs={"rows": 6}), required=False,
                               help_text="综述主动公开、依申请公开、政府信息管理、平台建设、监督保障等情况。")
    problems = forms.CharField(label="五、存在的主要问题及改进情况", widget=forms.Textarea(attrs={"rows": 5}),
                               required=False)
    other_matters = forms.CharField(label="六、其他需要报告的事项（收费情况由记录生成，此处填写其他事项）",
                                    widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AnnualReportForm(AnnualReportEditForm):
    year = forms.IntegerField(label="年度", min_value=2008, max_value=2100)
    version = None


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=20)
    phone = forms.CharField(label="申请时填写的联系电话", max_length=20)


class CommentForm(forms.Form):
    body = forms.CharField(label="您的意见", widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="不超过2000字；为防止垃圾信息，不能包含网址链接。意见经审核后公开展示。")
    author_name = forms.CharField(label="署名（选填）", max_length=50, required=False)
    contact = forms.CharField(label="联系方式（选填，不公开）", max_length=100, required=False)


class ModerateForm(forms.Form):
    status = forms.ChoiceField(label="审核结果", choices=[(PublicComment.Status.APPROVED, "展示"), (PublicComment.Status.REJECTED, "不予展示")])
    reply = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label="文件名称", max_length=200)
    drafting_unit = forms.CharField(label="起草单位", max_length=100, required=False)
    body = forms.CharField(label="文件内容（草案）", widget=forms.Textarea(attrs={"rows": 12}))


class DecisionForm(forms.Form):
    year = forms.IntegerField(label="目录年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="决策事项", max_length=200)
    sponsor_unit = forms.CharField(label="承办单位", max_length=100, required=False)
    description = forms.CharField(label="事项说明", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    hearing_required = forms.BooleanField(label="需要举行听证（涉及群众切身利益、存在较大分歧）", required=False)


class StepForm(forms.Form):
    evidence = forms.CharField(label="过程材料说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    done_on = forms.DateField(label="完成日期", widget=DATE, required=False)
    reason = forms.CharField(label="不适用理由（仅“不适用”时填写）", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    file = forms.FileField(label="附件", required=False)


class HearingForm(forms.Form):
    notice_on = forms.DateField(label="听证公告日期", widget=DATE)
    notice_text = forms.CharField(label="听证公告", widget=forms.Textarea(attrs={"rows": 3}))
    held_on = forms.DateField(label="听证日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=100)
    participants = forms.CharField(label="听证参加人", widget=forms.Textarea(attrs={"rows": 3}))
    record = forms.CharField(label="听证笔录摘要", widget=forms.Textarea(attrs={"rows": 4}))


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=120, help_text="如“2023年第5次党工委会议”")
    held_on = forms.DateField(label="会议日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=100, required=False)
    agenda = forms.CharField(label="议题（每行一个）", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class AttendeeForm(forms.Form):
    user = forms.ChoiceField(label="党工委成员（有表决权）", required=False)
    name = forms.CharField(label="或：列席人员姓名", max_length=50, required=False)
    village = forms.ChoiceField(label="列席人员所在村（社区）", required=False)
    role_label = forms.CharField(label="身份", max_length=50, required=False, initial="村党支部书记")

    def __init__(self, *args, users=(), villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—")] + [(u.pk, u.display_name) for u in users]
        self.fields["village"].choices = [("", "—")] + [(v.pk, v.name) for v in villages]


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="议题", max_length=200)


class AgendaDecideForm(forms.Form):
    outcome = forms.ChoiceField(label="集体决定", choices=[c for c in AgendaItem.Outcome.choices if c[0] != "pending"])
    decision_text = forms.CharField(label="决定内容", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MinutesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 6}))


# ---- transition forms, built from the fields a Transition declares -------------------------------------------------

def _field(name, context):
    if name == "reason":
        return forms.CharField(label="理由/说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    if name == "opinion":
        return forms.CharField(label="书面审核意见（必填）", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    if name == "comment_days":
        return forms.IntegerField(label="征求意见期（工作日）", required=False, help_text="默认7个工作日，可延长。")
    if name == "agenda_item":
        return forms.ChoiceField(label="作出决定的党工委会议议题", required=False,
                                 choices=[("", "—请选择—")] + [(i.pk, f"{i.meeting.title}（{i.meeting.held_on}）议题{i.seq}：{i.title}")
                                                             for i in context.get("agenda_items", [])])
    if name == "number_seq":
        return forms.IntegerField(label="文号序号", required=False, help_text=context.get("number_help", "留空则自动取下一个序号。"))
    if name == "valid_years":
        return forms.IntegerField(label="有效期（年）", required=False, help_text="默认5年。")
    if name == "filed_on":
        return forms.DateField(label="报备日期", widget=DATE, required=False)
    if name == "filing_body":
        return forms.CharField(label="备案机关", required=False, initial=context.get("filing_body", ""),
                               help_text="上一级人民政府（默认按本街道所属的区填写）。")
    if name == "filing_receipt":
        return forms.CharField(label="备案回执号", required=False)
    if name == "corrected_on":
        return forms.DateField(label="补正完成日期", widget=DATE, required=False)
    if name == "correction_text":
        return forms.CharField(label="补正内容", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    if name == "reply_type":
        return forms.ChoiceField(label="答复类型", choices=[("", "—请选择—")] + list(DisclosureRequest.Reply.choices), required=False)
    if name == "table_reason":
        return forms.ChoiceField(label="年报统计口径（不予公开、不予处理等须选具体情形；可答复后补录）", required=False,
                                 choices=[("", "—按答复类型自动确定—")] + list(DisclosureRequest.TableReason.choices))
    if name == "reply_text":
        return forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    if name == "reply_reason":
        return forms.CharField(label="理由及法律依据（不予公开、部分公开等须填写）", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    if name == "referred_body":
        return forms.CharField(label="负责公开的机关（非本机关负责时填写）", required=False)
    if name == "consultation_party":
        return forms.CharField(label="第三方（名称）", max_length=200, required=False)
    if name == "consultation_opinion":
        return forms.CharField(label="第三方意见（逾期未提出的写明）", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    if name == "ended_on":
        return forms.DateField(label="收到意见（或期满）日期", widget=DATE, required=False)
    if name == "late_reason":
        return forms.CharField(label="逾期公开理由（超过20个工作日时必填）", widget=forms.Textarea(attrs={"rows": 2}),
                               required=False)
    if name in ("decision_text", "evidence"):
        return forms.CharField(label={"decision_text": "决策内容", "evidence": "评估报告摘要"}[name], widget=forms.Textarea(attrs={"rows": 3}), required=False)
    raise KeyError(name)


def transition_form(transition, data=None, context=None, initial=None):
    fields = {"version": forms.IntegerField(widget=forms.HiddenInput, required=False)}
    for name in transition.fields:
        fields[name] = _field(name, context or {})
    if transition.requires_reason and "reason" not in fields:
        fields["reason"] = _field("reason", {})
    if transition.requires_reason:
        fields["reason"].label = "理由（必填）"
    form_class = type("TransitionForm", (forms.Form,), fields)
    return form_class(data, prefix=transition.name, initial=initial)
