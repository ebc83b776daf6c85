"""Item 5 of issue 17 on the staff side: a grid worker's 上报 button on the workbench home (their grid chosen),
and the grid list of the intake form following the chosen village (options carry their village)."""
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_grid_worker_gets_a_report_button_with_their_grid_and_others_do_not(users, tree, client_for):
    html = client_for(users.grid).get(reverse("core:home")).content.decode()
    button = re.search(r'<a class="btn quick" href="([^"]+)">上报矛盾纠纷', html)
    assert button, "no 上报 button on the grid worker's home"
    url = button.group(1).replace("&amp;", "&")
    form = client_for(users.grid).get(url).content.decode()
    assert re.search(r'<option value="patrol" selected>', form)  # 网格排查
    grid = users.grid.memberships.get().node
    assert f'<option value="{grid.pk}" selected data-parent="{grid.parent_id}">' in form
    for other in ("clerk", "leader", "host"):
        assert "上报矛盾纠纷" not in client_for(getattr(users, other)).get(reverse("core:home")).content.decode()


def test_the_intake_grid_list_names_each_grids_village(users, tree, client_for):
    html = client_for(users.clerk).get(reverse("disputes:new")).content.decode()
    select = html[html.index('<select name="grid"'):]
    select = select[:select.index("</select>")]
    assert 'data-follows="id_village"' in select
    assert '<optgroup label="刘家村">' in select and '<optgroup label="大杨村">' in select
    assert f'value="{tree.liu1.pk}" data-parent="{tree.liu.pk}"' in select
    assert f'value="{tree.yang1.pk}" data-parent="{tree.yang.pk}"' in select
