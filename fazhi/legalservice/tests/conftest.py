import pytest

from . import factories as f


@pytest.fixture
def legal(tree, users):
    """刘家村 with its advisor (linked to users.advisor), 大杨村 with its own, 东齐村 (other subdistrict) with one."""
    from types import SimpleNamespace

    liu = f.advisor(users.judicial, tree.liu, user=users.advisor, name="孙立法")
    yang = f.advisor(users.judicial, tree.yang, user=users.advisor_yang, name="杨律师")
    dongqi = f.advisor(users.other_admin, tree.dongqi, name="钱律师")
    return SimpleNamespace(liu=liu, yang=yang, dongqi=dongqi)
