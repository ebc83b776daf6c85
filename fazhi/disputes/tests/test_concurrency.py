"""Issue 16 item 4: identical public submissions sent at the same moment create one case (a unique dedupe key on
the case, checked by the database), on PostgreSQL where the requests really run in parallel."""
import threading

import pytest
from django.db import connection, connections

from fazhi.disputes import services
from fazhi.disputes.models import Dispute, DisputeKind


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_identical_submissions_make_one_case(tree):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real only on PostgreSQL (run with DATABASE_URL=postgres…)")
    kind = DisputeKind.objects.get(code="neighbour")
    village_pk = tree.liu.pk
    rounds, writers = 3, 4
    for n in range(rounds):
        barrier = threading.Barrier(writers)
        codes, errors = [], []

        def submit(n=n, barrier=barrier, codes=codes, errors=errors):
            try:
                barrier.wait(timeout=30)
                d = services.dispute_create(
                    actor=None, channel="online", village=village_pk, kind=kind.pk, title=f"同时提交{n}",
                    description=f"同一份表单同时提交了四次（第{n}轮）", contact_phone="13900009999",
                    parties=[{"role": "applicant", "name": "张同时", "phone": "13900009999"}])
                codes.append(d.tracking_code)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=submit) for _ in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        assert len(codes) == writers and len(set(codes)) == 1, codes
        assert Dispute.objects.filter(title=f"同时提交{n}").count() == 1
