"""Masking rules for anything shown on a public page: personal names partly masked, ID numbers and phone numbers
never shown, addresses cut to the village. Organisation names are shown in full."""
import re

# Full-width digits, hyphens, spaces and parentheses read as their ASCII twins (one character for one, so a match
# in the translated text is a match at the same place in the original).
_WIDE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "－": "-", "‐": "-", "‑": "-", "–": "-",
                       "—": "-", "\u3000": " ", "（": "(", "）": ")", "Ｘ": "X", "ｘ": "x", "．": "."})
_SEP = r"[ \t\-.]?"  # one optional separator between digits: 139 1234 5678, 139-1234-5678, 3703 0319 …
# citizen ID numbers: 18 characters (check digit valid or not) or the old 15 digits, spaced or dashed anywhere
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d(?:" + _SEP + r"\d){16}" + _SEP + r"[\dXx](?![0-9A-Za-z])"
                        r"|(?<![0-9A-Za-z])\d(?:" + _SEP + r"\d){14}(?![0-9A-Za-z])")
# mobiles (with or without +86), and landlines with an area code: 0533-1234567, (0533)1234567, 0533 1234 5678
PHONE_PATTERN = re.compile(r"(?<!\d)(?:\+?86" + _SEP + r")?1[3-9]\d(?:" + _SEP + r"\d){8}(?!\d)"
                           r"|(?<!\d)\(?0\d{2,3}\)?" + _SEP + r"\d{3,4}" + _SEP + r"\d{4}(?!\d)")
ID_PLACEHOLDER = "［身份证号已隐去］"
PHONE_PLACEHOLDER = "［电话已隐去］"


# a digest (SHA-256 of a finalised report, 64 hex characters) is not a phone number even where it holds a digit run
_DIGEST = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])")


def _matches(pattern, wide):
    digests = [m.span() for m in _DIGEST.finditer(wide)]
    return [m for m in pattern.finditer(wide) if not any(a <= m.start() and m.end() <= b for a, b in digests)]


def _replace(pattern, placeholder, text):
    spans = [m.span() for m in _matches(pattern, text.translate(_WIDE))]
    for start, end in reversed(spans):
        text = text[:start] + placeholder + text[end:]
    return text


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


def _digits(text):
    return re.sub(r"\D", "", str(text or "").translate(_WIDE))


def _replace_except(pattern, placeholder, text, allowed):
    spans = [m.span() for m in _matches(pattern, text.translate(_WIDE)) if _digits(m.group(0)) not in allowed]
    for start, end in reversed(spans):
        text = text[:start] + placeholder + text[end:]
    return text


def scrub_text(text, *, allowed=frozenset()):
    """The one personal-data scrubber for public text: ID numbers and phone numbers removed, whether written
    together, spaced, dashed or in full-width digits. ``allowed``: the digits of numbers an office publishes as
    its contact (an advisor's office line), which stay."""
    text = _replace(ID_PATTERN, ID_PLACEHOLDER, str(text or ""))
    return _replace_except(PHONE_PATTERN, PHONE_PLACEHOLDER, text, allowed)


# Apps register functions returning the contact numbers they publish on purpose (office lines of advisors,
# stations, rooms). Only exactly those numbers survive the public-page scrubber.
_contact_sources = []


def register_public_contacts(fn):
    """Decorator: ``fn() -> iterable of phone numbers`` that are published contacts, not personal data."""
    _contact_sources.append(fn)
    return fn


def public_contacts():
    allowed = set()
    for fn in _contact_sources:
        allowed.update(d for d in (_digits(n) for n in fn()) if d)
    return frozenset(allowed)


def scrub_public_page(body: str) -> str:
    """Scrub a whole public page or public API answer (the last line of defence behind each template's own
    masking): every ID number and every phone number that is not a published contact is replaced."""
    return scrub_text(body, allowed=public_contacts())


def contains_personal_numbers(text):
    wide = str(text or "").translate(_WIDE)
    return bool(_matches(ID_PATTERN, wide) or _matches(PHONE_PATTERN, wide))


def personal_numbers_in(text):
    """The personal numbers found in ``text`` (for tests and publication checks)."""
    wide = str(text or "").translate(_WIDE)
    return [m.group(0) for p in (ID_PATTERN, PHONE_PATTERN) for m in _matches(p, wide)]


def mask_names_in_text(text, names):
    """Replace each listed personal name in ``text`` with its masked form (longest first)."""
    for name in sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def village_only(address, village_name):
    """An address cut to the village: "稷下街道刘家村" instead of the house number."""
    return village_name or ""
