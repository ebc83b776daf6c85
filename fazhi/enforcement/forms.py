"""Forms: parse and show input only. Every rule lives in services.py."""
from django import forms

from fazhi.core import clock, orgkinds, policy

from . import selectors
from .models import (
    EVALUATION_CHECKLIST,
    EVIDENCE_STEP_KINDS,
    REVIEW_CHECKLIST,
    Case,
    LegalReview,
    Officer,
    PowerType,
    Result,
    StepKind,
)

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _msgs(label):
    return {"required": f"请填写{label}。", "invalid": f"{label}格式不正确。", "invalid_choice": f"请选择{label}。",
            "max_length": f"{label}过长。"}


class _Chinese(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            for k, v in _msgs(f.label).items():
                f.error_messages.setdefault(k, v)
                if k in ("required", "invalid", "invalid_choice"):
                    f.error_messages[k] = v


def officer_choices(subject, on=None):
    on = on or clock.today()
    out = []
    for o in selectors.officers_of(subject):
        problem = o.certificate_problem(on)
        out.append((o.pk, f"{o.name}（{o.certificate_number}）" + (f" — {problem}" if problem else "")))
    return out


class CaseForm(_Chinese):
    power = forms.ChoiceField(label="执法事项（权责清单）")
    node = forms.ChoiceField(label="发生地（村/社区）")
    title = forms.CharField(label="案由", max_length=200)
    party_kind = forms.ChoiceField(label="当事人类型", choices=Case.PartyKind.choices)
    party_name = forms.CharField(label="当事人姓名/名称", max_length=100)
    party_id_number = forms.CharField(label="身份证号/统一社会信用代码", max_length=30, required=False, help_text="不会出现在任何公开页面。")
    party_phone = forms.CharField(label="联系电话", max_length=20, required=False, help_text="不会出现在任何公开页面。")
    party_address = forms.CharField(label="住址/地址", max_length=200, required=False, help_text="公示时只显示到村（社区）。")
    facts = forms.CharField(label="案件事实", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    officers = forms.MultipleChoiceField(label="承办执法人员（不少于2名持证人员）", widget=forms.CheckboxSelectMultiple)
    involves_public_interest = forms.BooleanField(label="涉及重大公共利益", required=False)
    is_complex = forms.BooleanField(label="案情疑难复杂、涉及多个法律关系", required=False)

    def __init__(self, *args, subject, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.fields["power"].choices = [("", "请选择")] + [(p.pk, f"{p.code} {p.name}（{p.get_power_type_display()}）")
                                                          for p in selectors.powers_of(subject)]
        nodes = [n for n in policy.scoped_nodes(user, "enforcement.handle").filter(path__startswith=subject.node.path)
                 .order_by("path") if n.level in (orgkinds.TENANT, orgkinds.VILLAGE)]
        self.fields["node"].choices = [(n.pk, n.name) for n in nodes]
        self.fields["officers"].choices = officer_choices(subject)


class StepForm(_Chinese):
    kind = forms.ChoiceField(label="环节", choices=[(k, StepKind(k).label) for k in EVIDENCE_STEP_KINDS])
    occurred_at = forms.DateTimeField(label="时间", widget=DT, required=False, help_text="不填为当前时间。")
    place = forms.CharField(label="地点", max_length=200, required=False)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    documents = forms.CharField(label="文书", max_length=300, required=False, help_text="如：现场检查笔录、询问笔录")
    officers = forms.MultipleChoiceField(label="执法人员", widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].choices = officer_choices(subject)


class TransitionForm(_Chinese):
    """Fields come from the Transition declaration (workflow.py), so the form asks exactly what the step needs."""

    ALL = {
        "occurred_at": lambda: forms.DateTimeField(label="时间", widget=DT, required=False, help_text="不填为当前时间。"),
        "place": lambda: forms.CharField(label="地点", max_length=200, required=False),
        "officers": lambda: forms.MultipleChoiceField(label="执法人员（须持有效执法证）", widget=forms.CheckboxSelectMultiple, required=False),
        "content": lambda: forms.CharField(label="内容/说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=10000, required=False),
        "heavy_penalty": lambda: forms.BooleanField(label="拟作较重处罚（告知听证权）", required=False),
        "proposed_fine": lambda: forms.DecimalField(label="拟罚款金额（元）", required=False, min_value=0, max_digits=12, decimal_places=2),
        "result": lambda: forms.ChoiceField(label="处理结果", choices=[("", "请选择")] + list(Result.choices)),
        "fine_amount": lambda: forms.DecimalField(label="罚款金额（元）", required=False, min_value=0, max_digits=12, decimal_places=2),
        "decision_text": lambda: forms.CharField(label="决定内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000),
        "decision_basis": lambda: forms.CharField(label="法律依据", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False,
                                                  help_text="不填则使用权责清单所列依据。"),
        "discretion_applied": lambda: forms.CharField(label="裁量情况（适用的裁量基准）", widget=forms.Textarea(attrs={"rows": 2}), max_length=3000, required=False),
        "extra_days": lambda: forms.IntegerField(label="延长天数", min_value=1, max_value=365),
        "extension_basis": lambda: forms.CharField(
            label="延长所依据的法律、法规、规章规定", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
            help_text="行政处罚法第六十条规定九十日，本身不设延长；只有法律、法规、规章另有规定时方可延长，请写明该规定（条文名称及内容）。"),
        "statement_waived": lambda: forms.BooleanField(label="当事人明确放弃陈述、申辩（第六十二条）", required=False),
        "statement_text": lambda: forms.CharField(label="当事人陈述、申辩的事实、理由和证据", required=False,
                                                  widget=forms.Textarea(attrs={"rows": 3}), max_length=10000),
        "statement_review": lambda: forms.CharField(label="复核意见（第四十五条）", required=False,
                                                    widget=forms.Textarea(attrs={"rows": 3}), max_length=10000,
                                                    help_text="对当事人提出的事实、理由和证据逐项复核；成立的应当采纳。"),
        "hearing_at": lambda: forms.DateTimeField(label="听证时间", widget=DT,
                                                  help_text="应在通知之日起7个工作日后（第六十四条第二项、第八十五条）。"),
        "hearing_place": lambda: forms.CharField(label="听证地点", max_length=200),
        "hearing_host": lambda: forms.ChoiceField(label="听证主持人（非本案调查人员，第六十四条第四项）"),
        "attendees": lambda: forms.CharField(label="参加集体讨论的负责人", max_length=500),
    }
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, transition, case, **kwargs):
        super().__init__(*args, **kwargs)
        for name in transition.fields:
            self.fields[name] = self.ALL[name]()
            if name == "officers":
                self.fields[name].choices = officer_choices(case.subject)
            if name == "hearing_host":
                self.fields[name].choices = [("", "请选择")] + [
                    (u.pk, f"{u.display_name}（{u.username}）") for u in selectors.staff_of(case.subject)]
        if transition.requires_reason:
            self.fields["reason"] = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
        for f in self.fields.values():
            f.error_messages["required"] = f"请填写{f.label}。"


class EvidenceForm(forms.Form):
    file = forms.FileField(label="证据文件（照片、录音、录像、扫描件）", error_messages={"required": "请选择文件。", "empty": "文件是空的。"})


class CorrectionForm(_Chinese):
    content = forms.CharField(label="更正内容", widget=forms.Textarea(attrs={"rows": 2}), max_length=10000)
    reason = forms.CharField(label="更正理由", max_length=1000)


class ReviewForm(_Chinese):
    opinion = forms.ChoiceField(label="审核意见", choices=LegalReview.Opinion.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label="意见说明（退回时必填）", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    reviewed_on = forms.DateField(label="审核日期", widget=DATE, required=False,
                                  help_text="今天审核的不填；补录以往已作出的书面审核意见时填写其日期（不得晚于今天，"
                                            "不得早于本案立案、告知和提请法制审核的日期）")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in REVIEW_CHECKLIST:
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)

    def checklist(self):
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key, _ in REVIEW_CHECKLIST}


class EvaluationForm(_Chinese):
    findings = forms.CharField(label="评查意见（发现的问题与整改要求）", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, maximum in EVALUATION_CHECKLIST:
            self.fields[f"score_{key}"] = forms.IntegerField(label=f"{label}（满分{maximum}）", min_value=0, max_value=maximum)
            self.fields[f"score_{key}"].error_messages.update({"required": f"请为“{label}”打分。", "max_value": f"不能超过{maximum}分。",
                                                               "min_value": "不能为负数。", "invalid": "请填写整数。"})
        self.order_fields([f"score_{k}" for k, _, _ in EVALUATION_CHECKLIST] + ["findings"])

    def scores(self):
        return {key: self.cleaned_data.get(f"score_{key}") for key, _, _ in EVALUATION_CHECKLIST}


class OfficerForm(_Chinese):
    user = forms.ChoiceField(label="账号")
    certificate_number = forms.CharField(label="执法证号", max_length=40, required=False)
    issuing_authority = forms.CharField(label="发证机关", max_length=100, required=False)
    valid_from = forms.DateField(label="有效期起", widget=DATE, required=False)
    valid_until = forms.DateField(label="有效期至", widget=DATE, required=False)
    status = forms.ChoiceField(label="状态", choices=Officer.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, subject, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        if editing:
            del self.fields["user"]
        else:
            self.fields["user"].choices = [("", "请选择")] + [(u.pk, f"{u.display_name}（{u.username}）")
                                                             for u in selectors.officer_candidates(subject)]


class PowerForm(_Chinese):
    subject = forms.ChoiceField(label="执法主体（街道）", required=False)
    code = forms.CharField(label="事项编码", max_length=40)
    name = forms.CharField(label="事项名称", max_length=200)
    power_type = forms.ChoiceField(label="权力类型", choices=PowerType.choices)
    legal_basis = forms.CharField(label="法律依据", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    discretion = forms.CharField(label="裁量基准（每行一档）", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    is_active = forms.BooleanField(label="有效", required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, subjects=None, **kwargs):
        """``subjects``: a district-level user adding an item chooses the subdistrict's subject (else no field)."""
        super().__init__(*args, **kwargs)
        if subjects is None:
            del self.fields["subject"]
        else:
            self.fields["subject"].choices = [("", "请选择")] + [(s.pk, f"{s.node.name} {s.unit.name}") for s in subjects]


class ReviewerForm(_Chinese):
    user = forms.ChoiceField(label="账号（法制审核人员）")
    reviewing_since = forms.DateField(label="开始从事法制审核日期", widget=DATE)
    qualification_number = forms.CharField(label="法律职业资格证书编号", max_length=60, required=False,
                                           help_text="2021年7月15日以后初次从事法制审核的，必须填写（行政处罚法第五十八条第二款）。")
    qualified_on = forms.DateField(label="取得法律职业资格日期", widget=DATE, required=False)

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "请选择")] + [(u.pk, f"{u.display_name}（{u.username}）")
                                                         for u in selectors.staff_of(subject)]


class SubjectForm(_Chinese):
    legal_status = forms.CharField(label="主体资格", max_length=200)
    address = forms.CharField(label="办公地址", max_length=200, required=False)
    office_phone = forms.CharField(label="办公电话（公开）", max_length=40, required=False)
    procedures = forms.CharField(label="执法程序说明", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    remedies = forms.CharField(label="救济途径", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    complaints = forms.CharField(label="投诉举报方式", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reconsideration_body = forms.CharField(label="行政复议机关", max_length=200, required=False,
                                           help_text="决定书载明（行政处罚法第五十九条第五项），如“××区人民政府”。")
    litigation_court = forms.CharField(label="管辖人民法院", max_length=200, required=False,
                                       help_text="决定书载明（行政处罚法第五十九条第五项），如“××区人民法院”。")


class WithdrawForm(_Chinese):
    reason = forms.CharField(label="撤回理由（在公众网站公开说明，第四十八条第二款）", max_length=1000)
    revoked_on = forms.DateField(label="原决定被撤销/变更的日期", widget=DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RevokedForm(_Chinese):
    revoked_on = forms.DateField(label="原决定被撤销/变更的日期", widget=DATE)
    reason = forms.CharField(label="撤销/变更情况", max_length=1000, help_text="如：经行政复议被撤销（复议决定书文号）")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AccountabilityForm(_Chinese):
    measure = forms.CharField(label="处理方式", max_length=100, help_text="如：批评教育、暂扣执法证、诫勉谈话")
    description = forms.CharField(label="事实与理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    decided_on = forms.DateField(label="处理日期", widget=DATE, required=False)
    case = forms.CharField(label="关联案件编号（可选）", max_length=20, required=False, help_text="填写案件详情页地址中的编号")
