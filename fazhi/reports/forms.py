from django import forms

from .models import PlanItem


class ReportCreateForm(forms.Form):
    node = forms.ChoiceField(label="组织")
    year = forms.IntegerField(label="报告年度", min_value=2000, max_value=2100)

    def __init__(self, *args, nodes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [(n.pk, n.name) for n in nodes]


class SectionForm(forms.Form):
    heading = forms.CharField(label="小标题", max_length=200, required=False)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 10}), required=False,
                           help_text="插入指标：{{指标代码}}；与上年比较：{{指标代码|change}}；约数：{{指标代码|approx}}")
    cause = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                            help_text="这项不足是什么原因造成的（如设备未配备、人员不足、工作方法欠缺）；提交审核前必须填写。")
    version = forms.IntegerField(widget=forms.HiddenInput)


class SectionAddForm(forms.Form):
    part = forms.ChoiceField(label="所属部分", choices=[(1, "一、主要举措和成效"), (2, "二、第一责任人职责"),
                                                         (3, "三、不足和原因"), (4, "四、下一年度计划"),
                                                         (5, "五、其他需要报告的情况")])
    heading = forms.CharField(label="小标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    cause = forms.CharField(label="原因（第三部分“不足”必填）", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                            help_text="只用于第三部分：说明这项不足的原因。")


class PlanItemForm(forms.Form):
    heading = forms.CharField(label="所属方面", max_length=100, required=False)
    title = forms.CharField(label="任务", max_length=300)
    owner = forms.CharField(label="责任人/责任部门", max_length=100)
    due_date = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}))


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=PlanItem.Status.choices)
    note = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
