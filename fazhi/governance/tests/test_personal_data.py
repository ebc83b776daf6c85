"""The applicant's phone in disclosure requests: encrypted at rest, the tracking lookup still finds it, masked on the
staff page."""
import pytest
from django.db import connection
from django.urls import reverse

from fazhi.governance import selectors

from . import factories as f

pytestmark = pytest.mark.django_db


def test_request_phone_encrypted_tracked_and_masked(tree, users, client_for):
    req = f.request(tree, phone="13905331234")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM governance_disclosurerequest WHERE id = %s", [req.pk])
        assert "13905331234" not in cursor.fetchone()[0]
    assert selectors.request_track(req.tracking_code, "13905331234").pk == req.pk
    assert selectors.request_track(req.tracking_code, "13905330000") is None
    html = client_for(users.disclosure).get(reverse("governance:request_detail", args=[req.pk])).content.decode()
    assert "13905331234" not in html and "139****1234" in html and "查看理由" in html
