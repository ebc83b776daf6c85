"""Forms parse and offer choices (already scoped); every rule is checked again by the services."""
from django import forms

from . import selectors
from .models import ORDINAL_LABELS, WEEKDAY_LABELS, Advisor, DemonstrationVillage, ServiceRecord

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
REQ = {"required": "此项必填。", "invalid": "格式不正确。", "invalid_choice": "请从列表中选择。"}


class NodeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ScopedForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            field.error_messages["required"] = REQ["required"]


class AdvisorForm(ScopedForm):
    kind = forms.ChoiceField(label="类型", choices=Advisor.Kind.choices)
    name = forms.CharField(label="姓名", max_length=50)
    law_firm = forms.CharField(label="律师事务所", max_length=100)
    licence_number = forms.CharField(label="执业证号", max_length=40)
    phone = forms.CharField(label="手机号（仅工作人员可见）", max_length=20, required=False)
    public_phone = forms.CharField(label="公开联系电话", max_length=20, required=False,
                                   help_text="顾问同意公开的办公电话，会显示在村居公开页和上墙海报上。不要填写个人手机号。")
    villages = forms.ModelMultipleChoiceField(label="服务村（社区）", queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    node = NodeChoice(label="所属街道（专职顾问）", queryset=None, required=False)
    how_to_ask = forms.CharField(label="咨询方式说明", max_length=300, required=False,
                                 help_text="如：工作日可到村公共法律服务站，或在本网站“在线咨询”留言。")
    appointed_on = forms.DateField(label="聘任日期", widget=DATE, required=False)
    is_active = forms.BooleanField(label="在岗", required=False, initial=True)
    photo = forms.FileField(label="照片", required=False, help_text="仅限图片，公开页面会显示。")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = selectors.villages_for(self.user, "legalservice.manage")
        self.fields["villages"].label_from_instance = lambda o: o.name
        self.fields["node"].queryset = selectors.tenants_for(self.user, "legalservice.manage")


class OfficeHourForm(ScopedForm):
    """One office hour (a slot) — and, through ``OfficeHourRuleForm``, the monthly rule that makes them."""

    node_perm = "legalservice.record_office_hour"
    node = NodeChoice(label="村（社区）", queryset=None)
    advisor = forms.ModelChoiceField(label="坐班顾问", queryset=None)
    date = forms.DateField(label="日期", widget=DATE)
    start_time = forms.TimeField(label="开始时间", widget=TIME)
    end_time = forms.TimeField(label="结束时间", widget=TIME)
    place = forms.CharField(label="地点", max_length=100)
    capacity = forms.IntegerField(label="可预约人数", initial=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = selectors.villages_for(self.user, self.node_perm)
        self.fields["advisor"].queryset = selectors.advisors_for(self.user, "legalservice.view")


class OfficeHourRuleForm(OfficeHourForm):
    node_perm = "legalservice.manage"
    date = None
    week_of_month = forms.TypedChoiceField(label="每月第几个", choices=sorted(ORDINAL_LABELS.items()), coerce=int)
    weekday = forms.TypedChoiceField(label="星期", choices=list(enumerate(WEEKDAY_LABELS)), coerce=int)
    place = forms.CharField(label="地点", max_length=100, help_text="如：本村公共法律服务站")
    capacity = forms.IntegerField(label="每次可预约人数", initial=6)
    generate_from = forms.DateField(label="从哪天开始生成", widget=DATE, required=False)
    months = forms.IntegerField(label="生成月数", initial=12)
    field_order = ["node", "advisor", "week_of_month", "weekday", "start_time", "end_time", "place", "capacity",
                   "generate_from", "months"]


class ServiceRecordForm(ScopedForm):
    node = NodeChoice(label="村（社区）", queryset=None)
    advisor = forms.ModelChoiceField(label="法律顾问", queryset=None)
    kind = forms.ChoiceField(label="服务类型", choices=ServiceRecord.Kind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    title = forms.CharField(label="事项", max_length=200, help_text="如：民法典婚姻家庭编专题讲座")
    people_served = forms.CharField(label="服务人数", initial=0, help_text="本次服务的群众人数（人次）。")
    hours = forms.CharField(label="用时（小时）", initial=0, required=False)
    notes = forms.CharField(label="情况说明", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    photos = forms.FileField(label="照片", required=False, help_text="可稍后在详情页继续上传。仅限图片。")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = selectors.service_nodes_for(self.user, "legalservice.record_service")
        self.fields["advisor"].queryset = selectors.advisors_for(self.user, "legalservice.view")
        self.fields["dispute"] = forms.ModelChoiceField(
            label="关联纠纷案件（参与调解时）", queryset=selectors.disputes_for(self.user), required=False,
            help_text="仅“参与调解”可关联；列出管辖范围内最近的案件。")


class StationForm(ScopedForm):
    node = NodeChoice(label="村（社区）", queryset=None)
    name = forms.CharField(label="名称", max_length=100)
    address = forms.CharField(label="地址", max_length=200)
    opening_hours = forms.CharField(label="开放时间", max_length=100, required=False)
    opened_on = forms.DateField(label="建成日期", widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = selectors.villages_for(self.user, "legalservice.manage")


class DemonstrationVillageForm(ScopedForm):
    node = NodeChoice(label="村（社区）", queryset=None)
    level = forms.ChoiceField(label="级别", choices=DemonstrationVillage.Level.choices)
    year = forms.IntegerField(label="命名年份")
    title = forms.CharField(label="称号", max_length=100, initial="民主法治示范村（社区）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = selectors.villages_for(self.user, "legalservice.manage")


# ---- public site -----------------------------------------------------------------------------------------------

class BookingForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名。", "max_length": "姓名不能超过50个字。"})
    phone = forms.CharField(label="手机号", max_length=20, error_messages={"required": "请填写手机号。", "max_length": "电话号码格式不正确。"},
                            help_text="仅用于顾问联系您，不会公开。")
    topic = forms.CharField(label="想咨询的事项", widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": "请简要写明想咨询的事项。"})


class AskForm(forms.Form):
    village = NodeChoice(label="您所在的村（社区）", queryset=None, empty_label="请选择",
                         error_messages={"required": "请选择您所在的村（社区）。", "invalid_choice": "请选择您所在的村（社区）。"})
    asker_name = forms.CharField(label="姓名", error_messages={"required": "请填写姓名。"})
    phone = forms.CharField(label="手机号", error_messages={"required": "请填写手机号。"}, help_text="查看答复时需要输入，不会公开。")
    is_anonymous = forms.BooleanField(label="对外匿名（工作人员仍可见您的姓名）", required=False)
    title = forms.CharField(label="标题", error_messages={"required": "请填写标题。"})
    question = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 6}), error_messages={"required": "请描述您的问题。"},
                               help_text="不超过2000字。请勿填写身份证号等个人信息。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.public_villages()


class LookupForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=16, error_messages={"required": "请填写查询码。", "max_length": "查询码不正确。"})
    phone = forms.CharField(label="提问时填写的手机号", max_length=20, error_messages={"required": "请填写手机号。", "max_length": "手机号不正确。"})
