"""Issue 16 item 5: a 20-row list costs a fixed number of queries — the same for 21 records as for 45, so no
per-row query — and a bounded amount of server CPU (generous: the machine running the suite is shared)."""
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.disputes import services
from fazhi.disputes.models import DisputeKind

QUERY_BUDGET = {"/work/disputes/": 13, "/api/disputes/": 12, "/work/core/audit/": 14}
VIEWER = {"/work/core/audit/": "sub_admin"}
CPU_BUDGET = 0.25  # seconds per request, the median of 5; ~10–30 ms on a quiet 2-core machine


def _cases(tree, user, n, start=0):
    kinds = list(DisputeKind.objects.filter(is_active=True)[:3])
    for i in range(start, start + n):
        services.dispute_create(
            actor=user, channel="walk_in", village=tree.liu if i % 2 else tree.yang, kind=kinds[i % len(kinds)],
            grid=tree.liu1 if i % 2 else None, title=f"列表预算{i}", description=f"第{i}件：相邻两户因排水沟发生争议。",
            contact_phone=f"1390000{i:04d}", level="subdistrict",
            parties=[{"role": "applicant", "name": f"申请人{i}", "phone": f"1390000{i:04d}"},
                     {"role": "respondent", "name": f"被申请人{i}"}])


def _cost(client, url):
    client.get(url)  # warm: templates compiled, lazy imports done
    cpu = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            response = client.get(url)
            cpu.append(time.process_time() - started)
        assert response.status_code == 200, (url, response.status_code)
    cpu.sort()
    return len(queries.captured_queries), cpu[2], response


@pytest.mark.parametrize("url", list(QUERY_BUDGET))
def test_a_20_row_list_has_a_query_budget_independent_of_its_rows_and_a_cpu_budget(users, tree, client_for, url):
    c = client_for(getattr(users, VIEWER.get(url, "clerk")))
    _cases(tree, users.clerk, 21)
    few, cpu, response = _cost(c, url)
    _cases(tree, users.clerk, 24, start=21)
    many, cpu_many, _ = _cost(c, url)
    assert many == few, f"{url}: {few} queries with 21 records, {many} with 45 — a query per row"
    assert many <= QUERY_BUDGET[url], f"{url}: {many} queries (budget {QUERY_BUDGET[url]})"
    assert max(cpu, cpu_many) < CPU_BUDGET, f"{url}: {max(cpu, cpu_many) * 1000:.0f} ms of CPU"
    if url == "/work/disputes/":
        html = response.content.decode()
        assert "列表预算" in html  # the rows are really there
