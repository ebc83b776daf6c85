import pytest

from fazhi.demo import enforcement as demo
from fazhi.demo import org


@pytest.mark.django_db
def test_enforcement_demo_loads():
    ctx = org.load(org.DemoContext())
    demo.load(ctx)
    from fazhi.enforcement.models import Case, Publication
    assert Case.objects.filter(collective_on__isnull=False, hearing_held=True).exists()
    assert Case.objects.filter(statement_waived=True).exists() and Case.objects.filter(statement_review__gt="").exists()
    assert Publication.objects.filter(status="withdrawn").exists()
    assert any("行政执法" in line for line in ctx.log)
