"""Help the mediator decide: the triage suggestion at intake and the similar past cases on every dispute page.

Learned from the tenant's own concluded cases (``triage_engine``), with keyword rules as the fallback while the
history is thin. A field is filled in for the clerk only when its confidence reaches ``threshold()``; below it the
suggestion says "待人工分派". Trained by ``manage.py triage_retrain`` (nightly through a core job) or from the page.

Similar cases are always looked up inside what the user may see: the candidates are ranked on the tenant's index
with a mask of the user's nodes, and the final rows come from ``dispute_policy.instances_for(user)``.
"""
from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction

from fazhi.core import audit, clock, policy
from fazhi.core.models import OrgNode, Unit
from fazhi.core.search import tokens

from .models import Dispute, DisputeKind, MediationRoom, TriageModel
from .policies import dispute_policy
from .triage_engine import Doc, Engine, Guess, accuracy, meta_words, split

MIN_CASES = 30  # below this many concluded cases the rules answer
KEEP_MODELS = 3
EVAL_TRAIN = 20000
CONCLUDED = (Dispute.Status.AGREED, Dispute.Status.FAILED, Dispute.Status.CLOSED)
LEVEL_LABELS = dict(Dispute.Level.choices)
MANUAL = "待人工分派"

RULES = {  # kind code -> words that point to it (the fallback while a tenant has little history)
    "labour": ("工资", "欠薪", "工伤", "劳务", "工钱", "包工头", "辞退", "上班", "打工"),
    "marriage_family": ("赡养", "离婚", "抚养", "继承", "遗产", "婆媳", "夫妻", "子女", "老人"),
    "land": ("宅基地", "承包地", "承包", "边界", "地头", "生产路", "土地"),
    "property_mgmt": ("物业", "车位", "小区", "业主", "供暖"),
    "contract_debt": ("借款", "欠款", "借贷", "货款", "欠条", "合同", "退款"),
    "damages": ("交通事故", "咬伤", "受伤", "撞", "骨折", "医疗费"),
    "demolition": ("拆迁", "安置", "过渡费", "旧村改造"),
    "neighbour": ("邻居", "漏水", "噪音", "排水", "院墙", "采光", "楼上", "楼下"),
}


def threshold() -> float:
    return float(getattr(settings, "DISPUTES_TRIAGE_THRESHOLD", 0.6))


_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("triage_memo", default=None)


@contextlib.contextmanager
def memo(store=None):
    """Within the block, the lookups a suggestion makes (the tenant's model, kind names, rooms and bodies) are read
    once and remembered (in ``store``, a dict that may outlive the block: one import's batches share it): a bulk
    import suggests for thousands of cases with a handful of queries. Same answers."""
    token = _memo.set({} if store is None else store)
    try:
        yield
    finally:
        _memo.reset(token)


def _remembered(key, compute):
    cache = _memo.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@dataclass
class FieldSuggestion:
    value: str  # kind code / level / "room:<id>|body:<id>"
    label: str
    confidence: float
    top: list[tuple[str, str, float]] = field(default_factory=list)  # (value, label, confidence)

    @property
    def assigned(self) -> bool:
        return bool(self.value) and self.confidence >= threshold()

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass
class Suggestion:
    method: str  # "model" | "rules"
    kind: FieldSuggestion | None
    level: FieldSuggestion | None
    routing: FieldSuggestion | None
    neighbours: list[int]  # pks of the nearest past cases in the tenant (unscoped: filter before showing)
    model: TriageModel | None = None
    threshold: float = 0.6

    @property
    def kind_obj(self):
        if not self.kind:
            return None
        code = self.kind.value
        return _remembered(("kind", code), lambda: DisputeKind.objects.filter(code=code).first())

    def routing_objects(self):
        return routing_objects(self.routing.value if self.routing else "")


def routing_objects(value: str):
    """(room, centre body) of a routing value "room:<id>|body:<id>"."""
    return _remembered(("routing", value), lambda: _routing_objects(value))


def _routing_objects(value: str):
    room = body = None
    for part in (value or "").split("|"):
        key, _, pk = part.partition(":")
        if pk.isdigit():
            if key == "room":
                room = MediationRoom.objects.filter(pk=int(pk)).first()
            elif key == "body":
                body = Unit.objects.filter(pk=int(pk)).first()
    return room, body


def routing_value(room_id, body_id) -> str:
    return f"room:{room_id or ''}|body:{body_id or ''}" if (room_id or body_id) else "none"


def _routing_label(value: str) -> str:
    if value in ("", "none"):
        return "无需调解室（村、网格调解）"
    room, body = routing_objects(value)
    return " + ".join(x.name for x in (room, body) if x is not None) or "—"


# ---- features of a case -------------------------------------------------------------------------------------------

def case_words(d: Dispute, parties=None) -> list[str]:
    """Features of a stored case, from its stored segmented text (no jieba at training time)."""
    parties = list(d.parties.all()) if parties is None else parties
    return _stored_words(d.search_text, d.tracking_code, d.channel, d.village_id, d.amount, d.grid_id,
                         f"{d.title}{d.description}", [(p.role, p.kind) for p in parties])


def _stored_words(search_text, tracking_code, channel, village_id, amount, grid_id, text, parties) -> list[str]:
    code = (tracking_code or "").lower()
    return [w for w in (search_text or "").split() if w != code] + meta_words(
        channel=channel, village=village_id, amount=amount,
        applicants=sum(1 for role, _ in parties if role == "applicant"),
        org_respondent=any(role == "respondent" and kind == "organisation" for role, kind in parties),
        grid=grid_id is not None, text=text)


def intake_words(*, title="", description="", place="", channel="", village=None, grid=None, amount=None,
                 parties=(), text_tokens=None) -> list[str]:
    """``text_tokens``: ``tokens(f"{title} {description} {place}")`` when the caller has them already."""
    village_id = getattr(village, "pk", village)
    text = tokens(f"{title} {description} {place}") if text_tokens is None else text_tokens
    return text + meta_words(
        channel=channel, village=village_id, amount=amount,
        applicants=sum(1 for p in parties if p.get("role", "applicant") == "applicant") or 1,
        org_respondent=any(p.get("role") == "respondent" and p.get("kind") == "organisation" for p in parties),
        grid=bool(grid), text=f"{title}{description}")


def history(tenant: OrgNode) -> list[Doc]:
    """Every concluded case of the tenant as a training document: plain tuples from three queries (cases, parties,
    agreed terms), no model instances — 100k cases must read in seconds."""
    from .models import Agreement, Party

    qs = Dispute.objects.filter(village__path__startswith=tenant.path, status__in=CONCLUDED)
    parties: dict[int, list] = {}
    for dispute_id, role, kind in Party.objects.filter(dispute__in=qs.values("pk")).values_list(
            "dispute_id", "role", "kind").iterator(chunk_size=5000):
        parties.setdefault(dispute_id, []).append((role, kind))
    # the agreed terms count for similarity ("what was agreed in cases like this"); the same wording is segmented once
    segmented: dict[str, list[str]] = {}
    terms = {}
    for dispute_id, text in Agreement.objects.filter(dispute__in=qs.values("pk")).values_list("dispute_id", "terms"):
        if text not in segmented:
            segmented[text] = tokens(text)
        terms[dispute_id] = segmented[text]
    docs = []
    rows = qs.order_by("pk").values_list(
        "pk", "node_id", "village_id", "grid_id", "channel", "amount", "search_text", "tracking_code", "title",
        "description", "kind__code", "level", "room_id", "centre_body_id", "status")
    for (pk, node_id, village_id, grid_id, channel, amount, search_text, code, title, description, kind, level,
         room_id, body_id, status) in rows.iterator(chunk_size=5000):
        words = _stored_words(search_text, code, channel, village_id, amount, grid_id, f"{title}{description}",
                              parties.get(pk, []))
        docs.append(Doc(pk=pk, node=node_id, words=words,
                        labels={"kind": kind, "level": level, "routing": routing_value(room_id, body_id)},
                        extra=[f"#k:{kind}", f"#o:{status}", *terms.get(pk, [])]))
    return docs


# ---- training -----------------------------------------------------------------------------------------------------

def train(*, tenant: OrgNode, actor=None) -> TriageModel:
    """Train the tenant's model on its concluded cases: held-out accuracy on every 5th case (a model trained on
    the other four fifths), then the model in use on all of them. Keeps the last few models."""
    t0 = time.monotonic()
    docs = history(tenant)
    train_docs, test_docs = split(docs)
    # the held-out model learns from at most EVAL_TRAIN cases: the figure barely moves beyond that, the time does
    metrics = accuracy(Engine.fit(train_docs[-EVAL_TRAIN:]), test_docs[-500:]) if len(test_docs) >= 10 else {}
    engine = Engine.fit(docs)
    seconds = time.monotonic() - t0
    with transaction.atomic():
        m = TriageModel.objects.create(node=tenant, trained_at=clock.now(), trained_by=actor, cases=len(docs),
                                       vocabulary=len(engine.vocab), seconds=round(seconds, 3),
                                       metrics={**metrics, "held_out": min(len(test_docs), 500)},
                                       data=engine.dumps())
        old = TriageModel.objects.filter(node=tenant).order_by("-trained_at", "-id").values_list("pk", flat=True)
        TriageModel.objects.filter(pk__in=list(old[KEEP_MODELS:])).delete()
        audit.record(actor=actor or "系统（定时任务）", action="update", action_label="重新训练分派建议模型", obj=m,
                     node=tenant, changes={"cases": len(docs), "metrics": metrics})
    return m


_cache: dict[int, tuple[tuple, Engine]] = {}
_lock = threading.Lock()


def current(tenant: OrgNode) -> tuple[TriageModel | None, Engine | None]:
    """The tenant's newest model and its engine (loaded once per process, until a newer one is trained)."""
    return _remembered(("current", tenant.pk), lambda: _current(tenant))


def _kind_name(code):
    return _remembered(("kind_name", code),
                       lambda: DisputeKind.objects.filter(code=code).values_list("name", flat=True).first())


def _current(tenant: OrgNode) -> tuple[TriageModel | None, Engine | None]:
    m = (TriageModel.objects.filter(node=tenant).order_by("-trained_at", "-id")
         .only("pk", "node_id", "trained_at", "cases", "metrics", "vocabulary", "seconds").first())
    if m is None:
        return None, None
    key = (m.pk, m.trained_at, m.cases)  # an id alone can come back (SQLite reuses a deleted row's id)
    cached = _cache.get(tenant.pk)
    if cached is None or cached[0] != key:
        with _lock:
            data = TriageModel.objects.filter(pk=m.pk).values_list("data", flat=True).first()
            _cache[tenant.pk] = (key, Engine.loads(data))
    return m, _cache[tenant.pk][1]


# ---- suggestion ---------------------------------------------------------------------------------------------------

def _field(f: str, g: Guess) -> FieldSuggestion:
    def label(v):
        if f == "kind":
            return _kind_name(v) or v
        if f == "level":
            return LEVEL_LABELS.get(v, v)
        return _routing_label(v)

    return FieldSuggestion(g.value, label(g.value), g.confidence, [(v, label(v), c) for v, c in g.top])


def suggest(*, tenant: OrgNode, words: list[str], amount=None, applicants: int = 1, exclude_pk=None) -> Suggestion:
    m, engine = current(tenant)
    if engine is not None and m.cases >= MIN_CASES:
        guesses, near = engine.predict(words, exclude_pk=exclude_pk)
        fields = {f: _field(f, g) for f, g in guesses.items()}
        return Suggestion("model", fields.get("kind"), fields.get("level"), fields.get("routing"),
                          [int(engine.pks[i]) for i, _ in near], m, threshold())
    return rules(tenant=tenant, words=words, amount=amount, applicants=applicants)


def rules(*, tenant: OrgNode, words, amount=None, applicants=1) -> Suggestion:
    """Keyword rules: the kind whose words occur most; the room whose specialities include it; the level by the
    amount and the number of applicants. Confidence stays modest, so most fields wait for a person."""
    text = "".join(words)
    hits = sorted(((sum(w in text for w in ws), code) for code, ws in RULES.items()), reverse=True)
    kind = None
    if hits and hits[0][0] > 0:
        best, code = hits[0]
        second = hits[1][0] if len(hits) > 1 else 0
        conf = 0.65 if best >= 2 and second == 0 else 0.45 if best > second else 0.3
        name = _kind_name(code) or code
        kind = FieldSuggestion(code, name, conf, [(code, name, conf)])
    big = (float(amount or 0) >= 100000) or applicants >= 5 or "#hard" in words
    level = "subdistrict" if big else "grid" if "#ch:patrol" in words else "village"
    level_s = FieldSuggestion(level, LEVEL_LABELS[level], 0.5, [(level, LEVEL_LABELS[level], 0.5)])
    routing = None
    if kind is not None and level == "subdistrict":
        code = kind.value
        room = _remembered(("room", tenant.pk, code), lambda: MediationRoom.objects.filter(
            node=tenant, is_active=True, specialities__code=code).first())
        body = _remembered(("body", tenant.pk), lambda: Unit.objects.filter(
            node=tenant, kind=Unit.Kind.CENTRE_BODY, is_active=True, name="司法所").first())
        value = routing_value(room.pk if room else None, body.pk if body else None)
        routing = FieldSuggestion(value, _routing_label(value), 0.4, [(value, _routing_label(value), 0.4)])
    return Suggestion("rules", kind, level_s, routing, [], None, threshold())


# ---- similar cases (scoped) ---------------------------------------------------------------------------------------

def _visible_mask(user, engine: Engine) -> np.ndarray | None:
    """Which indexed cases the user's node scope covers (None: no node scope, only per-row grants)."""
    if not policy.scope_paths(user, "disputes.view"):
        return None
    nodes = list(OrgNode.objects.filter(policy.nodes_q(user, "disputes.view")).values_list("pk", flat=True))
    return np.isin(engine.nodes, np.asarray(nodes, dtype=np.int64))


def similar(*, user, tenant: OrgNode, words: list[str], exclude_pk=None, limit: int = 5) -> list[Dispute]:
    """The concluded cases most like ``words`` that ``user`` may see, best first (never outside their scope)."""
    _, engine = current(tenant)
    if engine is None or engine.size == 0:
        return []
    mask = _visible_mask(user, engine)
    if mask is None:  # e.g. a legal advisor: only the cases granted row by row
        visible = dispute_policy.instances_for(user, "view").values_list("pk", flat=True)[:5000]
        mask = np.isin(engine.pks, np.asarray(list(visible), dtype=np.int64))
    near = engine.nearest(words, limit * 3, mask=mask, exclude_pk=exclude_pk)
    pks = [int(engine.pks[i]) for i, _ in near]
    rows = {d.pk: d for d in dispute_policy.instances_for(user, "view").filter(pk__in=pks)
            .select_related("kind", "village", "room", "centre_body", "agreement")}
    return [rows[pk] for pk in pks if pk in rows][:limit]


def similar_to(*, user, dispute: Dispute, limit: int = 5) -> list[Dispute]:
    """Closed cases like this one: its words, kind, village, amount band and (once agreed) its agreement's terms."""
    words = case_words(dispute) + [f"#k:{dispute.kind.code}"]
    agreement = getattr(dispute, "agreement", None)  # a missing one-to-one raises an AttributeError subclass
    if agreement is not None and agreement.terms:
        words += tokens(agreement.terms)
    return similar(user=user, tenant=dispute.village.tenant(), words=words, exclude_pk=dispute.pk, limit=limit)


def visible_neighbours(*, user, pks: list[int], limit: int = 3) -> list[Dispute]:
    rows = {d.pk: d for d in dispute_policy.instances_for(user, "view").filter(pk__in=pks)
            .select_related("kind", "village", "room", "centre_body")}
    return [rows[pk] for pk in pks if pk in rows][:limit]
