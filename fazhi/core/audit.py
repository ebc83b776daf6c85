"""The tamper-evident audit log.

Every service that creates, changes or moves a business record calls ``audit.record(...)`` inside its
transaction. Events form one hash chain per subdistrict (district-level events use the "root" chain): each
stores ``seq``, ``prev_hash`` and ``hash = sha256(canonical content)``.

Appending without making writers wait (the choice, and why)
    Until 2026 ``record`` locked the chain head row and kept it locked until the service's transaction ended, so a
    5,000-row ledger import held the whole subdistrict's chain for a minute and every other clerk's write queued
    behind it. Sharding the chain per module would only move the queue (two imports in one module, or an import and
    an edit of the same ledger, still wait). Instead an event is written in two steps:

    1. ``record`` inserts the event *pending* (``seq`` null, no hash) inside the service's transaction — a plain
       INSERT that takes no shared lock, so it is all-or-nothing with the business change and nobody waits on it.
    2. Right after the transaction commits (``transaction.on_commit``) ``seal`` locks the chain head for a short
       transaction of at most ``SEAL_BATCH`` events, gives the pending events of that chain their ``seq`` in commit
       order, links and hashes them, fills their record snapshot and moves the head. The head lock is held for
       milliseconds, never for a business transaction.

    Completeness is still proved the same way: a sealed chain has contiguous ``seq`` 1..head.last_seq and each
    event's hash covers its predecessor's. Events that committed but whose sealing was interrupted (the process
    died between commit and seal) stay pending and are sealed by the next append to their chain,
    ``verify_audit``, ``anchor_audit`` or ``backup`` — all call ``seal_all`` first. On PostgreSQL the append-only
    trigger lets exactly one UPDATE through: sealing a pending event with its content unchanged.

Records, not only the log
    When ``obj`` is given, sealing stores in ``state`` a per-field SHA-256 digest (16 hex) of the record's committed
    row as read back from the database (so the verifier's read of the same row normalises identically).
    ``verify_records`` compares every audited record's current row with the state in its last event, so a row
    edited by raw SQL is reported. Digests, not values: the audit table does not become a second copy of names, ID
    numbers and phone numbers. Snapshotted: every concrete column except the primary key, ``auto_now`` columns,
    binary columns and ``SNAPSHOT_EXCLUDE`` (derived or self-maintained columns such as ``search_text``,
    ``last_login``, ``password``, ``updated_at``) and what a model lists in ``audit_snapshot_exclude``.

Anchors outside the database
    ``anchor`` seals, then appends one HMAC-SHA256-signed line per chain head (chain, seq, hash) to an append-only
    file (``FAZHI_ANCHOR_LOG``, default var/audit-anchors.log) with a key that is not in the database
    (``FAZHI_ANCHOR_KEY`` or var/anchor.key, mode 0600). ``verify_anchors`` checks every signed line against the
    database, so truncating both audit tables or rewriting events with recomputed hashes is reported. It runs on
    a schedule (``manage.py anchor_audit``) and whenever a report is finalised.
"""
import base64
import datetime
import decimal
import functools
import hashlib
import hmac
import json
import logging
import os
import secrets
import uuid
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Model

from . import clock, orgkinds
from .middleware import request_ip

ROOT_CHAIN = "root"
GENESIS_HASH = "0" * 64
SEAL_BATCH = 500
PENDING_STATE = {}  # the marker ``record`` leaves for ``seal`` to fill with the record's snapshot
MISSING = {"_missing": True}  # the record no longer existed when its event was sealed
SNAPSHOT_EXCLUDE = {"search_text", "last_login", "password", "updated_at", "modified_at"}
log = logging.getLogger("fazhi.audit")

ACTION_LABELS = {
    "create": "创建",
    "update": "修改",
    "transition": "状态变更",
    "publish": "发布",
    "withdraw": "撤回",
    "import": "台账导入",
    "view": "查看",
    "download": "下载",
    "upload": "上传",
}


def normalize(value):
    """Make a value JSON-stable across databases: dates, decimals, floats, UUIDs and models become strings."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [normalize(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, datetime.time, decimal.Decimal, float, uuid.UUID)):
        return str(value)
    if isinstance(value, Model):
        return str(value.pk)
    return str(value)


HASH_FIELDS = ("chain", "seq", "at", "actor_id", "actor_label", "ip", "action", "action_label", "object_type",
               "object_id", "object_repr", "node_id", "changes", "reason", "is_public", "prev_hash", "state")
_UTC = datetime.UTC


def compute_hash(*, chain, seq, at, actor_id, actor_label, ip, action, action_label, object_type, object_id,
                 object_repr, node_id, changes, reason, is_public, prev_hash, state=None):
    """SHA-256 of the event's canonical content: a JSON array in HASH_FIELDS order (``changes`` already normalized,
    its keys sorted). A fixed order keeps hashing cheap enough to verify a million events in seconds. ``state`` is
    appended only when present, so events sealed before snapshots existed keep their hashes."""
    if isinstance(at, datetime.datetime):
        at = (at.replace(tzinfo=_UTC) if at.tzinfo is None else at.astimezone(_UTC)).isoformat()
    items = [chain, seq, at, actor_id, actor_label, ip, action, action_label, object_type, str(object_id), object_repr,
             node_id, changes, reason, bool(is_public), prev_hash]
    if state is not None:
        items.append(state)
    return hashlib.sha256(_ENCODER.encode(items).encode("utf-8")).hexdigest()


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=4096)
def _chain_for_path(path):
    from .models import OrgNode

    sub = OrgNode.objects.filter(path__in=_prefixes(path), kind__in=orgkinds.codes(is_tenant=True)).values_list("path", flat=True).first()
    return sub or ROOT_CHAIN


def _prefixes(path):
    parts = path.split(".")[:-1]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def chain_for_node(node):
    if node is None:
        return ROOT_CHAIN
    return _chain_for_path(node.path)


def object_type_of(obj):
    return obj._meta.label_lower


def snapshot(obj, fields):
    """A JSON-stable dict of ``fields`` of a model instance (FKs by id), for before/after diffs. Personal numbers
    (encrypted fields) appear masked: the audit log never becomes a plain-text copy of them."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        data[name] = field.mask(value) if hasattr(field, "plain_max_length") else normalize(value)
    return data


def diff(before, after):
    """{field: [old, new]} for the fields that differ."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def _lock_head(chain):
    from .models import AuditChainHead

    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(chain=chain)
        except IntegrityError:
            pass  # another writer created it first
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
    return head


def record(*, actor, action, obj=None, node=None, changes=None, reason="", action_label="", is_public=False,
           object_type=None, object_id=None, object_repr=None, ip=None):
    """Append one event to the chain of ``node``'s subdistrict. Must run inside the service's transaction.

    The event is inserted pending and sealed into the chain right after the transaction commits (see the module
    docstring): no lock is taken here, so a long transaction never makes other writers wait."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    event = _pending_event(actor=actor, action=action, obj=obj, node=node, changes=changes, reason=reason,
                           action_label=action_label, is_public=is_public, object_type=object_type,
                           object_id=object_id, object_repr=object_repr, ip=ip)
    event.save(force_insert=True)
    _seal_on_commit(event.chain)
    return event


def record_many(entries):
    """Append many events in one go (a bulk INSERT): ``entries`` is a list of ``record``'s keyword arguments, in the
    order the events happened. Each event is exactly the one ``record`` would write (pending, sealed after the
    commit in id order, with its record's snapshot), so a bulk import audits every record as the service does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must be called inside the service's transaction")
    events = [_pending_event(**entry) for entry in entries]
    if not events:
        return []
    _insert_pending(events)
    for chain in dict.fromkeys(e.chain for e in events):
        _seal_on_commit(chain)
    return events


def _insert_pending(events):
    """INSERT the pending ``events`` in their order, in one go (``insert_rows``), each
    column's value prepared by its model field as ``save`` prepares it. The events' ids are not read back."""
    from django.db import connection

    from .models import AuditEvent

    meta = AuditEvent._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    params = [tuple(f.get_db_prep_save(getattr(ev, f.attname), connection) for f in fields) for ev in events]
    insert_rows(meta.db_table, [f.column for f in fields], params)


def insert_rows(table, columns, rows):
    """INSERT ``rows`` (tuples of prepared values) into ``table``: SQLite runs one prepared statement for every row
    (``executemany``, in-process); PostgreSQL gets multi-row VALUES in chunks (one round trip each, not one a row)."""
    from django.db import connection

    if not rows:
        return
    q = connection.ops.quote_name
    head = f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) VALUES "
    one = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(head + one, rows)
            return
        size = max(1, 30000 // len(columns))
        for k in range(0, len(rows), size):
            part = rows[k:k + size]
            cursor.execute(head + ", ".join([one] * len(part)), [x for row in part for x in row])


def _pending_event(*, actor, action, obj=None, node=None, changes=None, reason="", action_label="", is_public=False,
                   object_type=None, object_id=None, object_repr=None, ip=None):
    from .models import AuditEvent

    state = None
    if obj is not None:
        own_type = object_type_of(obj)
        if (object_type or own_type) == own_type and obj.pk is not None:
            state = dict(PENDING_STATE)
        object_type = object_type or own_type
        object_id = object_id if object_id is not None else obj.pk
        object_repr = object_repr if object_repr is not None else str(obj)[:255]
        if node is None:
            node = getattr(obj, "node", None)
    chain = chain_for_node(node)
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    actor_label = (getattr(actor, "display_name", None) or str(actor))[:100] if actor_id else (
        actor if isinstance(actor, str) else "系统")
    return AuditEvent(
        chain=chain,
        seq=None,
        at=clock.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        ip=(ip if ip is not None else request_ip.get())[:64],
        action=action,
        action_label=(action_label or ACTION_LABELS.get(action, action))[:100],
        object_type=object_type,
        object_id=str(object_id),
        object_repr=(object_repr or "")[:255],
        node_id=node.pk if node is not None else None,
        changes=normalize(changes or {}),
        reason=reason or "",
        is_public=bool(is_public),
        state=state,
        prev_hash="",
        hash="",
    )


def _seal_on_commit(chain):
    """Register one seal of ``chain`` for when the current transaction commits (once per chain and transaction)."""
    connection = transaction.get_connection()
    for _sids, func, _robust in connection.run_on_commit:
        if getattr(func, "audit_chain", None) == chain:
            return
    callback = functools.partial(_seal_quietly, chain)
    callback.audit_chain = chain
    transaction.on_commit(callback, robust=True)


def _seal_quietly(chain):
    try:
        seal(chain)
    except Exception:  # noqa: BLE001 - the business change is committed; a later seal picks the events up
        log.exception("审计事件入链失败（链 %s），将在下次写入或校验时补入", chain)


def _snapshot_fields(model):
    exclude = SNAPSHOT_EXCLUDE | set(getattr(model, "audit_snapshot_exclude", ()))
    fields = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in exclude or isinstance(f, models.BinaryField) or getattr(f, "auto_now", False):
            continue
        fields.append(f)
    return fields


def _digest(value):
    return hashlib.sha256(_ENCODER.encode(normalize(value)).encode("utf-8")).hexdigest()[:16]


def _model_for(object_type):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def current_states(object_type, object_ids):
    """{object_id (str): {field: digest}} of the rows as they are now in the database (absent rows left out)."""
    model = _model_for(object_type)
    if model is None:
        return None
    fields = _snapshot_fields(model)
    names = [f.attname for f in fields]
    out = {}
    ids = list(object_ids)
    for k in range(0, len(ids), 1000):
        for row in model._base_manager.filter(pk__in=ids[k:k + 1000]).values("pk", *names):
            out[str(row["pk"])] = {f.name: _digest(row[f.attname]) for f in fields}
    return out


def _chain_head_for_update(chain):
    return _lock_head(chain)


def seal(chain, batch=SEAL_BATCH):
    """Seal the committed pending events of ``chain`` in short transactions of at most ``batch`` events.
    Returns how many were sealed."""
    from .models import AuditEvent

    sealed, anchor_reasons = 0, []
    while True:
        with transaction.atomic():
            head = _chain_head_for_update(chain)
            pending = list(AuditEvent.objects.filter(chain=chain, seq__isnull=True).order_by("id")[:batch])
            if not pending:
                break
            wanted = {}
            for ev in pending:
                if ev.state == PENDING_STATE:
                    wanted.setdefault(ev.object_type, set()).add(ev.object_id)
            states = {t: current_states(t, ids) for t, ids in wanted.items()}
            seq, prev = head.last_seq, head.last_hash
            for ev in pending:
                if ev.state == PENDING_STATE:
                    found = states.get(ev.object_type)
                    ev.state = None if found is None else found.get(ev.object_id, MISSING)
                seq += 1
                ev.seq, ev.prev_hash = seq, prev
                ev.hash = prev = compute_hash(**{f: getattr(ev, f) for f in HASH_FIELDS})
                if _finalises_report(ev):
                    anchor_reasons.append(f"报告定稿：{ev.object_repr}")
            _write_seals(pending)
            head.last_seq, head.last_hash = seq, prev
            head.save(update_fields=["last_seq", "last_hash"])
            sealed += len(pending)
        if len(pending) < batch:
            break
    for reason in anchor_reasons[:1]:
        try:
            anchor(reason=reason)
        except Exception:  # noqa: BLE001 - the scheduled anchor will still sign the head
            log.exception("报告定稿后锚定审计链失败")
    return sealed


def _write_seals(events):
    """Store the seal of ``events`` (seq, prev_hash, hash, state): one prepared UPDATE by id run for every event
    (``executemany``) — what ``bulk_update`` writes, without building a CASE expression per event and column
    (which cost more than the hashing when an import seals thousands of events)."""
    from django.db import connection

    from .models import AuditEvent

    meta = AuditEvent._meta
    state = meta.get_field("state")
    q = connection.ops.quote_name
    columns = ", ".join(f"{q(meta.get_field(name).column)} = %s" for name in ("seq", "prev_hash", "hash", "state"))
    sql = f"UPDATE {q(meta.db_table)} SET {columns} WHERE {q(meta.pk.column)} = %s"
    params = [(ev.seq, ev.prev_hash, ev.hash, state.get_db_prep_save(ev.state, connection), ev.pk) for ev in events]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(sql, params)
            return
        # PostgreSQL: one statement per chunk (a round trip per event costs more than the update)
        col = {name: q(meta.get_field(name).column) for name in ("seq", "prev_hash", "hash", "state")}
        pk = q(meta.pk.column)
        for k in range(0, len(params), 2000):
            part = params[k:k + 2000]
            cursor.execute(
                f"UPDATE {q(meta.db_table)} AS e SET {col['seq']} = v.seq::bigint, {col['prev_hash']} = v.prev_hash, "
                f"{col['hash']} = v.hash, {col['state']} = v.state::jsonb "
                f"FROM (VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(part))}) AS v(seq, prev_hash, hash, state, id) "
                f"WHERE e.{pk} = v.id::bigint", [x for row in part for x in row])


def _finalises_report(ev):
    status = ev.changes.get("status") if isinstance(ev.changes, dict) else None
    return ev.object_type.startswith("reports.") and isinstance(status, list) and status and status[-1] == "final"


def pending_chains():
    from .models import AuditEvent

    return sorted(set(AuditEvent.objects.filter(seq__isnull=True).values_list("chain", flat=True)))


def seal_all():
    """Seal every chain's pending events (run before verifying, anchoring or backing up)."""
    return sum(seal(chain) for chain in pending_chains())


def timeline(obj=None, *, object_type=None, object_id=None, public_only=False):
    """The audit events of one record, oldest first (the record's history on its detail page)."""
    from .models import AuditEvent

    if obj is not None:
        object_type, object_id = object_type_of(obj), obj.pk
    qs = AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
    if public_only:
        qs = qs.filter(is_public=True)
    return qs.order_by("at", "chain", "seq")


def timeline_many(object_type, object_ids):
    from .models import AuditEvent

    return AuditEvent.objects.filter(object_type=object_type, object_id__in=[str(i) for i in object_ids])


class BrokenChain:
    def __init__(self, event_id, chain, seq, problem):
        self.event_id, self.chain, self.seq, self.problem = event_id, chain, seq, problem

    def __str__(self):
        return f"审计链 {self.chain} 第 {self.seq} 号事件（id={self.event_id}）：{self.problem}"


_SELECT = ("SELECT id, chain, seq, {at}, actor_id, actor_label, ip, action, action_label, object_type, object_id, "
           "object_repr, node_id, changes, reason, is_public, prev_hash, hash, state FROM core_auditevent "
           "WHERE chain = %s AND seq IS NOT NULL ORDER BY seq")


def _verify_chain(chain, last_seq, last_hash, chunk_size, progress=None, offset=0):
    """Verify one chain; return (events_checked, BrokenChain or None)."""
    from django.db import connection

    checked, expected_seq, prev = 0, 1, GENESIS_HASH
    loads, encode, sha256, utc = json.loads, _ENCODER.encode, hashlib.sha256, _UTC
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        # On SQLite read the timestamp as its stored text (naive UTC): parsing a million datetimes in Python costs
        # more than hashing them.
        cursor.execute(_SELECT.format(at="CAST(at AS TEXT)" if connection.vendor == "sqlite" else "at"), [chain])
        while True:
            rows = cursor.fetchmany(chunk_size)
            if not rows:
                break
            for (event_id, ch, seq, at, actor_id, actor_label, ip, action, action_label, object_type, object_id,
                 object_repr, node_id, changes, reason, is_public, prev_hash, stored_hash, state) in rows:
                if seq != expected_seq:
                    return checked, BrokenChain(event_id, chain, seq, f"序号不连续，应为 {expected_seq}（有事件被删除或插入）")
                if prev_hash != prev:
                    return checked, BrokenChain(event_id, chain, seq, "前一事件哈希不符（链被改动）")
                if isinstance(changes, (str, bytes)):
                    changes = loads(changes)
                if isinstance(at, str):
                    at = at.replace(" ", "T") + "+00:00" if len(at) <= 26 else datetime.datetime.fromisoformat(at).astimezone(utc).isoformat()
                else:
                    at = (at.replace(tzinfo=utc) if at.tzinfo is None else at.astimezone(utc)).isoformat()
                items = [ch, seq, at, actor_id, actor_label, ip, action, action_label, object_type,
                         str(object_id), object_repr, node_id, changes, reason, bool(is_public), prev_hash]
                if state is not None:
                    items.append(loads(state) if isinstance(state, (str, bytes)) else state)
                content = encode(items)
                if sha256(content.encode("utf-8")).hexdigest() != stored_hash:
                    return checked, BrokenChain(event_id, chain, seq, "内容与哈希不符（事件内容被改动）")
                prev = stored_hash
                expected_seq += 1
                checked += 1
                if progress and (offset + checked) % 100000 == 0:
                    progress(offset + checked)
    if expected_seq - 1 != last_seq or prev != last_hash:
        return checked, BrokenChain(None, chain, expected_seq, f"链尾与链头记录不符（链头为第 {last_seq} 号，有事件被删除）")
    return checked, None


def _verify_chain_in_child(args):
    from django.db import connections

    connections.close_all()  # a forked child opens its own connection
    try:
        return _verify_chain(*args)
    finally:
        connections.close_all()


def verify(chunk_size=5000, progress=None, workers=1):
    """Walk every chain in order, streaming rows with a server-side cursor; return (events_checked, first
    BrokenChain or None). Memory stays constant whatever the length of a chain. Chains are independent, so with
    ``workers`` > 1 they are verified in parallel processes (never inside a transaction, whose rows other
    connections could not see)."""
    from django.db import connection, connections

    from .models import AuditChainHead, AuditEvent

    chains = list(AuditChainHead.objects.order_by("chain").values_list("chain", "last_seq", "last_hash"))
    known = {c for c, _, _ in chains}
    stray = AuditEvent.objects.exclude(chain__in=known).values_list("id", "chain", "seq").first()
    if stray:
        return 0, BrokenChain(stray[0], stray[1], stray[2], "事件所属的审计链没有链头记录")
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if workers > 1 and len(chains) > 1 and not connection.in_atomic_block and not in_memory:
        import multiprocessing

        connections.close_all()
        with multiprocessing.get_context("fork").Pool(min(workers, len(chains))) as pool:
            results = pool.map(_verify_chain_in_child, [(c, s, h, chunk_size) for c, s, h in chains], chunksize=1)
    else:
        results, total = [], 0
        for chain, last_seq, last_hash in chains:
            checked, broken = _verify_chain(chain, last_seq, last_hash, chunk_size, progress, total)
            results.append((checked, broken))
            total += checked
            if broken:
                break
    checked = 0
    for count, broken in results:
        checked += count
        if broken:
            return checked, broken
    return checked, None


# ---- records: is each audited row still what its last event says? -------------------------------------------------

class RecordProblem:
    def __init__(self, object_type, object_id, object_repr, chain, seq, fields=(), missing=False, reappeared=False):
        self.object_type, self.object_id, self.object_repr = object_type, object_id, object_repr
        self.chain, self.seq, self.fields, self.missing, self.reappeared = chain, seq, list(fields), missing, reappeared

    def __str__(self):
        what = f"{self.object_type} #{self.object_id}（{self.object_repr}）"
        where = f"最后一条审计事件：链 {self.chain} 第 {self.seq} 号"
        if self.missing:
            return f"{what} 已从数据库中消失，但没有经平台删除的记录（{where}）"
        if self.reappeared:
            return f"{what} 在审计记录中已不存在，数据库中却有这一行（{where}）"
        return f"{what} 的字段 {'、'.join(self.fields)} 在平台之外被改动（{where}）"


def verify_records(chunk_size=5000):
    """Compare every audited record's current row with the snapshot in its last sealed event. Returns
    (records_checked, [RecordProblem]). Records whose last event has no snapshot (older events, events about
    another object) are not checked."""
    from django.db import connection

    from .models import AuditEvent

    checked, problems = 0, []
    types = list(AuditEvent.objects.filter(state__isnull=False, seq__isnull=False).order_by()
                 .values_list("object_type", flat=True).distinct())
    for object_type in sorted(types):
        if _model_for(object_type) is None:
            continue
        last = {}  # object_id -> (at, chain, seq, repr, state)
        qs = (AuditEvent.objects.filter(object_type=object_type, seq__isnull=False).order_by()
              .values_list("object_id", "at", "chain", "seq", "object_repr", "state"))
        with transaction.atomic():
            cursor_rows = qs.iterator(chunk_size=chunk_size) if connection.vendor != "sqlite" else qs.iterator()
            # Within a chain ``seq`` is the order of sealing, i.e. of the snapshots (``at`` may be back-dated, e.g.
            # by the demo loader's clock); across chains (a record moved subdistrict) the later ``at`` wins.
            for object_id, at, chain, seq, object_repr, state in cursor_rows:
                have = last.get(object_id)
                if (have is None or (chain == have[0][1] and seq > have[0][2])
                        or (chain != have[0][1] and at > have[0][0])):
                    last[object_id] = ((at, chain, seq), object_repr, state)
        ids = [i for i, (_k, _r, state) in last.items() if state is not None]
        for k in range(0, len(ids), chunk_size):
            part = ids[k:k + chunk_size]
            now = current_states(object_type, part)
            for object_id in part:
                (at, chain, seq), object_repr, state = last[object_id]
                checked += 1
                row = now.get(object_id)
                if state == MISSING:
                    if row is not None:
                        problems.append(RecordProblem(object_type, object_id, object_repr, chain, seq, reappeared=True))
                    continue
                if row is None:
                    problems.append(RecordProblem(object_type, object_id, object_repr, chain, seq, missing=True))
                    continue
                changed = sorted(f for f in set(state) | set(row) if state.get(f) != row.get(f))
                if changed:
                    problems.append(RecordProblem(object_type, object_id, object_repr, chain, seq, fields=changed))
    return checked, problems


# ---- anchors: signed chain heads in an append-only file outside the database ----------------------------------

def anchor_log_path():
    """Where anchors are appended: ``settings.FAZHI_ANCHOR_LOG`` or env ``FAZHI_ANCHOR_LOG``, else
    var/audit-anchors.log. Under tests nothing is anchored unless a test configures a path."""
    configured = getattr(settings, "FAZHI_ANCHOR_LOG", None) or os.environ.get("FAZHI_ANCHOR_LOG")
    if configured:
        return Path(configured)
    if getattr(settings, "TESTING", False):
        return None
    return Path(settings.VAR_DIR) / "audit-anchors.log"


def anchor_key():
    """The HMAC key: env ``FAZHI_ANCHOR_KEY`` (base64 or text), else var/anchor.key (created once, mode 0600).
    Never stored in the database."""
    raw = getattr(settings, "FAZHI_ANCHOR_KEY", None) or os.environ.get("FAZHI_ANCHOR_KEY")
    if raw:
        try:
            return base64.b64decode(raw, validate=True)
        except ValueError:
            return raw.encode("utf-8")
    path = Path(getattr(settings, "FAZHI_ANCHOR_KEY_FILE", None) or Path(settings.VAR_DIR) / "anchor.key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def _mac(key, entry):
    body = {k: v for k, v in entry.items() if k != "mac"}
    return hmac.new(key, _ENCODER.encode(body).encode("utf-8"), hashlib.sha256).hexdigest()


def _append(path, entries, key):
    lines = []
    for entry in entries:
        entry["mac"] = _mac(key, entry)
        lines.append(_ENCODER.encode(entry) + "\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, "".join(lines).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def heads():
    from .models import AuditChainHead

    return list(AuditChainHead.objects.order_by("chain").values_list("chain", "last_seq", "last_hash"))


def anchor(reason="定时锚定", kind="head"):
    """Seal, then append one signed line per chain head. Returns the entries written ([] when anchoring is off)."""
    path = anchor_log_path()
    if path is None:
        return []
    seal_all()
    key = anchor_key()
    at = clock.now().astimezone(_UTC).isoformat()
    entries = [{"v": 1, "kind": kind, "at": at, "reason": reason, "chain": c, "seq": s, "hash": h}
               for c, s, h in heads()]
    if not entries:
        entries = [{"v": 1, "kind": kind, "at": at, "reason": reason, "chain": None, "seq": 0, "hash": GENESIS_HASH}]
    _append(path, entries, key)
    return entries


class AnchorProblem:
    def __init__(self, line, problem):
        self.line, self.problem = line, problem

    def __str__(self):
        return f"锚点文件第 {self.line} 行：{self.problem}"


def verify_anchors():
    """Check every signed line of the anchor log against the database. Returns (anchors_checked, [AnchorProblem],
    notes). A line with a bad signature, or whose (chain, seq) is missing or has another hash, is a problem; anchors
    older than a restore beyond the restored heads are listed in ``notes`` (data lost by the restore, on record)."""
    from .models import AuditEvent

    path = anchor_log_path()
    if path is None or not path.exists():
        return 0, [], ["尚无审计锚点文件（运行 manage.py anchor_audit 建立）"]
    key = anchor_key()
    problems, notes, wanted = [], [], {}
    with open(path, encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            text = text.strip()
            if not text:
                continue
            try:
                entry = json.loads(text)
            except ValueError:
                problems.append(AnchorProblem(number, "不是有效的锚点记录"))
                continue
            if not isinstance(entry, dict) or not hmac.compare_digest(str(entry.get("mac", "")), _mac(key, entry)):
                problems.append(AnchorProblem(number, "签名无效（锚点被伪造或密钥不符）"))
                continue
            if entry.get("kind") == "restore":
                # The database was restored from a backup: earlier anchors beyond the restored head are history.
                floor = entry.get("seq", 0)
                for (chain, seq), (line, _h) in list(wanted.items()):
                    if chain == entry.get("chain") and seq > floor:
                        notes.append(f"第 {line} 行锚定的链 {chain} 第 {seq} 号在第 {number} 行记录的恢复中丢失")
                        del wanted[chain, seq]
            if entry.get("chain") is None or not entry.get("seq"):
                continue
            wanted[entry["chain"], entry["seq"]] = (number, entry["hash"])
    by_chain = {}
    for (chain, seq), value in wanted.items():
        by_chain.setdefault(chain, {})[seq] = value
    for chain, seqs in by_chain.items():
        found = {}
        keys = list(seqs)
        for k in range(0, len(keys), 1000):
            found.update(AuditEvent.objects.filter(chain=chain, seq__in=keys[k:k + 1000]).values_list("seq", "hash"))
        for seq, (line, expected) in sorted(seqs.items()):
            if seq not in found:
                problems.append(AnchorProblem(line, f"链 {chain} 第 {seq} 号事件已不在数据库中（审计表被清空或截断）"))
            elif found[seq] != expected:
                problems.append(AnchorProblem(line, f"链 {chain} 第 {seq} 号事件的哈希与锚点不符（审计链被重算）"))
    return len(wanted), problems, notes
