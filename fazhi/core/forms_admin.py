"""Forms of the administration pages (units, accounts, role grants, node settings). They only shape input; the
services in ``fazhi.core.services`` clean and check it."""
from django import forms

from .models import Unit
from .roles import Role


class NodeEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=20, required=False, help_text="用于文号，如“稷下”")
    code = forms.CharField(label="编码", max_length=40, required=False)


class UnitForm(forms.Form):
    node = forms.ModelChoiceField(label="所属街道（乡镇）", queryset=None, empty_label="请选择")
    kind = forms.ChoiceField(label="类型", choices=Unit.Kind.choices)
    name = forms.CharField(label="机构名称", max_length=100)
    description = forms.CharField(label="职能说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, tenants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = tenants


class GrantForm(forms.Form):
    node = forms.ModelChoiceField(label="任职组织", queryset=None, empty_label="请选择")
    role = forms.ChoiceField(label="岗位角色", choices=Role.choices)
    unit = forms.ModelChoiceField(label="所在机构", queryset=None, required=False, empty_label="（无）")

    def __init__(self, *args, nodes, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes
        self.fields["unit"].queryset = units


class AccountForm(GrantForm):
    field_order = ["username", "full_name", "phone", "password", "node", "role", "unit"]
    username = forms.CharField(label="用户名", max_length=150, help_text="字母、数字和 _ . @ + -")
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput(render_value=False),
                               help_text="至少10位，包含字母和数字，不能与用户名相近；首次登录后请本人修改")
