"""``{% load masking %}{{ text|scrub }}``: public templates pass free text through the one scrubber."""
from django import template

from fazhi.core.masking import scrub_text

register = template.Library()


@register.filter
def scrub(value):
    """ID numbers and phone numbers removed (the result is escaped like any other text)."""
    if value is None:
        return ""
    return scrub_text(str(value))
