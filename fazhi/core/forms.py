from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import DeadlineRule
from .validators import CleanTextFormMixin


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "请输入用户名。"
        self.fields["password"].error_messages["required"] = "请输入密码。"


class CalendarOverrideForm(CleanTextFormMixin, forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}), error_messages={"required": "请选择日期。", "invalid": "日期格式不正确。"})
    is_working_day = forms.TypedChoiceField(label="类型", choices=[("0", "放假"), ("1", "调休上班")], coerce=lambda v: v == "1")
    name = forms.CharField(label="名称", max_length=50, help_text="如：春节、国庆节、调休上班", error_messages={"required": "请填写名称。"})


class CalendarYearForm(CleanTextFormMixin, forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100, error_messages={"required": "请填写年份。"})
    note = forms.CharField(label="说明", max_length=200, required=False, help_text="如：依据国办发明电〔2026〕X号")
    is_complete = forms.BooleanField(label="该年全部节假日和调休已录入完整", required=False,
                                     help_text="未标记完整前，跨入该年的期限均为暂定；已录入的年份再次提交并勾选即标记完整")


class DeadlineRuleForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    amount = forms.IntegerField(label="期限", min_value=1, max_value=3650)
    unit = forms.ChoiceField(label="单位", choices=DeadlineRule.Unit.choices)
    due_soon_days = forms.IntegerField(label="临期提醒（提前天数）", min_value=0, max_value=60)
    legal_basis = forms.CharField(label="依据", widget=forms.Textarea, max_length=1000)


class ChildNodeForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=())
    name = forms.CharField(label="名称", max_length=100, error_messages={"required": "请填写名称。"})
    short_name = forms.CharField(label="简称", max_length=20, required=False,
                                 help_text="街道（乡镇）填写，用于文号，如“稷下”")
    code = forms.CharField(label="编码", max_length=40, required=False)

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        from . import orgkinds

        codes = orgkinds.child_codes(parent.kind if parent else None)
        self.fields["kind"].choices = [(c, orgkinds.get(c).label) for c in codes]
        if len(codes) == 1:
            self.fields["kind"].initial = codes[0]
            self.fields["kind"].required = False
        if not any(orgkinds.get(c).is_tenant for c in codes):
            del self.fields["short_name"]
