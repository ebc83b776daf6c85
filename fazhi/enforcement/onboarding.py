"""What a new subdistrict still lacks before it can enforce (the core onboarding checklist, fazhi.core.onboarding).

Every item is computed from records on today's date: the enforcement subject and its public information, the power
list (权责清单), at least two officers whose certificate (执法证) is valid today (行政处罚法第四十二条：执法人员不得
少于两人), and a legal reviewer (第五十八条, needed before a major decision — not blocking)."""
from fazhi.core import clock
from fazhi.core.onboarding import Check, link

from .models import Officer, Power, ReviewerQualification, Subject

MIN_OFFICERS = 2  # 行政处罚法第四十二条


def checks(tenant) -> list[Check]:
    today = clock.today()
    subject = Subject.objects.filter(node__path__startswith=tenant.path).select_related("unit").first()
    officers = list(Officer.objects.filter(node__path__startswith=tenant.path).exclude(status=Officer.Status.REVOKED))
    valid = [o for o in officers if o.cert_valid(today)]
    powers = Power.objects.filter(node__path__startswith=tenant.path, is_active=True).count()
    reviewers = ReviewerQualification.objects.filter(node__path__startswith=tenant.path).count()
    query = f"node={tenant.pk}"
    out = [
        Check("登记执法主体（综合行政执法办公室）", subject is not None,
              f"已登记：{subject.unit.name}。" if subject else "尚未登记执法主体，无法登记执法案件（行政处罚法第三十九条：实施机关应当公示）。",
              link("enforcement:subject_edit", query=query)),
        Check("载明行政复议机关和人民法院（决定书用）", bool(subject and subject.reconsideration_body and subject.litigation_court),
              "" if subject and subject.reconsideration_body and subject.litigation_court
              else "行政处罚决定书应载明申请行政复议、提起行政诉讼的途径和期限（行政处罚法第五十九条）。",
              link("enforcement:subject_edit", query=query)),
        Check("导入或登记权责清单", powers > 0, f"已有 {powers} 项。" if powers else "权责清单为空，案件无法选择执法事项。",
              link("enforcement:power_list", query=query)),
    ]
    if len(valid) >= MIN_OFFICERS:
        detail = f"持有效执法证的执法人员 {len(valid)} 人。"
    else:
        problems = [o.certificate_problem(today) for o in officers if not o.cert_valid(today)]
        detail = (f"持有效执法证的执法人员仅 {len(valid)} 人，执法人员不得少于两人（行政处罚法第四十二条）。"
                  + ("" if not problems else "；".join(problems[:5]) + "。"))
    out.append(Check(f"至少{MIN_OFFICERS}名执法人员持有效执法证", len(valid) >= MIN_OFFICERS, detail,
                     link("enforcement:officer_list", query=query)))
    out.append(Check("登记法制审核人员", reviewers > 0,
                     f"已登记 {reviewers} 人。" if reviewers else "重大执法决定作出前须经法制审核（行政处罚法第五十八条）。",
                     link("enforcement:reviewer_new", query=f"subject={tenant.pk}"), required=False))
    return out
