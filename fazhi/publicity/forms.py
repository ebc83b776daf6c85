"""Forms only parse input; every rule (limits, scope, dates) is checked by the services."""
from django import forms

from fazhi.core import orgkinds

from . import selectors
from .models import Event, Leader, LeaderTraining, StaffAttendance, StaffTraining, StudySession, Target

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ERR = {"required": "此项必填。", "invalid": "格式不正确。"}


class NodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ("　" * max(obj.depth - 1, 0)) + obj.name


def node_field(user, perm, levels=None, label="所属组织"):
    queryset = selectors.nodes_for(user, perm, levels) if levels else selectors.nodes_for(user, perm)
    return NodeChoiceField(queryset=queryset, label=label, empty_label=None, error_messages=ERR)


def _int(label, help_text=""):
    return forms.IntegerField(label=label, required=False, help_text=help_text, widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                              error_messages={"invalid": "请填写整数。"})


class ResultFieldsMixin:
    """Materials, slogans, online reach and one "people reached" field per audience group (groups are data)."""

    def add_result_fields(self):
        self.fields["materials"] = _int("发放宣传资料（份）")
        self.fields["slogans"] = _int("张贴标语横幅（条/幅）")
        self.fields["online_reach"] = _int("线上覆盖（人次）", "微信群、公众号、LED屏等线上阅读/观看人次")
        self.groups = list(selectors.audience_groups())
        for g in self.groups:
            self.fields[f"reach_{g.code}"] = _int(f"受众人次：{g.name}")

    def reach(self):
        return {g.code: self.cleaned_data.get(f"reach_{g.code}") or 0 for g in self.groups}

    def results(self):
        return {"materials": self.cleaned_data.get("materials") or 0, "slogans": self.cleaned_data.get("slogans") or 0,
                "online_reach": self.cleaned_data.get("online_reach") or 0, "reach": self.reach()}

    def reach_fields(self):
        return [self[f"reach_{g.code}"] for g in self.groups]


class EventForm(ResultFieldsMixin, forms.Form):
    title = forms.CharField(label="活动名称", max_length=100, error_messages=ERR)
    date = forms.DateField(label="活动日期", widget=DATE, error_messages=ERR,
                           help_text="日期在今天之后的，保存为活动计划，开展后再登记受众人次")
    place = forms.CharField(label="地点", max_length=100, error_messages=ERR)
    target = forms.ChoiceField(label="“法律六进”对象", choices=Target.choices, error_messages=ERR)
    organiser_unit = forms.ModelChoiceField(label="组织单位", queryset=None, required=False, empty_label="（其他，请在下方填写）")
    organiser_text = forms.CharField(label="组织单位（其他）", max_length=100, required=False, help_text="如：刘家村村委会、区司法局")
    key_date = forms.ModelChoiceField(label="宣传节点", queryset=None, required=False, empty_label="（不结合节点）")
    campaign = forms.ModelChoiceField(label="专项活动", queryset=None, required=False, empty_label="（无）")
    content = forms.CharField(label="活动内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)

    def __init__(self, *args, user, with_photo=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"node": node_field(user, "publicity.record_event"), **self.fields}
        home = self.fields["node"].queryset.first()
        self.fields["organiser_unit"].queryset = selectors.units_for_node(home)
        self.fields["key_date"].queryset = selectors.key_dates()
        self.fields["campaign"].queryset = selectors.campaign_list(user=user).order_by("-start_date")
        self.add_result_fields()
        if with_photo:
            self.fields["photo"] = forms.FileField(label="活动照片", required=False, help_text="JPG/PNG 图片；更多照片可在详情页继续上传",
                                                   widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))


class EventEditForm(EventForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, with_photo=False, **kwargs)
        self.fields.pop("node")


class RecordForm(ResultFieldsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_result_fields()


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="取消原因", max_length=200, required=False)


class PhotoForm(forms.Form):
    file = forms.FileField(label="活动照片", widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
                           error_messages={"required": "请选择照片。"})


class CampaignForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, error_messages=ERR, help_text="如：2024年禁毒宣传月")
    key_date = forms.ModelChoiceField(label="宣传节点", queryset=None, required=False, empty_label="（无）")
    start_date = forms.DateField(label="开始日期", widget=DATE, error_messages=ERR)
    end_date = forms.DateField(label="结束日期", widget=DATE, error_messages=ERR)
    theme = forms.CharField(label="主题", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"node": node_field(user, "publicity.manage", (orgkinds.TENANT, orgkinds.VILLAGE)), **self.fields}
        self.fields["key_date"].queryset = selectors.key_dates()


class SiteForm(forms.Form):
    name = forms.CharField(label="阵地名称", max_length=100, error_messages=ERR)
    kind = forms.CharField(label="类型", max_length=40, error_messages=ERR, help_text="如：主题公园、法治文化广场、法治长廊、宣传栏")
    theme = forms.CharField(label="主题", max_length=100, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    investment = forms.DecimalField(label="投资（元）", required=False, error_messages={"invalid": "请填写数字。"})
    established_on = forms.DateField(label="建成日期", widget=DATE, error_messages=ERR)
    population_served = _int("辐射人口（人）")
    description = forms.CharField(label="简介", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"node": node_field(user, "publicity.manage", (orgkinds.TENANT, orgkinds.VILLAGE)), **self.fields}


class LeaderForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=30, error_messages=ERR)
    kind = forms.ChoiceField(label="类别", choices=Leader.Kind.choices)
    gender = forms.ChoiceField(label="性别", choices=[("", "—"), ("男", "男"), ("女", "女")], required=False)
    position = forms.CharField(label="身份/职务", max_length=50, required=False, help_text="如：村干部、网格员、五老乡贤")
    phone = forms.CharField(label="联系电话", max_length=20, required=False, help_text="仅工作人员可见，不在公众页面显示")
    registered_on = forms.DateField(label="登记日期", widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"node": node_field(user, "publicity.manage", (orgkinds.VILLAGE,), label="所属村（社区）"), **self.fields}


class LeaderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.node.name}·{obj.get_kind_display()}）"


class LeaderTrainingForm(forms.Form):
    date = forms.DateField(label="培训日期", widget=DATE, error_messages=ERR)
    topic = forms.CharField(label="培训主题", max_length=100, error_messages=ERR)
    mode = forms.ChoiceField(label="方式", choices=LeaderTraining.Mode.choices)
    trainer = forms.CharField(label="授课人", max_length=50, required=False)
    hours = forms.DecimalField(label="学时", required=False, error_messages={"invalid": "请填写数字。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"node": node_field(user, "publicity.manage", (orgkinds.TENANT, orgkinds.VILLAGE)), **self.fields}
        home = self.fields["node"].queryset.first()
        self.fields["attendees"] = LeaderChoiceField(
            label="参训人员", queryset=selectors.leaders_for_training(user, home),
            widget=forms.CheckboxSelectMultiple, error_messages={"required": "请选择参训人员。"})


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class StudySessionForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=StudySession.Kind.choices)
    date = forms.DateField(label="日期", widget=DATE, error_messages=ERR)
    topic = forms.CharField(label="主题", max_length=100, error_messages=ERR)
    speaker = forms.CharField(label="主讲人", max_length=50, error_messages=ERR)
    place = forms.CharField(label="地点", max_length=100, required=False)
    attendee_names = forms.CharField(label="其他参加人员", max_length=500, required=False, help_text="不在平台上的人员，用顿号分隔")
    summary = forms.CharField(label="内容摘要", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"node": node_field(user, "publicity.manage_study", (orgkinds.TENANT,)), **self.fields}
        home = self.fields["node"].queryset.first()
        self.fields["attendees"] = UserChoiceField(label="参加人员（平台用户）", required=False, widget=forms.CheckboxSelectMultiple,
                                                   queryset=selectors.staff_for_node(user, home))


class StaffTrainingForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=StaffTraining.Kind.choices)
    date = forms.DateField(label="日期", widget=DATE, error_messages=ERR)
    title = forms.CharField(label="名称", max_length=100, error_messages=ERR)
    organiser = forms.CharField(label="组织单位", max_length=100, required=False)
    hours = forms.DecimalField(label="每人学时", required=False, error_messages={"invalid": "请填写数字。"},
                               help_text="考试可填0；各人学时不同时可分次登记或通过台账/接口导入")
    result = forms.ChoiceField(label="考试结果", choices=StaffAttendance.Result.choices, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"node": node_field(user, "publicity.manage_staff_training", (orgkinds.TENANT,)), **self.fields}
        home = self.fields["node"].queryset.first()
        self.fields["attendees"] = UserChoiceField(label="参训人员", widget=forms.CheckboxSelectMultiple,
                                                   queryset=selectors.staff_for_node(user, home),
                                                   error_messages={"required": "请选择参训人员。"})


EVENT_STATUS_CHOICES = [("", "全部")] + list(Event.Status.choices)


class KeyDateForm(forms.Form):
    code = forms.CharField(label="代码", max_length=40, help_text="英文字母、数字和下划线，如 anti_fraud_day", error_messages=ERR)
    name = forms.CharField(label="名称", max_length=60, error_messages=ERR, help_text="如：4.15全民国家安全教育日")
    theme = forms.CharField(label="宣传主题", max_length=200, error_messages=ERR)
    calendar = forms.ChoiceField(label="历法", choices=[("solar", "公历（每年同一天）"), ("lunar", "农历（按年录入公历日期）")])
    month = forms.IntegerField(label="月", required=False, min_value=1, max_value=12, error_messages={"invalid": "请填写整数。"})
    day = forms.IntegerField(label="日", required=False, min_value=1, max_value=31, error_messages={"invalid": "请填写整数。"})
    duration_days = forms.IntegerField(label="持续天数", required=False, initial=1, help_text="宣传月填30", error_messages={"invalid": "请填写整数。"})
    suggested_target = forms.ChoiceField(label="建议“六进”对象", choices=[("", "—")] + list(Target.choices), required=False)
    basis = forms.CharField(label="来源/依据", max_length=200, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class LunarDateForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100, error_messages=ERR)
    date = forms.DateField(label="公历日期", widget=DATE, error_messages=ERR)


class SiteEditForm(SiteForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("node")


class LeaderEditForm(LeaderForm):
    is_active = forms.BooleanField(label="在册", required=False, help_text="取消勾选即移出名册，培训记录保留")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("node")
        self.fields.pop("registered_on")
