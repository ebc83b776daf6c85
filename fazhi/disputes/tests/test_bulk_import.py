"""Issue 16 item 3: the people's-mediation ledger imports new rows in batches (``fazhi.disputes.bulk``) — and what
it stores is exactly what the services store row by row: the same cases, parties (encrypted numbers and blind
indexes), spans, notices, suggestions, sessions, mediators, risk flags and audit events (each case its own, sealed
into a verifying chain with its snapshot). The queries of an import do not grow with its rows."""
import datetime
import io
import json
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fazhi.core import audit, codes, ledger
from fazhi.core.models import AuditEvent
from fazhi.reports.bench.imports import make_sheet

from ..models import Dispute, MediationRoom, MediationSession, Mediator, Notice, Party, StateSpan, TriageSuggestion
from . import factories as f

KEY = "disputes.mediation"
STATE = {"registered": "已登记", "accepted": "已受理", "declined": "不予受理", "failed": "调解不成", "agreed": "调解成功",
         "closed": "已结案"}


def _sheet(users, rows):
    item = ledger.get(KEY)
    wb = load_workbook(io.BytesIO(ledger.export_xlsx(item, [], template_only=True)))
    ws = wb.worksheets[0]
    headers = [c.value.rstrip("*") for c in ws[1]]
    by_key = {c.key: c.header for c in item.import_columns()}
    for row in rows:
        values = {by_key[k]: v for k, v in row.items()}
        ws.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rows(tree):
    """Rows of every kind the ledger takes: each history state, a grid, a room, an ID number, a repeated party
    (flagged 重复纠纷), three cases against one respondent (群体性), a risk word, a case already in the database with
    the same phone, amounts with cents."""
    day = datetime.date(2023, 3, 1)
    rows = []
    for i, state in enumerate(["registered", "accepted", "declined", "failed", "agreed", "closed"] * 2):
        received = day + datetime.timedelta(days=i * 7)
        later = received + datetime.timedelta(days=5)
        row = {"received_on": received, "channel": "窗口来访", "village": "刘家村" if i % 2 else "大杨村",
               "kind": ["邻里", "婚姻家庭", "劳动争议"][i % 3] if i % 4 else "neighbour",
               "title": f"批量核对{i:02d}", "description": f"第{i}件：因院墙排水发生争执。", "amount": f"{i * 100}.5" if i % 2 else None,
               "applicant": f"申请人{i}", "contact_phone": f"1370000{i:04d}", "respondent": f"被申请人{i}",
               "status": STATE[state]}
        if i % 3 == 0:
            row["grid"] = "刘家村第一网格" if row["village"] == "刘家村" else "大杨村第一网格"
        if i % 5 == 0:
            row["applicant_id_number"] = f.id_number(500 + i)
        if state != "registered":
            if state == "declined":
                row["concluded_on"] = later
            else:
                row["accepted_on"] = received
            if state == "failed":
                row["concluded_on"] = later
                row["mediators"] = "人民调解员甲"
            if state in ("agreed", "closed"):
                row.update(resolved_on=later, mediators="人民调解员甲", room="老赵劳动调解室" if i % 2 else None)
            if state == "closed":
                row["closed_on"] = later + datetime.timedelta(days=2)
        rows.append(row)
    rows[3]["contact_phone"] = rows[1]["contact_phone"]  # the same applicant twice within a year: 重复纠纷
    rows[7]["contact_phone"] = "13900000077"  # the phone of a case already registered (below)
    for i in (0, 2, 4):
        rows[i]["respondent"] = "某建筑公司"  # three open cases against one respondent: 群体性
    rows[8]["description"] = "对方扬言要同归于尽。"  # a risk word
    rows[9]["referral_source"] = "公安派出所"
    rows[9]["channel"] = "部门移送"
    rows[10]["level"] = "村（社区）"
    return rows


def _prepare(users, tree):
    Mediator.objects.create(node=tree.sub, name="人民调解员甲", kind=Mediator.Kind.PEOPLE)
    f.room(users.sub_admin, tree)
    f.dispute(users.clerk, tree, contact="13900000077", title="早先的纠纷")
    f.dispute(users.clerk, tree, respondent="某建筑公司", title="同一被申请人的在办纠纷")


def _text(value, codes_map):
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return re.sub(r"MT[2-9A-Z]{8}", lambda m: codes_map.get(m.group(0), "?"), text)


def _snapshot(titles):
    """Everything the import stored for the cases ``titles``, with their random tracking codes named by title."""
    cases = list(Dispute.objects.filter(title__in=titles).order_by("title"))
    codes_map = {d.tracking_code: f"<{d.title}>" for d in Dispute.objects.all()}
    skip = {"id", "tracking_code", "created_at", "updated_at"}
    out = []
    for d in cases:
        fields = {fl.attname: getattr(d, fl.attname) for fl in Dispute._meta.concrete_fields if fl.attname not in skip}
        fields["search_text"] = fields["search_text"].replace(d.tracking_code.lower(), "<code>")
        with connection.cursor() as cursor:  # the stored bytes: ciphertext and blind indexes
            cursor.execute("SELECT role, name, id_number, id_number_hash, phone, phone_hash, address, kind "
                           "FROM disputes_party WHERE dispute_id = %s ORDER BY id", [d.pk])
            parties = cursor.fetchall()
            cursor.execute("SELECT contact_phone, contact_phone_hash FROM disputes_dispute WHERE id = %s", [d.pk])
            stored_phone = cursor.fetchone()
        events = [(e.action, e.action_label, e.changes, e.reason, e.is_public, e.actor_id, e.node_id, e.chain,
                   e.object_repr.replace(d.tracking_code, "<code>"), e.seq is not None,
                   sorted(k for k in (e.state or {}) if k not in ("tracking_code", "created_at")))
                  for e in AuditEvent.objects.filter(object_type="disputes.dispute", object_id=str(d.pk)).order_by("id")]
        triage = TriageSuggestion.objects.filter(dispute=d).values(
            "model_id", "method", "threshold", "kind_id", "kind_confidence", "level", "level_confidence", "room_id",
            "centre_body_id", "routing_confidence", "neighbours", "kind_outcome", "level_outcome", "routing_outcome")
        out.append({
            "case": fields, "stored_phone": stored_phone, "parties": parties,
            "spans": [(status, left is None) for status, left in
                      StateSpan.objects.filter(dispute=d).order_by("id").values_list("status", "left_at")],
            "notices": list(Notice.objects.filter(dispute=d).order_by("id").values_list(
                "title", "decided_by", "reason", "next_steps")),
            "sessions": list(MediationSession.objects.filter(dispute=d).values_list(
                "held_on", "place", "participants", "record", "recorded_by_id")),
            "mediators": sorted(d.mediators.values_list("name", flat=True)),
            "triage": list(triage), "events": events})
    return json.loads(_text(out, codes_map))


class _Rollback(Exception):
    pass


def _import(item, data, actor):
    result = ledger.run_import(item, data, actor=actor, dry_run=False, on_batch=lambda state: None)
    assert result.ok, [str(e) for e in result.errors]
    audit.seal_all()  # as after the commits (a test's transaction never commits)
    return result


def test_a_bulk_imported_batch_stores_what_the_services_store(users, tree, monkeypatch):
    _prepare(users, tree)
    monkeypatch.setattr(ledger, "PAUSE_SQLITE", 0)
    rows = _rows(tree)
    titles = [r["title"] for r in rows]
    data = _sheet(users, rows)
    item = ledger.get(KEY)
    with monkeypatch.context() as m, pytest.raises(_Rollback):
        m.setattr(type(item), "prepare_batch", None)  # row by row through dispute_create and the workflow runner
        with transaction.atomic():
            by_service = _import(item, data, users.clerk)
            through_services = _snapshot(titles)
            raise _Rollback()
    assert not Dispute.objects.filter(title__in=titles).exists()

    calls = []
    original = type(item).prepare_batch
    monkeypatch.setattr(type(item), "prepare_batch",
                        lambda self, items, **kw: calls.append(len(items)) or original(self, items, **kw))
    in_bulk = _import(item, data, users.clerk)
    assert calls and sum(calls) == len(rows), "the rows went through the bulk path"
    assert [r.action for r in in_bulk.rows] == [r.action for r in by_service.rows]
    stored = _snapshot(titles)
    assert len(stored) == len(rows)
    for mine, theirs in zip(stored, through_services):
        assert mine == theirs, mine["case"]["title"]

    # what a user would notice: flags, states and dates as the service set them
    flagged = {d.title: d.risk_reasons for d in Dispute.objects.filter(title__in=titles, is_flagged=True)}
    assert any("重复纠纷" in " ".join(r) for r in flagged.values())
    assert any("群体性：被申请人 某建筑公司" in " ".join(r) for r in flagged.values())
    assert any("暴力倾向" in " ".join(r) for r in flagged.values())
    closed = Dispute.objects.get(title="批量核对05")
    assert (closed.status, closed.closed_on) == ("closed", datetime.date(2023, 3, 1) + datetime.timedelta(days=42))
    party = Party.objects.get(dispute__title="批量核对00", role="applicant")
    assert party.id_number == f.id_number(500) and party.id_number_hash and party.phone_hash
    assert Party.objects.filter(id_number_hash=party.id_number_hash).count() == 1
    assert MediationRoom.objects.filter(disputes__title="批量核对11").exists()

    # the record numbers: new, well-formed, unique
    numbers = list(Dispute.objects.filter(title__in=titles).values_list("tracking_code", flat=True))
    assert len(set(numbers)) == len(rows)
    assert all(re.fullmatch(f"MT[{codes.ALPHABET}]{{8}}", n) for n in numbers)

    # the chain: every event sealed, in row order, verifying; every record matches its last snapshot
    events = list(AuditEvent.objects.filter(object_type="disputes.dispute",
                                            object_id__in=[str(d.pk) for d in Dispute.objects.filter(title__in=titles)])
                  .order_by("seq").values_list("seq", "object_repr"))
    assert all(seq is not None for seq, _ in events)
    order = [t for _, r in events for t in [r.split(" ", 1)[1]]]
    assert order == sorted(order), "each row's events follow the previous row's"
    checked, broken = audit.verify()
    assert broken is None and checked > 0
    records, problems = audit.verify_records()
    assert not problems, [str(p) for p in problems]


def test_a_refused_history_row_in_a_batch_names_its_row_and_imports_nothing(users, tree, monkeypatch):
    """The guard of "调解成功" (a people's mediator signs) answered in memory: the row is named, nothing stays."""
    monkeypatch.setattr(ledger, "PAUSE_SQLITE", 0)
    rows = _rows(tree)
    Mediator.objects.create(node=tree.sub, name="人民调解员甲", kind=Mediator.Kind.ADMINISTRATIVE)
    f.room(users.sub_admin, tree)
    item = ledger.get(KEY)
    monkeypatch.setattr(type(item), "check_row", lambda self, values, **kw: None)  # as if the data changed since
    before = Dispute.objects.count()
    result = ledger.run_import(item, _sheet(users, rows), actor=users.clerk, dry_run=False,
                               on_batch=lambda state: None)
    assert not result.ok and result.imported == 0
    assert [e.row for e in result.errors] == [6] and "人民调解员" in result.errors[0].message, result.errors
    assert Dispute.objects.count() == before


def _count(users, rows):
    data = make_sheet(users.clerk, rows, prefix=f"预算{rows}")
    with CaptureQueriesContext(connection) as queries:
        result = ledger.run_import(ledger.get(KEY), data, actor=users.clerk, dry_run=False)
    assert result.ok and result.created == rows, [str(e) for e in result.errors[:3]]
    return len(queries.captured_queries)


def test_the_queries_of_an_import_batch_do_not_grow_with_its_rows(users, tree):
    Mediator.objects.create(node=tree.sub, name="人民调解员甲", kind=Mediator.Kind.PEOPLE)
    _count(users, 6)  # warm the per-process caches (rules, orgkinds)
    small, large = _count(users, 20), _count(users, 80)
    # bulk INSERTs of cases are chunked by the database's parameter limit (SQLite: ~27 cases a statement): a few
    # more statements for four times the rows, never one per row (row by row it was ~50 queries a row)
    assert large - small <= 8, (small, large)
    assert large <= 80, large


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_is_prepared_without_a_transaction_and_written_in_a_short_one(users, tree, monkeypatch):
    """The CPU work of a batch holds no lock (SQLite: other users' writes go through meanwhile); each batch commits
    on its own, its events sealed into a verifying chain right after."""
    Mediator.objects.create(node=tree.sub, name="人民调解员甲", kind=Mediator.Kind.PEOPLE)
    monkeypatch.setattr(ledger, "BULK_FIRST_ROWS", 10)
    monkeypatch.setattr(ledger, "BULK_MAX_ROWS", 10)
    monkeypatch.setattr(ledger, "PAUSE_SQLITE", 0)
    item = ledger.get(KEY)
    original = type(item).prepare_batch
    seen = []

    def prepare_batch(self, items, **kw):
        seen.append((len(items), connection.in_atomic_block))
        write = original(self, items, **kw)

        def write_in_transaction():
            assert connection.in_atomic_block
            return write()

        return write_in_transaction

    monkeypatch.setattr(type(item), "prepare_batch", prepare_batch)
    committed = []
    result = ledger.run_import(item, make_sheet(users.clerk, 30, prefix="分批"), actor=users.clerk, dry_run=False,
                               on_batch=lambda state: committed.append(state["done"]))
    assert result.ok and result.imported == 30, [str(e) for e in result.errors[:3]]
    assert seen == [(10, False)] * 3 and committed == [10, 20, 30]
    assert not AuditEvent.objects.filter(seq__isnull=True).exists(), "each batch's events sealed after its commit"
    assert audit.verify()[1] is None and not audit.verify_records()[1]
