"""Forms show their errors (the GOV.UK pattern), once in the shared partials: a failed submit answers 400 with an
error summary at the top that links to every field in error; each field carries aria-invalid and aria-describedby
pointing at its own error text."""
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _summary(html):
    m = re.search(r'<div class="error-summary"[^>]*data-error-summary[^>]*>(.*?)</div>', html, re.S)
    assert m, "no error summary on the page"
    return m.group(1)


def _described(html, field_id):
    widget = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in widget
    described = re.search(r'aria-describedby="([^"]+)"', widget).group(1).split()
    assert f"{field_id}_error" in described
    assert re.search(rf'id="{field_id}_error"', html), "the error text the field points at is missing"


def test_a_staff_form_lists_every_error_at_the_top_linking_to_its_field(users, client_for):
    response = client_for(users.admin).post(reverse("core:account_new"), {"username": "", "full_name": ""})
    assert response.status_code == 400
    html = response.content.decode()
    summary = _summary(html)
    assert "提交未成功，请修改以下问题" in summary
    assert '<a href="#id_username">' in summary and '<a href="#id_full_name">' in summary
    assert html.index("data-error-summary") < html.index('id="id_username"')  # at the top of the form
    _described(html, "id_username")


def test_a_public_form_lists_its_errors_the_same_way(tree, client):
    response = client.post(reverse("disputes_public:submit"), {"title": ""})  # the first step: name and phone
    assert response.status_code == 400
    html = response.content.decode()
    links = re.findall(r'<a href="#(id_[a-z_0-9]+)">', _summary(html))
    assert len(links) >= 2
    for field_id in links:
        assert f'id="{field_id}"' in html, f"the summary links to {field_id}, which is not on the page"


def test_a_valid_page_shows_no_summary(users, client_for):
    html = client_for(users.admin).get(reverse("core:account_new")).content.decode()
    assert "data-error-summary" not in html and 'aria-invalid' not in html
