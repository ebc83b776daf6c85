"""Forms only parse and show fields; every rule is checked again in services (one place)."""
import re

from django import forms

from fazhi.core import orgkinds
from fazhi.core.personal import mask
from fazhi.core.validators import id_number_error, normalize_id_number, normalize_phone, phone_error, text_error

from . import selectors
from .models import Dispute, FollowUp, Mediator, Party, RiskWord

MAXLEN = {"maxlength": 5000}


def _village_choices(qs):
    return [("", "请选择")] + [(v.pk, v.name) for v in qs]


class _ReportStep(forms.Form):
    """One short step of a resident's dispute report (GOV.UK "one thing per page"). Each step checks its fields
    with the validators the service applies again on submit, so an error shows on the step where it was made."""

    heading = ""  # the step's heading
    slug = ""

    def _text(self, name, label, max_length, required=True):
        value = self.cleaned_data.get(name) or ""
        error = text_error(value, label=label, max_length=max_length, required=required)
        if error:
            raise forms.ValidationError(error)
        return value

    def summary(self):
        """(field name, label, shown value) rows for the check-answers page; personal numbers masked."""
        rows = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if name in self.personal:
                shown = mask(value, self.personal[name]) if value else ""
            elif isinstance(field, forms.ChoiceField):
                shown = dict((str(k), v) for k, v in field.choices).get(str(value if value is not None else ""), "")
            else:
                shown = value or ""
            rows.append((name, _answer_label(field.label), shown or "未填写"))
        return rows

    personal: dict = {}


def _answer_label(label):
    return re.sub(r"（选填）$", "", str(label))


class ReportYouStep(_ReportStep):
    slug, heading = "you", "你的信息"
    personal = {"phone": "phone", "id_number": "id"}

    name = forms.CharField(label="您的姓名", max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label="手机号码", max_length=20, help_text="用于查询进度和工作人员联系您，不会公开。",
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}))
    id_number = forms.CharField(label="身份证号（选填）", max_length=18, required=False,
                                help_text="18位，最后一位可能是X。加密保存，不会公开。")

    def clean_name(self):
        return self._text("name", "姓名", 50)

    def clean_phone(self):
        error = phone_error(self.cleaned_data.get("phone"))
        if error:
            raise forms.ValidationError(error)
        return normalize_phone(self.cleaned_data["phone"])

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        if value and id_number_error(value):
            raise forms.ValidationError(id_number_error(value))
        return value


class ReportOtherStep(_ReportStep):
    slug, heading = "other", "对方信息"
    personal = {"other_phone": "phone"}

    other_name = forms.CharField(label="对方姓名或单位名称", max_length=100)
    other_phone = forms.CharField(label="对方电话（选填）", max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "tel", "type": "tel"}),
                                  help_text="知道就填，方便工作人员联系对方，不会公开。")

    def clean_other_name(self):
        return self._text("other_name", "对方姓名或单位名称", 100)

    def clean_other_phone(self):
        value = normalize_phone(self.cleaned_data.get("other_phone"))
        if value and phone_error(value):
            raise forms.ValidationError(phone_error(value))
        return value


class ReportMatterStep(_ReportStep):
    slug, heading = "matter", "纠纷情况"

    village = forms.TypedChoiceField(label="纠纷发生在哪个村（社区）", coerce=int)
    kind = forms.TypedChoiceField(label="纠纷类型", coerce=int)
    title = forms.CharField(label="一句话说明事由", max_length=100, help_text="如：邻居排水沟堵塞引发争执")
    description = forms.CharField(label="事情经过", widget=forms.Textarea(attrs={"rows": 6, **MAXLEN}),
                                  help_text="请写明时间、地点、经过和您的诉求（5000字以内）。")
    place = forms.CharField(label="具体地点（选填）", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        villages = selectors.villages_public()
        self.fields["village"].choices = [("", "请选择")] + [(v.pk, f"{v.parent.name} {v.name}") for v in villages]
        self.fields["kind"].choices = [("", "请选择")] + [(k.pk, k.name) for k in selectors.kinds()]

    def clean_title(self):
        return self._text("title", "事由", 100)

    def clean_description(self):
        from .services import DESCRIPTION_MAX

        return self._text("description", "事情经过", DESCRIPTION_MAX)

    def clean_place(self):
        return self._text("place", "具体地点", 200, required=False)


class RoomRadios(forms.RadioSelect):
    """Radios whose error-summary link reaches the first radio (Django gives the group no id)."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


class ReportRoomStep(_ReportStep):
    slug, heading = "room", "选择调解室"

    room = forms.TypedChoiceField(label="想找的调解室", coerce=int, required=False, empty_value=None,
                                  widget=RoomRadios, help_text="不选则由矛调中心为您安排。")

    def __init__(self, *args, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        rooms = list(selectors.rooms_public())
        if village is not None:  # only the rooms of the village's subdistrict may take the case (the service agrees)
            rooms = [r for r in rooms if village.path.startswith(r.node.path)]
        self.rooms = {r.pk: r for r in rooms}
        self.fields["room"].choices = [("", "由矛调中心安排")] + [(r.pk, f"{r.name}（{r.host_name}）") for r in rooms]

    def clean_room(self):
        room = self.cleaned_data.get("room")
        if room is not None and room not in self.rooms:
            raise forms.ValidationError("这个调解室不在纠纷发生地所在街道，请另选或由中心安排。")
        return room


REPORT_STEPS = (ReportYouStep, ReportOtherStep, ReportMatterStep, ReportRoomStep)


class ChildSelect(forms.Select):
    """A select whose options belong to a parent chosen in another select (a grid to its village): each option
    carries ``data-parent``; app.js shows only the chosen parent's options (``data-follows`` = the parent's id)."""

    def __init__(self, *, parents: dict, follows: str, attrs=None):
        super().__init__(attrs={**(attrs or {}), "data-follows": follows})
        self.parents = parents

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        parent = self.parents.get(getattr(value, "value", value))
        if parent is not None:
            option["attrs"]["data-parent"] = str(parent)
        return option


class IntakeForm(forms.Form):
    """A clerk's walk-in registration, a grid worker's patrol report or a referral. The complaint text comes first:
    "识别并预填" reads it and fills the fields below."""

    field_order = ["channel", "description", "title", "village", "grid", "kind", "level"]

    channel = forms.ChoiceField(label="来源渠道", choices=[c for c in Dispute.Channel.choices if c[0] != "online"])
    referral_source = forms.ChoiceField(label="移送单位", choices=Dispute.ReferralSource.choices, required=False)
    referral_note = forms.CharField(label="移送说明（文号等）", max_length=200, required=False)
    village = forms.TypedChoiceField(label="村（社区）", coerce=int)
    grid = forms.TypedChoiceField(label="网格", coerce=int, required=False, empty_value=None)
    level = forms.ChoiceField(label="办理层级", choices=[("", "按渠道默认")] + list(Dispute.Level.choices), required=False,
                              help_text="网格排查默认在网格办理，其他渠道默认在街道矛调中心。")
    kind = forms.TypedChoiceField(label="纠纷类型", coerce=int)
    mediation_type = forms.ChoiceField(label="调解类型", choices=Dispute.MediationType.choices)
    title = forms.CharField(label="事由", max_length=100)
    description = forms.CharField(label="纠纷简要情况", widget=forms.Textarea(attrs={"rows": 6, **MAXLEN}))
    place = forms.CharField(label="发生地点", max_length=200, required=False)
    occurred_on = forms.CharField(label="纠纷发生日期", required=False, max_length=10,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.CharField(label="涉及金额（元）", required=False, max_length=20)
    contact_phone = forms.CharField(label="联系电话（用于群众查询进度）", max_length=20)
    applicant_kind = forms.ChoiceField(label="申请人类别", choices=Party.Kind.choices)
    applicant_name = forms.CharField(label="申请人姓名/名称", max_length=100)
    applicant_id_number = forms.CharField(label="申请人身份证号/信用代码", max_length=18, required=False)
    applicant_phone = forms.CharField(label="申请人电话", max_length=20, required=False)
    applicant_address = forms.CharField(label="申请人住址", max_length=200, required=False)
    respondent_kind = forms.ChoiceField(label="被申请人类别", choices=Party.Kind.choices)
    respondent_name = forms.CharField(label="被申请人姓名/名称", max_length=100, required=False)
    respondent_id_number = forms.CharField(label="被申请人身份证号/信用代码", max_length=18, required=False)
    respondent_phone = forms.CharField(label="被申请人电话", max_length=20, required=False)
    respondent_address = forms.CharField(label="被申请人住址", max_length=200, required=False)
    more_parties = forms.CharField(
        label="其他当事人（多位申请人或被申请人）", required=False, max_length=6000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "申请人，王五，370305199001011234，13900001111，刘家村3组"}),
        help_text="每行一位：身份（申请人/被申请人），姓名或名称，身份证号或信用代码（选填），电话（选填），住址（选填），"
                  "用逗号分隔。群体性纠纷请逐一登记，最多30位。")
    requested_room = forms.TypedChoiceField(label="群众点单调解室", coerce=int, required=False, empty_value=None)
    related_action = forms.ChoiceField(label="发现相关在办案件时", required=False, choices=[
        ("", "单独登记"), ("link", "登记并关联到相关案件"), ("merge", "登记后并入相关案件（并单）")])
    related_target = forms.CharField(label="相关案件查询码", max_length=16, required=False)
    prefilled = forms.CharField(required=False, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(label="我已逐项核对自动识别、预填的内容", required=False)

    def clean(self):
        c = super().clean()
        if c.get("prefilled") and not c.get("confirmed"):
            self.add_error("confirmed", "表单中有自动识别预填的内容，请逐项核对后勾选确认。")
        if c.get("related_action") and not c.get("related_target"):
            self.add_error("related_target", "请填写要关联或并入的案件查询码。")
        return c

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = _village_choices(selectors.villages_for(user, "disputes.intake")
                                                          or selectors.villages_for(user))
        if not self.fields["village"].choices[1:]:
            grids = selectors.grids_for(user, "disputes.intake")
            self.fields["village"].choices = [("", "请选择")] + sorted({(g.parent_id, g.parent.name) for g in grids})
        grids = list(selectors.grids_for(user, "disputes.view"))
        groups: dict = {}
        for g in grids:  # grouped by village (readable without JavaScript); app.js hides the other villages' grids
            groups.setdefault(g.parent.name, []).append((g.pk, g.name))
        self.fields["grid"].choices = [("", "—")] + list(groups.items())
        self.fields["grid"].widget = ChildSelect(parents={g.pk: g.parent_id for g in grids}, follows="id_village")
        self.fields["grid"].widget.choices = self.fields["grid"].choices
        self.fields["kind"].choices = [("", "请选择")] + [(k.pk, k.name) for k in selectors.kinds()]
        self.fields["requested_room"].choices = [("", "—")] + [(r["pk"], r["name"]) for r in selectors.room_choices(user)]

    def clean_more_parties(self):
        return parse_party_lines(self.cleaned_data.get("more_parties") or "")

    def parties(self):
        c = self.cleaned_data
        out = [dict(role="applicant", kind=c["applicant_kind"], name=c["applicant_name"],
                    id_number=c["applicant_id_number"], phone=c["applicant_phone"], address=c["applicant_address"])]
        if c.get("respondent_name"):
            out.append(dict(role="respondent", kind=c["respondent_kind"], name=c["respondent_name"],
                            id_number=c["respondent_id_number"], phone=c["respondent_phone"],
                            address=c["respondent_address"]))
        return out + list(c.get("more_parties") or [])


ROLE_WORDS = {"申请人": "applicant", "被申请人": "respondent"}
_ID_LIKE = re.compile(r"^[0-9A-Za-z]{18}$")
_PHONE_LIKE = re.compile(r"^[0-9][0-9-]{6,13}$")


def parse_party_lines(text):
    """'申请人，王五，3703…，139…，住址' per line → party dicts (values are checked by the service)."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        tokens = [t.strip() for t in re.split(r"[，,、\t]+", line) if t.strip()]
        if not tokens:
            continue
        if tokens[0] not in ROLE_WORDS or len(tokens) < 2:
            raise forms.ValidationError(f"第{number}行应以“申请人”或“被申请人”开头，后接姓名，用逗号分隔。")
        party = {"role": ROLE_WORDS[tokens[0]], "name": tokens[1], "kind": "person", "id_number": "", "phone": "",
                 "address": ""}
        rest = []
        for token in tokens[2:]:
            if not party["id_number"] and _ID_LIKE.match(token) and any(ch.isdigit() for ch in token):
                party["id_number"] = token
                if not token[:17].isdigit():
                    party["kind"] = "organisation"
            elif not party["phone"] and _PHONE_LIKE.match(token):
                party["phone"] = token
            else:
                rest.append(token)
        party["address"] = "，".join(rest)
        out.append(party)
    if len(out) > 28:
        raise forms.ValidationError("当事人不能超过30位，群体性纠纷请登记代表人。")
    return out


class AdvisorForm(forms.Form):
    advisor = forms.IntegerField(label="法律顾问", min_value=1)


class PartyForm(forms.Form):
    role = forms.ChoiceField(label="身份", choices=Party.Role.choices)
    kind = forms.ChoiceField(label="类别", choices=Party.Kind.choices)
    name = forms.CharField(label="姓名/名称", max_length=100)
    id_number = forms.CharField(label="身份证号/信用代码", max_length=18, required=False)
    phone = forms.CharField(label="电话", max_length=20, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=16, help_text="登记成功时显示的查询码，如 MT7K3P9Q2A")
    phone = forms.CharField(label="登记时留的手机号码", max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class RoomForm(forms.Form):
    node = forms.TypedChoiceField(label="所属街道", coerce=int)
    name = forms.CharField(label="调解室名称", max_length=50)
    host_name = forms.CharField(label="负责人", max_length=50)
    specialities = forms.TypedMultipleChoiceField(label="擅长领域", coerce=int, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    opening_hours = forms.CharField(label="开放时间", max_length=100, required=False)
    location = forms.CharField(label="地点", max_length=100, required=False)
    introduction = forms.CharField(label="简介", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False)
    photo = forms.FileField(label="照片", required=False, help_text="JPG/PNG 图片。")
    is_active = forms.BooleanField(label="开放", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [(n.pk, n.name) for n in selectors.manage_nodes(user, orgkinds.TENANT)]
        self.fields["specialities"].choices = [(k.pk, k.name) for k in selectors.kinds()]


class MediatorForm(forms.Form):
    node = forms.TypedChoiceField(label="所属组织", coerce=int)
    name = forms.CharField(label="姓名", max_length=50)
    kind = forms.ChoiceField(label="类别", choices=Mediator.Kind.choices)
    organisation = forms.CharField(label="工作单位/职务", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    specialities = forms.TypedMultipleChoiceField(label="擅长领域", coerce=int, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    committee = forms.TypedChoiceField(label="行政调解委员会", coerce=int, required=False, empty_value=None)
    committee_position = forms.CharField(label="委员会职务", max_length=30, required=False, help_text="主任、副主任、委员")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [(n.pk, n.full_name) for n in selectors.manage_nodes(
            user, orgkinds.TENANT, orgkinds.VILLAGE)]
        self.fields["specialities"].choices = [(k.pk, k.name) for k in selectors.kinds()]
        self.fields["committee"].choices = [("", "不在委员会")] + [(u.pk, f"{u.node.name}{u.name}") for u in
                                                                selectors.committees_for(user).select_related("node")]


class RiskWordForm(forms.Form):
    word = forms.CharField(label="风险词", max_length=30)
    category = forms.ChoiceField(label="类别", choices=RiskWord.Category.choices)


SATISFACTION = FollowUp.Satisfaction.choices
