"""The one personal-data scrubber: every way a resident writes a phone or ID number is caught; ordinary numbers
(dates, amounts, tracking codes, years) are left alone."""
import pytest
from django.template import Context, Template

from fazhi.core.masking import (
    ID_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    contains_personal_numbers,
    personal_numbers_in,
    scrub_text,
)
from fazhi.core.validators import make_id_number

VALID_ID = make_id_number("37030319900101123")


@pytest.mark.parametrize("text", [
    "电话13912345678", "电话 139 1234 5678 联系", "139-1234-5678", "１３９１２３４５６７８", "１３９－１２３４－５６７８",
    "+86 139 1234 5678", "8613912345678", "139.1234.5678", "座机0533-7654321", "（０５３３）７６５４３２１",
    "(0533)76543210", "0533 7654 3210",
])
def test_phone_variants_are_scrubbed(text):
    out = scrub_text(text)
    assert PHONE_PLACEHOLDER in out
    assert not contains_personal_numbers(out), out


@pytest.mark.parametrize("text", [
    VALID_ID, "身份证370303199001011234", "370303 19900101 1234", "3703-0319-9001-0112-34", "37030319900101123X",
    "37030319900101123x", "３７０３０３１９９００１０１１２３４", "370303900101123", "3703 0319 9001 0112 3X",
])
def test_id_variants_are_scrubbed_with_or_without_a_valid_check_digit(text):
    out = scrub_text(text)
    assert ID_PLACEHOLDER in out
    assert not contains_personal_numbers(out), out


@pytest.mark.parametrize("text", [
    "2024-05-06", "2024年5月6日", "罚款 5000 元", "稷下调〔2024〕12号", "共 1,234,567 元", "第 12 条",
    "JX-20240506-0001", "2024-2025 学年",
])
def test_ordinary_numbers_are_kept(text):
    assert scrub_text(text) == text
    assert personal_numbers_in(text) == []


def test_scrub_filter_escapes_and_scrubs():
    html = Template("{% load masking %}{{ v|scrub }}").render(Context({"v": "<b>张三</b> 139 1234 5678"}))
    assert "&lt;b&gt;" in html and "1234" not in html and PHONE_PLACEHOLDER in html


def test_a_report_digest_on_a_public_page_is_not_mistaken_for_a_phone_number():
    """A finalised report's SHA-256 can hold a digit run shaped like a landline (…8b0223155215); it stays whole,
    while a number written among letters is still hidden."""
    from fazhi.core import masking

    digest = "a5c83ec6439bfac2dd98a4bb9dea04ec6f066951d7f35e04acaf8b0223155215"
    assert masking.scrub_text(f"SHA-256 {digest}") == f"SHA-256 {digest}"
    assert "13905331234" not in masking.scrub_text("电话13905331234，座机0533-1234567")
