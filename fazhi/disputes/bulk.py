"""Registering many cases at once: a ledger import's batch (issue 16, imports at the speed of a spreadsheet).

``dispute_create`` (then the history replay through ``dispute_workflow.run``) costs ~50 queries a row: the duplicate
check, the tracking code, the deadline (calendar and rule), the risk checks, the triage suggestion's lookups, one
INSERT per party, span, notice, suggestion and audit event, and for the history one locked read, one UPDATE, two span
writes and one audit event per transition. ``register_many`` does the same work for a batch with a fixed number of
queries: every lookup once per batch, the cases, parties, spans, notices, suggestions, sessions and mediator links in
one bulk INSERT each, the tracking codes allocated for the batch in one step and the audit events appended in one go
(``audit.record_many``) — each case still gets its own events with the same content, sealed into the chain after the
commit with its snapshot.

What stays the service's: every refusal and every stored value comes from the same helpers
(``services.clean_intake``, ``new_dispute``, ``created_event``, ``registered_notice``, ``assist.intake_suggestion``,
the workflow table) — a test compares a batch imported here with the same rows imported through the services,
field by field and event by event. Rows that look like a submission already registered today (the service would
answer with that case) are not handled here: ``register_many`` returns None and the caller registers the batch
through the service, row by row.
"""
from __future__ import annotations

import datetime
import secrets

from django.db import IntegrityError, connection, transaction

from fazhi.core import audit, clock, codes, personal, policy, workdays
from fazhi.core.errors import DomainError
from fazhi.core.search import _PUNCT

from . import assist, services, triage
from .models import Dispute, MediationSession, Notice, Party, StateSpan, TriageSuggestion
from .workflow import dispute_workflow

S = Dispute.Status


class Deadlines:
    """``services.case_deadline`` for many cases: one calendar and each rule read once, each (rule, start) once."""

    def __init__(self):
        self.calendar = workdays.Calendar()
        self.rules, self.done = {}, {}

    def _rule(self, code):
        if code not in self.rules:
            try:
                self.rules[code] = workdays.rule(code)
            except DomainError as exc:
                self.rules[code] = exc
        found = self.rules[code]
        if isinstance(found, DomainError):
            raise found
        return found

    def _compute(self, code, start):
        return workdays.compute_deadline(code, start, cal=self.calendar, rule_obj=self._rule(code))

    def __call__(self, dispute):
        start = dispute.accepted_on or dispute.received_on
        code = dispute.kind.deadline_rule_code or "disputes.conclude"
        key = (code, start)
        if key not in self.done:
            try:
                self.done[key] = self._compute(code, start)
            except DomainError:  # as services._deadline: a kind whose rule is missing gets the default limit
                self.done[key] = self._compute("disputes.conclude", start)
        return self.done[key]


def tracking_codes(n):
    """``n`` new tracking codes (as ``services._new_tracking_code``: MT + 8 characters), checked in one query."""
    out = set()
    for _ in range(20):
        wanted = {"MT" + "".join(secrets.choice(codes.ALPHABET) for _ in range(8)) for _ in range(n - len(out))}
        wanted -= out
        taken = set(Dispute.objects.filter(tracking_code__in=wanted).values_list("tracking_code", flat=True))
        out |= wanted - taken
        if len(out) >= n:
            return list(out)[:n]
    raise DomainError("查询码生成失败，请重试。")  # pragma: no cover - 31^8 codes


class Risk:
    """``services._refresh_risk`` and ``assist.group_reasons`` for a batch: the earlier cases of the same parties and
    the open cases against the same respondents are read once (before the batch is written); the batch's own
    earlier rows are added as they are registered, exactly as the row-by-row service would find them."""

    def __init__(self, rows, words=None):
        self.words = services.active_risk_words() if words is None else words
        subs = {r.c.village.parent_id for r in rows}
        ids = {p["id_number"] for r in rows for p in r.c.parties if p["id_number"]}
        phones = {p["phone"] for r in rows for p in r.c.parties if p["phone"]}
        self.known = []  # (id hash, phone hash, received_on, subdistrict, tracking code) of earlier cases' parties
        if ids or phones:
            # by each blind index alone (its own index: the dates and places are compared below, so the query
            # does not turn into a scan of the cases as the table grows)
            since = min(r.received_on for r in rows) - datetime.timedelta(days=365)
            until = max(r.received_on for r in rows)
            found = {}
            for path, values in (("id_number", ids), ("phone", phones)):
                if values:
                    for row in Party.objects.filter(personal.match_any(path, values)).values_list(
                            "pk", "id_number_hash", "phone_hash", "dispute__received_on", "dispute__village__parent_id",
                            "dispute__tracking_code"):
                        found[row[0]] = row[1:]
            self.known = [found[pk] for pk in sorted(found)
                          if since <= found[pk][2] <= until and found[pk][3] in subs]
        names = {p["name"] for r in rows for p in r.c.parties if p["role"] == Party.Role.RESPONDENT}
        self.respondents = {}  # (name, subdistrict) -> {dispute: open?}
        if names:
            for name, sub, dispute_id in Party.objects.filter(
                    role=Party.Role.RESPONDENT, name__in=names, dispute__status__in=Dispute.OPEN_STATUSES,
                    dispute__village__parent_id__in=subs).values_list("name", "dispute__village__parent_id",
                                                                       "dispute_id"):
                self.respondents.setdefault((name, sub), {})[dispute_id] = True
        self.batch = []  # the batch's cases registered so far: (case, [(id hash, phone hash)])

    def reasons(self, case):
        d, parties = case.dispute, case.parties
        reasons = []
        ids = {personal.blind_index(p["id_number"]) for p in parties if p["id_number"]}
        phones = {personal.blind_index(p["phone"]) for p in parties if p["phone"]}
        ids.discard("")
        phones.discard("")
        sub = d.village.parent_id
        if ids or phones:
            since = d.received_on - datetime.timedelta(days=365)
            found = [code for id_hash, phone_hash, received, where, code in self.known
                     if (id_hash in ids or phone_hash in phones) and since <= received <= d.received_on
                     and where == sub]
            for other, hashes in self.batch:
                o = other.dispute
                if (any(i in ids or p in phones for i, p in hashes) and since <= o.received_on <= d.received_on
                        and o.village.parent_id == sub):
                    found.append(o.tracking_code)
            earlier = sorted(set(list(dict.fromkeys(found))[:5]))
            if earlier:
                reasons.append(f"重复纠纷：同一当事人12个月内另有纠纷（{'、'.join(earlier)}）")
        applicants = [p for p in parties if p["role"] == Party.Role.APPLICANT]
        respondents = [p for p in parties if p["role"] == Party.Role.RESPONDENT]
        if len(applicants) >= assist.GROUP_APPLICANTS and len(respondents) <= 1:
            reasons.append(f"群体性：{len(applicants)}位申请人针对同一被申请人")
        for r in respondents:
            others = len(self.respondents.get((r["name"], sub), {}))
            others += sum(1 for other, _ in self.batch
                          if other.dispute.status in Dispute.OPEN_STATUSES and other.dispute.village.parent_id == sub
                          and any(p["role"] == Party.Role.RESPONDENT and p["name"] == r["name"]
                                  for p in other.parties))
            if others + 1 >= assist.GROUP_OPEN_CASES:
                reasons.append(f"群体性：被申请人 {r['name']} 另有{others}起在办纠纷")
        found = services.risk_words_in(f"{d.title}\n{d.description}", words=self.words,
                                       segmented=case.words.risk_segments)
        for category, words in found.items():
            reasons.append(f"{services.RiskWord.Category(category).label}：{'、'.join(words)}")
        return reasons

    def registered(self, case):
        hashes = [(personal.blind_index(p["id_number"]), personal.blind_index(p["phone"])) for p in case.parties]
        self.batch.append((case, [(i, p) for i, p in hashes]))


class Words:
    """One case's jieba segmentation, each part of its text segmented once. jieba cuts a text into blocks at every
    space and line break and segments each block alone, so the segments of "a b" are those of "a" then "b": the
    search text (``services._search_text``), the triage features (``triage.intake_words``) and the risk-word check
    (``services.risk_words_in``) are put together from the same parts' segments — the same words, a third of the
    work."""

    def __init__(self, d, parties):
        self.d, self.names = d, [p["name"] for p in parties]
        self.done = {}

    def part(self, text):
        """``search.tokens``' words of ``text`` before de-duplication."""
        if text not in self.done:
            words = []
            for word in _jieba().cut_for_search(text.strip().lower()):
                word = word.strip()
                if word and not _PUNCT.match(word):
                    words.append(word)
            self.done[text] = words
        return self.done[text]

    def tokens(self, *parts):
        """``search.tokens(" ".join(parts))``."""
        return list(dict.fromkeys(w for p in parts if p for w in self.part(p)))

    def search_text(self):
        d = self.d
        return " ".join(self.tokens(d.tracking_code, d.title, d.description, d.place, *self.names))[:20000]

    def intake(self):
        return self.tokens(self.d.title, self.d.description, self.d.place)

    def risk_segments(self, words):
        """The segments ``risk_words_in`` looks the risk words up in: those of the lower-cased parts are the same
        when the text has no capital letters and no risk word is punctuation (else None: segment it there)."""
        text = f"{self.d.title}\n{self.d.description}"
        if text != text.lower() or any(_PUNCT.match(w) for w in words):
            return None
        return set(self.tokens(self.d.title, self.d.description))


def _jieba():
    from fazhi.core.search import _get_jieba

    return _get_jieba()


class Case:
    """One case of the batch, written nowhere yet: the row, its parties, spans, sessions, mediators and the audit
    events (``audit.record``'s arguments) in the order the service would append them."""

    def __init__(self, dispute, parties, *, now):
        self.dispute, self.parties, self.now = dispute, parties, now
        self.events, self.sessions, self.mediators = [], [], None
        self.spans = [StateSpan(dispute=dispute, status=S.REGISTERED, entered_at=now)]
        self.notice = self.suggestion = None
        self.deadlines = None

    def record(self, **event):
        self.events.append({"obj": self.dispute, **event})

    def run(self, name, *, actor, may, guard=None, at=None, imported=False, reason="", handler=None):
        """``dispute_workflow.run`` on the unsaved case (``Workflow.run_unsaved``: the table's checks with
        ``may(perm, node)`` and ``guard(case)``, the target, ``handler(case)`` for side fields, the version, one
        audit event with before/after), with the time-in-state spans of ``services.enter_state`` kept here."""
        def enter(d, old, new):
            for span in self.spans:
                if span.left_at is None:
                    span.left_at = self.now
            self.spans.append(StateSpan(dispute=d, status=new, entered_at=self.now))

        self.record(**dispute_workflow.run_unsaved(
            self.dispute, actor=actor, name=name, may=may, guard=guard and (lambda d: guard(self)), reason=reason,
            handler=handler and (lambda d: handler(self)), at=at, imported=imported, on_enter=enter))


class Row:
    """A registration for ``register_many``: ``c`` from ``services.clean_intake`` plus what ``dispute_create``
    takes beside it; ``then(case)`` (optional) continues the case in memory (e.g. a ledger's history)."""

    def __init__(self, c, *, channel, referral_source="", mediation_type=Dispute.MediationType.PEOPLE,
                 received_on=None, then=None):
        self.c, self.channel, self.referral_source, self.mediation_type = c, channel, referral_source, mediation_type
        self.received_on = received_on or clock.today()
        self.then = then


def register_many(*, actor, rows, cache=None):
    """Register ``rows`` (``Row``) as ``dispute_create`` registers each, in one batch; returns the saved cases in
    row order, or None when a row repeats a submission already registered or a concurrent registration took one
    of its numbers (then nothing is written: the caller uses the service row by row, which answers such a row with
    the earlier case). Inside a transaction."""
    cases = prepare_many(actor=actor, rows=rows, cache=cache)
    return None if cases is None else write_many(cases)


def prepare_many(*, actor, rows, cache=None):
    """The cases of ``rows`` made ready to write, reading only (no transaction needed, so on SQLite no write lock
    while the CPU work of a batch is done): every check, value, flag, suggestion, history step and audit event.
    None when a row repeats a submission already registered (see ``register_many``). ``write_many`` writes them.

    ``cache`` (a dict) keeps the lookup tables that do not change while an import runs — the working-day calendar
    and deadline rules, the triage model and its names, the risk words — from one batch to the next."""
    if not rows:
        return []
    cache = {} if cache is None else cache
    now = clock.now()
    keys = [services._submission_key(channel=r.channel, village=r.c.village, kind=r.c.kind,
                                     contact_phone=r.c.contact_phone, description=r.c.description,
                                     parties=r.c.parties) for r in rows]
    if len(set(keys)) < len(keys) or Dispute.objects.filter(
            submission_key__in=set(keys), created_at__gte=now - datetime.timedelta(days=1)).exists():
        return None
    if "deadlines" not in cache:
        cache.update(deadlines=Deadlines(), triage={}, risk_words=services.active_risk_words())
    deadlines, risk = cache["deadlines"], Risk(rows, cache["risk_words"])
    services.risk_words_in("", words=cache["risk_words"])  # the risk words in jieba's dictionary before any cut
    cases = []
    with triage.memo(cache["triage"]):
        for r, key, code in zip(rows, keys, tracking_codes(len(rows))):
            d = services.new_dispute(r.c, actor=actor, channel=r.channel, referral_source=r.referral_source,
                                     mediation_type=r.mediation_type, received_on=r.received_on, now=now, key=key,
                                     tracking_code=code)
            deadline = services._set_due(d, deadlines(d))
            case = Case(d, r.c.parties, now=now)
            case.words = Words(d, r.c.parties)
            d.search_text = case.words.search_text()
            case.deadlines = deadlines
            case.record(**{k: v for k, v in services.created_event(d, r.c, actor=actor).items() if k != "obj"})
            case.notice = services.registered_notice(d, deadline, now=now)
            reasons = risk.reasons(case)
            if reasons:
                d.is_flagged, d.risk_reasons = True, reasons
                case.record(actor=actor or services.RESIDENT, action="flag", action_label="风险预警",
                            changes={"risk": reasons})
            case.suggestion, event = assist.intake_suggestion(dispute=d, actor=actor, parties=r.c.parties, now=now,
                                                              text_tokens=case.words.intake())
            if event is not None:
                case.record(**{k: v for k, v in event.items() if k != "obj"})
            if r.then is not None:
                r.then(case)
            risk.registered(case)
            cases.append(case)
    return cases


def write_many(cases):
    """Write the cases ``prepare_many`` made (inside the batch's transaction): one INSERT run per table and the
    audit events appended in one go. None, with nothing written, when a concurrent registration took one of the
    cases' numbers or submission keys meanwhile (a unique constraint)."""
    if not cases:
        return []
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin registered meanwhile fails the batch alone
            Dispute.objects.bulk_create([c.dispute for c in cases])
    except IntegrityError:
        for c in cases:
            c.dispute.pk = c.dispute.id = None
        return None
    for c in cases:  # the children were made before their case had an id
        for child in (*c.spans, c.notice, c.suggestion, *c.sessions):
            child.dispute_id = c.dispute.pk
    _insert(Party, [Party(dispute=c.dispute, **p) for c in cases for p in c.parties])
    _insert(StateSpan, [s for c in cases for s in c.spans])
    _insert(Notice, [c.notice for c in cases])
    _insert(TriageSuggestion, [c.suggestion for c in cases])
    _insert(MediationSession, [s for c in cases for s in c.sessions])
    through = Dispute.mediators.through
    _insert(through, [through(dispute_id=c.dispute.pk, mediator_id=m.pk) for c in cases for m in c.mediators or ()])
    audit.record_many([e for c in cases for e in c.events])
    return [c.dispute for c in cases]


def _insert(model, objs):
    """INSERT ``objs`` (rows whose ids nobody reads back) in one go (``audit.insert_rows``); each value prepared by its field as ``save`` prepares it (``pre_save``: the blind indexes; the encryption of
    personal numbers; dates and JSON for the database)."""
    if not objs:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    rows = [tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields) for obj in objs]
    audit.insert_rows(meta.db_table, [f.column for f in fields], rows)


def may_cache(actor):
    """``may(perm, node)`` for ``Case.run``: ``policy.has_perm`` remembered per (perm, node)."""
    seen = {}

    def may(perm, node):
        key = (perm, node.pk)
        if key not in seen:
            seen[key] = policy.has_perm(actor, perm, node)
        return seen[key]

    return may
