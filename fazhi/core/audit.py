"""The tamper-evident audit log.

Every service that creates, changes or moves a business record calls ``audit.record(...)`` inside its
transaction. Events form one hash chain per subdistrict (district-level events use the "root" chain): each
stores ``prev_hash`` and ``hash = sha256(canonical content)``. Appending locks the chain head row, so concurrent
writers (several processes on PostgreSQL) queue instead of forking the chain. On PostgreSQL a trigger installed by
a migration refuses UPDATE and DELETE on events; there is no edit or delete path in the UI, API or admin.
"""
import datetime
import decimal
import hashlib
import json
import uuid
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.db.models import Model

from . import clock, orgkinds
from .middleware import request_ip

ROOT_CHAIN = "root"
GENESIS_HASH = "0" * 64

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
               "object_id", "object_repr", "node_id", "changes", "reason", "is_public", "prev_hash")
_UTC = datetime.UTC


def compute_hash(*, chain, seq, at, actor_id, actor_label, ip, action, action_label, object_type, object_id,
                 object_repr, node_id, changes, reason, is_public, prev_hash):
    """SHA-256 of the event's canonical content: a JSON array in HASH_FIELDS order (``changes`` already normalized,
    its keys sorted). A fixed order keeps hashing cheap enough to verify a million events in seconds."""
    if isinstance(at, datetime.datetime):
        at = (at.replace(tzinfo=_UTC) if at.tzinfo is None else at.astimezone(_UTC)).isoformat()
    content = _ENCODER.encode(
        [chain, seq, at, actor_id, actor_label, ip, action, action_label, object_type, str(object_id), object_repr,
         node_id, changes, reason, bool(is_public), prev_hash])
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


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
    """A JSON-stable dict of ``fields`` of a model instance (FKs by id), for before/after diffs."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        data[name] = normalize(value)
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
    """Append one event to the chain of ``node``'s subdistrict. Must run inside the service's transaction."""
    from .models import AuditEvent

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id if object_id is not None else obj.pk
        object_repr = object_repr if object_repr is not None else str(obj)[:255]
        if node is None:
            node = getattr(obj, "node", None)
    chain = chain_for_node(node)
    head = _lock_head(chain)
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    actor_label = (getattr(actor, "display_name", None) or str(actor))[:100] if actor_id else (
        actor if isinstance(actor, str) else "系统")
    fields = dict(
        chain=chain,
        seq=head.last_seq + 1,
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
        prev_hash=head.last_hash,
    )
    fields["hash"] = compute_hash(**fields)
    event = AuditEvent.objects.create(**fields)
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


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
           "object_repr, node_id, changes, reason, is_public, prev_hash, hash FROM core_auditevent "
           "WHERE chain = %s ORDER BY seq")


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
                 object_repr, node_id, changes, reason, is_public, prev_hash, stored_hash) in rows:
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
                content = encode([ch, seq, at, actor_id, actor_label, ip, action, action_label, object_type,
                                  str(object_id), object_repr, node_id, changes, reason, bool(is_public), prev_hash])
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
