"""Pre-fill the intake form from a free-text complaint: parties' names, phones, ID numbers (GB 11643 check digit:
an invalid number is rejected, never filled in), address, amounts and dates. The clerk confirms every field.

Regular expressions, core's validators and jieba's part-of-speech tags are enough for these fields; jionlp (which
has similar parsers) would add a large package and its start-up time for no better result on complaint texts.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from fazhi.core import clock
from fazhi.core.validators import id_number_error, phone_error

SURNAMES = set("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢崔"
               "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-\d{7,8})(?!\d)")
_PHONE_CUE = re.compile(r"(?:电话|手机|联系方式)(?:号码?)?[:：]?\s*(\d[\d\- ]{5,16}\d)")
_AMOUNT = re.compile(r"(?:人民币)?([0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+)\s*(万)?\s*(?:元|块钱|块)")
_DATE = re.compile(r"(?:(\d{4}|今年|去年)年?)?(\d{1,2})月(\d{1,2})[日号]|(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
_ADDRESS = re.compile(
    r"((?:[\u4e00-\u9fa5]{2,6}?(?:省|自治区))?(?:[\u4e00-\u9fa5]{2,6}?市)?(?:[\u4e00-\u9fa5]{1,6}?[区县])?"
    r"(?:[\u4e00-\u9fa5]{2,6}?(?:街道|镇|乡))?[\u4e00-\u9fa5]{2,8}?(?:村|社区|小区)"
    r"(?:[0-9一二三四五六七八九十]+(?:组|号楼|号院|号|单元|室|排))*)")
_ROLE_CUES = [
    ("applicant", r"(?:(?<!被)申请人|我叫|本人|来访人|反映人|我是)"),
    ("respondent", r"(?:被申请人|对方|邻居|包工头|老板|欠款人|借款人|前夫|前妻|儿子|女儿)"),
]
_NAME = r"[:：是为，,\s]*([\u4e00-\u9fa5]{2,4})"
MAX_CUES = 20
OPENING = 400  # characters the person-name tagger reads when no cue names anyone
_STOP = set("，,。；;（(的与和、说称因在家于电手身住今现借欠翻把将被向给从对要不也已")


@dataclass
class PartyGuess:
    role: str
    name: str
    phone: str = ""
    id_number: str = ""
    address: str = ""


@dataclass
class Extraction:
    parties: list[PartyGuess] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # "号码：原因" for invalid ID numbers / phones
    addresses: list[str] = field(default_factory=list)
    amounts: list[Decimal] = field(default_factory=list)
    dates: list[datetime.date] = field(default_factory=list)
    village: object | None = None  # the org node named in the text, when one of the given villages

    @property
    def amount(self) -> Decimal | None:
        return max(self.amounts) if self.amounts else None


def chinese_number(text: str) -> int | None:
    """'三万' → no (units above 千 are handled by the caller); '三千五百' → 3500; '十二' → 12; '两' → 2."""
    if not text:
        return None
    if all(ch in DIGITS for ch in text):  # digit by digit: 二〇二三
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in UNITS:
            total += (current or 1) * UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def _amounts(text: str) -> list[Decimal]:
    out = []
    for m in _AMOUNT.finditer(text):
        raw, wan = m.group(1), m.group(2)
        value = Decimal(raw) if raw[0].isdigit() else (Decimal(chinese_number(raw)) if chinese_number(raw) is not None
                                                       else None)
        if value is None:
            continue
        if wan:
            value *= 10000
        if 0 < value < Decimal("1000000000000"):
            out.append(value.quantize(Decimal("0.01")))
    return out


def _dates(text: str, today: datetime.date) -> list[datetime.date]:
    out = []
    for m in _DATE.finditer(text):
        try:
            if m.group(4):
                d = datetime.date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
            else:
                y = m.group(1)
                year = today.year - 1 if y == "去年" else today.year if y in (None, "今年") else int(y)
                d = datetime.date(year, int(m.group(2)), int(m.group(3)))
                if y is None and d > today:  # "3月5日" written in January means last year's
                    d = d.replace(year=d.year - 1)
        except ValueError:
            continue
        if datetime.date(1949, 10, 1) <= d <= today and d not in out:
            out.append(d)
    return out


_warm = {"started": False}


def warm_up() -> None:
    """Load jieba's tagger in the background (a few seconds, once per process) while the clerk types: the intake
    page calls this when it shows the empty form."""
    if _warm["started"]:
        return
    _warm["started"] = True
    import threading

    threading.Thread(target=_person_words, args=("申请人王秀英",), name="jieba-warm-up", daemon=True).start()


def _person_words(text: str) -> list[str]:
    from jieba import posseg

    return [w for w, flag in posseg.cut(text) if flag == "nr" and 2 <= len(w) <= 3 and w[0] in SURNAMES]


def _names(text: str) -> list[tuple[int, str, str]]:
    """(position, role, name) of names introduced by a role cue ("申请人王秀英", "邻居李建国"), else the words
    jieba tags as person names in the opening of the text (the first one taken as the applicant). jieba's tagger is
    slow (about a millisecond a character), so it only ever reads a few characters after a cue, or the opening."""
    found: list[tuple[int, str, str]] = []
    for role, cue in _ROLE_CUES:
        for m in list(re.finditer(cue + _NAME, text))[:MAX_CUES]:
            capture = m.group(1)
            if capture[0] not in SURNAMES:
                continue
            tagged = _person_words(text[m.start(1):m.start(1) + 6])
            name = next((w for w in tagged if capture.startswith(w)), None)
            if name is None:
                name = capture[:3] if len(capture) >= 3 and capture[2] not in _STOP else capture[:2]
            if all(name != n for _, _, n in found):
                found.append((m.start(1), role, name))
    if not found:
        pos = 0
        for word in _person_words(text[:OPENING]):
            at = text.find(word, pos)
            if all(word != n for _, _, n in found):
                found.append((at, "applicant" if not found else "respondent", word))
            pos = max(pos, at)
    return sorted(found)


def extract(text: str, *, villages=()) -> Extraction:
    """Everything the text says that the intake form asks for. ``villages``: org nodes the clerk may choose."""
    text = text or ""
    ex = Extraction()
    today = clock.today()
    ids = []
    for m in _ID.finditer(text):
        number = m.group(1).upper()
        problem = "15位旧身份证号，请核对后改填18位号码" if len(number) == 15 else id_number_error(number)
        if problem:
            ex.rejected.append(f"{number}：{problem}")
        else:
            ids.append((m.start(), number))
            ex.id_numbers.append(number)
    phones = []
    for m in _PHONE.finditer(text):
        number = re.sub(r"[ ]", "", m.group(1))
        if any(m.start() >= s and m.start() < s + 18 for s, _ in ids):
            continue
        if phone_error(number.replace("-", "")) and phone_error(number):
            ex.rejected.append(f"{number}：{phone_error(number)}")
            continue
        phones.append((m.start(), number))
        ex.phones.append(number)
    for m in _PHONE_CUE.finditer(text):  # a number written as a phone that is none: say so, fill nothing
        number = m.group(1).replace(" ", "")
        if number not in ex.phones and not any(number in r for r in ex.rejected) and phone_error(number):
            ex.rejected.append(f"{number}：{phone_error(number)}")
    for m in _ADDRESS.finditer(text):
        addr = re.split(r"住址[:：]?|住在|家住|位于|住|在|于", m.group(1))[-1]
        if len(addr) < 3:
            continue
        if addr not in ex.addresses:
            ex.addresses.append(addr)
    ex.amounts = _amounts(text)
    ex.dates = _dates(text, today)
    for v in villages:
        if v.name in text:
            ex.village = v
            break
    names = _names(text)
    for i, (pos, role, name) in enumerate(names):
        end = names[i + 1][0] if i + 1 < len(names) else len(text)
        party = PartyGuess(role=role, name=name)
        party.phone = next((p for s, p in phones if pos <= s < end), "")
        party.id_number = next((n for s, n in ids if pos <= s < end), "")
        segment = text[pos:end]
        party.address = next((a for a in ex.addresses if a in segment), "")
        ex.parties.append(party)
    return ex
