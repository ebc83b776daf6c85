"""The shared model bases (fazhi/core/modelbases.py) and field factories (fazhi/core/fields.py) only say once what
the models used to repeat: the tables stay exactly as the migrations built them, and records still show and sort
the way they did."""
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from fazhi.core.modelbases import Catalogue, LegalRule, Versioned

pytestmark = pytest.mark.django_db


def test_the_migrations_describe_the_models_exactly():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:  # --check exits 1 when a model no longer matches its migrations
        pytest.fail("models and migrations differ:\n" + out.getvalue())
    assert "No changes detected" in out.getvalue()


def test_every_project_model_names_its_plural_in_chinese():
    """Chinese has no plural: an admin list would otherwise read "纠纷类型s"."""
    for model in apps.get_models():
        if model.__module__.startswith("fazhi."):
            assert not str(model._meta.verbose_name_plural).endswith("s"), model


def test_catalogue_rows_show_their_name_and_sort_by_hand_order():
    DisputeKind = apps.get_model("disputes", "DisputeKind")
    DisputeKind.objects.create(code="zz-late", name="后排类型", sort_order=900)
    DisputeKind.objects.create(code="zz-early", name="前排类型", sort_order=899)
    names = [str(k) for k in DisputeKind.objects.filter(code__startswith="zz-")]
    assert names == ["前排类型", "后排类型"]
    assert issubclass(DisputeKind, Catalogue)


def test_rules_list_by_code_and_versioned_records_start_at_zero():
    MajorCaseRule = apps.get_model("enforcement", "MajorCaseRule")
    assert issubclass(MajorCaseRule, LegalRule)
    assert MajorCaseRule._meta.ordering == ["code"]
    Meeting = apps.get_model("governance", "Meeting")
    assert issubclass(Meeting, Versioned)
    assert Meeting().version == 0
