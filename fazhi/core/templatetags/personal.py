"""Personal numbers on staff pages: masked by default, with an audited "显示" for those allowed.

    {% load personal %}
    {% personal_number party "id_number" %}      masked number + the 显示 form (reason required) if the user may
    {{ party.phone|masked:"phone" }}             just the masked number (edit forms, lists)
"""
from django import template

from fazhi.core import personal

register = template.Library()


@register.filter
def masked(value, kind="phone"):
    return personal.mask(value, kind)


@register.inclusion_tag("core/partials/personal_number.html", takes_context=True)
def personal_number(context, obj, field_name):
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field.attname)
    request = context.get("request")
    user = getattr(request, "user", None)
    cache = context.render_context.setdefault("personal_may_reveal", {})
    key = (type(obj), obj.pk)
    if key not in cache:
        cache[key] = bool(value) and user is not None and personal.may_reveal(user, obj)
    return {
        "value": value,
        "masked": field.mask(value),
        "may_reveal": bool(value) and cache[key],
        "target": obj._meta.label_lower,
        "object_id": obj.pk,
        "field": field_name,
        "label": field.verbose_name,
        "dom_id": f"pn-{obj._meta.label_lower.replace('.', '-')}-{obj.pk}-{field_name}",
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }
