"""Legal-services writes: advisors."""
from django.db import transaction

from fazhi.core import audit, clock, files, policy
from fazhi.core.errors import DomainError
from fazhi.core.roles import Role
from fazhi.core.validators import clean_text
from fazhi.core.workflow import lock

from ..models import Advisor
from ._common import ADVISOR_FIELDS, _optional_phone, _village

# ---- advisors --------------------------------------------------------------------------------------------------

def _advisor_values(*, actor, kind, name, law_firm, licence_number, phone, public_phone, villages, node, user, how_to_ask,
                    appointed_on=None):
    if kind not in Advisor.Kind.values:
        raise DomainError("请选择顾问类型。", field_errors={"kind": "请选择顾问类型。"})
    values = {
        "kind": kind,
        "name": clean_text(name, field="name", label="姓名", max_length=50),
        "law_firm": clean_text(law_firm, field="law_firm", label="律师事务所", max_length=100),
        "licence_number": clean_text(licence_number, field="licence_number", label="执业证号", max_length=40),
        "phone": _optional_phone(phone, "phone"),
        "public_phone": _optional_phone(public_phone, "public_phone"),
        "how_to_ask": clean_text(how_to_ask, field="how_to_ask", label="咨询方式说明", max_length=300, required=False),
        "appointed_on": appointed_on,
    }
    if appointed_on is not None and appointed_on > clock.today():
        raise DomainError("聘任日期不能晚于今天。", field_errors={"appointed_on": "聘任日期不能晚于今天。"})
    villages = list(villages or [])
    for v in villages:
        _village(v, "villages")
        policy.require(actor, "legalservice.manage", v, view_perm="legalservice.view")
    if kind == Advisor.Kind.VILLAGE:
        if not villages:
            raise DomainError("村居法律顾问至少要服务一个村（社区）。", field_errors={"villages": "请选择服务的村（社区）。"})
        values["node"] = villages[0]
    else:
        node = node or (villages[0].parent if villages else policy.user_home_node(actor))
        if node is None or not node.is_tenant:
            raise DomainError("街道专职法律顾问应登记在街道。", field_errors={"node": "请选择街道。"})
        values["node"] = node
    policy.require(actor, "legalservice.manage", values["node"], view_perm="legalservice.view")
    if user is not None and not policy.has_role(user, Role.LEGAL_ADVISOR):
        raise DomainError("关联的平台账号没有“法律顾问”岗位。", field_errors={"user": "该账号不是法律顾问岗位。"})
    values["user"] = user
    return values, villages


@transaction.atomic
def advisor_create(*, actor, kind, name, law_firm, licence_number, phone="", public_phone="", villages=(), node=None,
                   user=None, how_to_ask="", photo=None, appointed_on=None):
    values, villages = _advisor_values(actor=actor, kind=kind, name=name, law_firm=law_firm, licence_number=licence_number,
                                       phone=phone, public_phone=public_phone, villages=villages, node=node, user=user,
                                       how_to_ask=how_to_ask, appointed_on=appointed_on)
    advisor = Advisor.objects.create(created_at=clock.now(), **values)
    advisor.villages.set(villages)
    audit.record(actor=actor, action="create", obj=advisor, changes=audit.snapshot(advisor, ADVISOR_FIELDS) | {
        "villages": [v.name for v in villages]}, action_label="登记法律顾问")
    if photo is not None:
        _store_photo(actor=actor, advisor=advisor, upload=photo)
    return advisor


def _store_photo(*, actor, advisor, upload):
    stored = files.store_upload(upload, owner=advisor, node=advisor.node, actor=actor, allowed_kinds=("image",),
                                purpose="photo", is_public=True)
    advisor.photo = stored
    advisor.save(update_fields=["photo"])
    return stored


@transaction.atomic
def advisor_update(*, actor, advisor, version, kind, name, law_firm, licence_number, phone="", public_phone="",
                   villages=(), node=None, user=None, how_to_ask="", is_active=True, photo=None, appointed_on=None):
    advisor = lock(Advisor, advisor.pk, version)
    policy.require(actor, "legalservice.manage", advisor.node, view_perm="legalservice.view")
    before = audit.snapshot(advisor, ADVISOR_FIELDS) | {"villages": sorted(v.name for v in advisor.villages.all())}
    values, villages = _advisor_values(actor=actor, kind=kind, name=name, law_firm=law_firm, licence_number=licence_number,
                                       phone=phone, public_phone=public_phone, villages=villages, node=node, user=user,
                                       how_to_ask=how_to_ask, appointed_on=appointed_on)
    for key, value in values.items():
        setattr(advisor, key, value)
    advisor.is_active = bool(is_active)
    advisor.version += 1
    advisor.save()
    advisor.villages.set(villages)
    after = audit.snapshot(advisor, ADVISOR_FIELDS) | {"villages": sorted(v.name for v in villages)}
    audit.record(actor=actor, action="update", obj=advisor, changes=audit.diff(before, after), action_label="修改法律顾问信息")
    if photo is not None:
        _store_photo(actor=actor, advisor=advisor, upload=photo)
    return advisor
