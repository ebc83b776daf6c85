"""Masking rules for anything shown on a public page: personal names partly masked, ID numbers and phone numbers
never shown, addresses cut to the village. Organisation names are shown in full."""
import re

ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
PHONE_PATTERN = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
ID_PLACEHOLDER = "［身份证号已隐去］"
PHONE_PLACEHOLDER = "［电话已隐去］"


def mask_name(name, *, is_organisation=False):
    name = (name or "").strip()
    if is_organisation or not name:
        return name
    if len(name) == 1:
        return name
    return name[0] + "*" * min(len(name) - 1, 3)


def mask_phone(phone):
    phone = (phone or "").strip()
    if len(phone) >= 7:
        return phone[:3] + "****" + phone[-4:]
    return "****"


def scrub_text(text):
    """Remove ID numbers and phone numbers from free text."""
    text = ID_PATTERN.sub(ID_PLACEHOLDER, text or "")
    return PHONE_PATTERN.sub(PHONE_PLACEHOLDER, text)


def contains_personal_numbers(text):
    return bool(ID_PATTERN.search(text or "") or PHONE_PATTERN.search(text or ""))


def mask_names_in_text(text, names):
    """Replace each listed personal name in ``text`` with its masked form (longest first)."""
    for name in sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def village_only(address, village_name):
    """An address cut to the village: "稷下街道刘家村" instead of the house number."""
    return village_name or ""
