import datetime

import pytest

from fazhi.core import figures


def pytest_configure(config):
    config.addinivalue_line("markers", "demo: loads the full Jixia demo data (slow; one test per module)")


@pytest.fixture
def temp_figures():
    """register(key, fn, **kw) adds a figure for this test only (after the module figures are discovered)."""
    figures.all_figures()
    added = []

    def register(key, fn, **kwargs):
        figures.figure(key, kwargs.pop("label", key), **kwargs)(fn)
        added.append(key)
        return figures.get(key)

    yield register
    for key in added:
        figures._registry.pop(key, None)


@pytest.fixture
def report(users, tree):
    from fazhi.core import clock
    from fazhi.reports import services

    with clock.frozen(datetime.date(2024, 1, 10)):
        return services.report_create(actor=users.office, node=tree.sub, year=2023)
