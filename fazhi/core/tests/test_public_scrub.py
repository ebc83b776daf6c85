"""The public-page scrubber: personal numbers in any spelling go, published office lines stay."""
import pytest

from fazhi.core import masking


def test_published_contacts_stay_and_personal_numbers_go(monkeypatch):
    monkeypatch.setattr(masking, "_contact_sources", [lambda: ["0533-7181007"]])
    page = ("<p>顾问办公电话：0533-7181007</p><p>当事人电话 139 1234 5678，座机0533-7654321，"
            "身份证 3703 0319 9001 0112 34，１３９１２３４５６７８</p>")
    out = masking.scrub_public_page(page)
    assert "0533-7181007" in out
    assert masking.personal_numbers_in(out.replace("0533-7181007", "")) == []
    assert out.count(masking.PHONE_PLACEHOLDER) == 3 and masking.ID_PLACEHOLDER in out


@pytest.mark.django_db
def test_public_pages_pass_the_scrubber_but_staff_pages_do_not(rf):
    from django.http import HttpResponse

    from fazhi.core.middleware import PublicScrubMiddleware

    middleware = PublicScrubMiddleware(lambda request: HttpResponse("电话13912345678", content_type="text/html"))
    assert "13912345678" not in middleware(rf.get("/mediation/")).content.decode()
    assert "13912345678" in middleware(rf.get("/work/disputes/")).content.decode()
    assert "13912345678" in middleware(rf.post("/mediation/submit/")).content.decode()
    assert "13912345678" not in middleware(rf.get("/api/disputes/public/rooms/")).content.decode()
