"""The triage engine, pure numpy (no Django): learn the kind, the level and the room/centre body of a dispute from a
tenant's own concluded cases, and find the most similar past cases.

Why this and not a bigger library: a subdistrict's history is a few hundred to a hundred thousand short texts; words
decide the kind ("工资", "宅基地", "漏水"), so a bag of jieba words is enough. Two explainable parts:

- a multinomial naive Bayes per field over the case's words plus a few "meta words" (channel, village, amount band,
  number of applicants, a respondent that is an organisation): it counts, it trains in one pass, it needs no tuning;
- BM25 over the same words: the most similar past cases, shown as the reason, and a vote of the nearest ones.

The confidence of a field is the mean of the naive-Bayes posterior (tempered: naive Bayes is overconfident on long
texts) and the share of the score of the nearest cases that carried that value. Scikit-learn would give the same
models with a larger dependency; jionlp is not needed for these parts either (see ``extraction.py``).
"""
from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field

import numpy as np

FIELDS = ("kind", "level", "routing")
K1, B = 1.2, 0.75
NEIGHBOURS = 15  # the nearest cases that vote
ALPHA = 0.5  # additive smoothing of naive Bayes
TEMPERATURE = 6.0  # naive-Bayes log-scores are divided by this before the softmax
MAX_DF_SHARE = 0.4  # a word in more than this share of cases is ignored by BM25 (it ranks nothing)
MIN_DF = 2  # a word seen in one case only (a name, a code) is not learned
# how much a meta word ("#amt:ge100k", "#app:5+") counts against one text word, and how much the naive-Bayes part
# weighs against the vote of the nearest cases, per field: the kind is in the words; the level and the room
# depend as much on the amount, the number of applicants and the channel
META_WEIGHT = {"kind": 1.0, "level": 1.0, "routing": 1.0}
TEXT_WEIGHT = {"kind": 1.0, "level": 0.05, "routing": 0.05}
PROFILE_SHARE = 0.5
NB_SHARE = {"kind": 0.5, "level": 0.8, "routing": 0.8}


def amount_band(amount) -> str:
    if amount in (None, ""):
        return "none"
    a = float(amount)
    for limit, label in ((5000, "lt5k"), (20000, "lt20k"), (100000, "lt100k")):
        if a < limit:
            return label
    return "ge100k"


ESCALATION_CUES = ("调解未果", "激化", "上访", "集体", "多次调解")


def meta_words(*, channel: str = "", village: int | None = None, amount=None, applicants: int = 1,
               org_respondent: bool = False, grid: bool = False, text: str = "") -> list[str]:
    """The non-text features, as words the models treat like any other."""
    out = [f"#ch:{channel}", f"#v:{village}", f"#amt:{amount_band(amount)}",
           "#app:" + ("1" if applicants <= 1 else "2-4" if applicants < 5 else "5+")]
    if org_respondent:
        out.append("#org")
    if grid:
        out.append("#grid")
    if any(cue in text for cue in ESCALATION_CUES):
        out.append("#hard")
    return out


PROFILE_MIN = 8  # cases needed before a profile's own shares are trusted (else a shorter profile is used)


def profiles(kind: str, words) -> list[str]:
    """The case's profile keys, longest first: the kind with its channel, amount band, applicants, organisation
    respondent and escalation cue; then shorter ones. The level and the room follow such profiles."""
    meta = sorted(w for w in words if w.startswith("#") and not w.startswith(("#v:", "#grid")))
    get = {w.split(":")[0]: w for w in meta}
    full = "|".join([kind, *meta])
    mid = "|".join([kind, get.get("#amt", ""), get.get("#app", ""), get.get("#hard", ""), get.get("#ch", "")])
    short = "|".join([kind, get.get("#amt", ""), get.get("#app", ""), get.get("#hard", "")])
    return [full, mid, short, kind]


def conjunctions(kind: str, words) -> list[str]:
    """Meta words paired with the kind ("#k:neighbour#ch:patrol"): a small neighbour quarrel found on patrol stays
    in the grid, a small loan does not; naive Bayes cannot see such pairs unless they are words of their own."""
    if not kind:
        return []
    return [f"#k:{kind}{w}" for w in words if w.startswith("#")]


@dataclass
class Doc:
    pk: int
    node: int  # the node the case is handled at (for scoping a lookup)
    words: list[str]  # features for naive Bayes (text words + meta words)
    labels: dict[str, str]  # field -> value ("" = unknown: not learned for that field)
    extra: list[str] = field(default_factory=list)  # words only the similarity index sees (kind, outcome, terms)


@dataclass
class Guess:
    value: str
    confidence: float
    top: list[tuple[str, float]]


class Engine:
    """A trained model: vocabulary, per-field naive-Bayes tables, a BM25 inverted index, per-case metadata."""

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self.is_meta = np.zeros(0, dtype=bool)
        self.profile: dict[str, dict[str, list[int]]] = {}
        self.classes: dict[str, list[str]] = {}
        self.logp: dict[str, np.ndarray] = {}
        self.prior: dict[str, np.ndarray] = {}
        self.pks = np.zeros(0, dtype=np.int64)
        self.nodes = np.zeros(0, dtype=np.int64)
        self.y: dict[str, np.ndarray] = {}
        self.indptr = np.zeros(1, dtype=np.int64)
        self.doc_ids = np.zeros(0, dtype=np.int32)
        self.weights = np.zeros(0, dtype=np.float32)

    @property
    def size(self) -> int:
        return int(self.pks.shape[0])

    # ---- training -------------------------------------------------------------------------------------------------
    @classmethod
    def fit(cls, docs: list[Doc]) -> Engine:
        eng = cls()
        n = len(docs)
        if n == 0:
            return eng
        df: dict[str, int] = {}
        per_doc, conj_doc = [], []
        for d in docs:
            words = set(d.words) | set(d.extra)
            conj = set(conjunctions(d.labels.get("kind", ""), d.words))
            per_doc.append(words)
            conj_doc.append(conj)
            for w in words | conj:
                df[w] = df.get(w, 0) + 1
        vocab = {w: i for i, w in enumerate(sorted(w for w, c in df.items() if c >= MIN_DF))}
        eng.vocab = vocab
        v = len(vocab)
        # (doc, word) pairs: features (for naive Bayes) and features + extra (for BM25)
        rows_f, cols_f, rows_c, cols_c, rows_a, cols_a = [], [], [], [], [], []
        for i, (d, words, conj) in enumerate(zip(docs, per_doc, conj_doc)):
            feats = {vocab[w] for w in d.words if w in vocab}
            conj = {vocab[w] for w in conj if w in vocab}
            alls = {vocab[w] for w in words if w in vocab}
            rows_f.extend([i] * len(feats))
            cols_f.extend(feats)
            rows_c.extend([i] * len(conj))
            cols_c.extend(conj)
            rows_a.extend([i] * len(alls))
            cols_a.extend(alls)
        rows_f, cols_f = np.asarray(rows_f, dtype=np.int64), np.asarray(cols_f, dtype=np.int64)
        rows_c, cols_c = np.asarray(rows_c, dtype=np.int64), np.asarray(cols_c, dtype=np.int64)
        eng.is_meta = np.asarray([w.startswith("#") for w in vocab], dtype=bool)
        rows_a, cols_a = np.asarray(rows_a, dtype=np.int32), np.asarray(cols_a, dtype=np.int64)
        for f in FIELDS:
            values = sorted({d.labels.get(f, "") for d in docs} - {""})
            eng.classes[f] = values
            index = {c: j for j, c in enumerate(values)}
            y = np.asarray([index.get(d.labels.get(f, ""), -1) for d in docs], dtype=np.int64)
            eng.y[f] = y.astype(np.int16)
            c = len(values)
            if c == 0:
                eng.logp[f] = np.zeros((v, 0), dtype=np.float32)
                eng.prior[f] = np.zeros(0, dtype=np.float32)
                continue
            rows, cols = (rows_f, cols_f) if f == "kind" else (np.concatenate([rows_f, rows_c]),
                                                                 np.concatenate([cols_f, cols_c]))
            known = y[rows] >= 0
            weight = np.where(eng.is_meta[cols[known]], META_WEIGHT[f], TEXT_WEIGHT[f])
            counts = np.bincount(cols[known] * c + y[rows][known], weights=weight, minlength=v * c).reshape(v, c)
            totals = counts.sum(axis=0)
            eng.logp[f] = np.log((counts + ALPHA) / (totals + ALPHA * v)).astype(np.float32)
            per_class = np.bincount(y[y >= 0], minlength=c).astype(np.float64)
            eng.prior[f] = np.log((per_class + 1) / (per_class.sum() + c)).astype(np.float32)
        # profile tables for the level and the room: counts of each value per profile key
        eng.profile = {}
        for f in ("level", "routing"):
            table: dict[str, list[int]] = {}
            c = len(eng.classes[f])
            for d, yi in zip(docs, eng.y[f]):
                if yi < 0 or not d.labels.get("kind"):
                    continue
                for key in profiles(d.labels["kind"], d.words):
                    table.setdefault(key, [0] * c)[int(yi)] += 1
            eng.profile[f] = table
        # BM25 postings (binary term frequency: the stored words are unique per case)
        dl = np.bincount(rows_a, minlength=n).astype(np.float32)
        avgdl = float(dl.mean()) or 1.0
        dfa = np.bincount(cols_a, minlength=v).astype(np.float64)
        idf = np.log(1 + (n - dfa + 0.5) / (dfa + 0.5)).astype(np.float32)
        order = np.argsort(cols_a, kind="stable")
        eng.doc_ids = rows_a[order]
        norm = (K1 + 1) / (1 + K1 * (1 - B + B * dl / avgdl))
        eng.weights = (idf[cols_a[order]] * norm[eng.doc_ids]).astype(np.float32)
        eng.indptr = np.concatenate([[0], np.cumsum(np.bincount(cols_a, minlength=v))]).astype(np.int64)
        eng.pks = np.asarray([d.pk for d in docs], dtype=np.int64)
        eng.nodes = np.asarray([d.node for d in docs], dtype=np.int64)
        return eng

    # ---- use ------------------------------------------------------------------------------------------------------
    def _ids(self, words) -> np.ndarray:
        return np.asarray(sorted({self.vocab[w] for w in words if w in self.vocab}), dtype=np.int64)

    def scores(self, words, *, mask: np.ndarray | None = None, exclude_pk: int | None = None) -> np.ndarray:
        """BM25 score of every case for the query ``words`` (0 where ``mask`` is False)."""
        out = np.zeros(self.size, dtype=np.float32)
        limit = max(50, int(MAX_DF_SHARE * self.size))
        for t in self._ids(words):
            s, e = self.indptr[t], self.indptr[t + 1]
            if e - s > limit:
                continue
            out[self.doc_ids[s:e]] += self.weights[s:e]
        if mask is not None:
            out[~mask] = 0
        if exclude_pk is not None:
            out[self.pks == exclude_pk] = 0
        return out

    def nearest(self, words, k: int = 5, **kwargs) -> list[tuple[int, float]]:
        """[(case index, score)] of the ``k`` best-scoring cases (score > 0), best first."""
        sc = self.scores(words, **kwargs)
        if self.size == 0:
            return []
        k = min(k, self.size)
        top = np.argpartition(-sc, k - 1)[:k]
        top = top[np.argsort(-sc[top], kind="stable")]
        return [(int(i), float(sc[i])) for i in top if sc[i] > 0]

    def predict(self, words, *, exclude_pk: int | None = None) -> tuple[dict[str, Guess], list[tuple[int, float]]]:
        """Per field: the best value, its confidence and the top three; plus the nearest cases (index, score)."""
        base = self._ids(words)
        near = self.nearest(words, NEIGHBOURS, exclude_pk=exclude_pk)
        out = {}
        for f in FIELDS:
            classes = self.classes.get(f) or []
            if not classes:
                continue
            ids = base
            if f != "kind" and "kind" in out:  # the level and the room depend on the kind: use the guessed one
                ids = np.union1d(base, self._ids(conjunctions(out["kind"].value, words)))
            weight = np.where(self.is_meta[ids], META_WEIGHT[f], TEXT_WEIGHT[f]).astype(np.float32)
            score = self.prior[f] + (weight @ self.logp[f][ids] if len(ids) else 0)
            score = score / TEMPERATURE
            nb = np.exp(score - score.max())
            nb /= nb.sum()
            vote = np.zeros(len(classes), dtype=np.float64)
            y = self.y[f]
            for i, s in near:
                if y[i] >= 0:
                    vote[y[i]] += s
            share = NB_SHARE[f]
            p = share * nb + (1 - share) * (vote / vote.sum()) if vote.sum() > 0 else nb
            if f != "kind" and "kind" in out:
                prof = self._profile(f, out["kind"].value, words)
                if prof is not None:
                    p = PROFILE_SHARE * prof + (1 - PROFILE_SHARE) * p
            order = np.argsort(-p, kind="stable")[:3]
            top = [(classes[j], round(float(p[j]), 4)) for j in order]
            out[f] = Guess(top[0][0], top[0][1], top)
        return out, near

    def _profile(self, f, kind, words):
        table = self.profile.get(f) or {}
        for key in profiles(kind, words):
            counts = table.get(key)
            if counts is not None and sum(counts) >= PROFILE_MIN:
                arr = np.asarray(counts, dtype=np.float64) + 0.5
                return arr / arr.sum()
        return None

    # ---- storage --------------------------------------------------------------------------------------------------
    def dumps(self) -> bytes:
        meta = {"vocab": list(self.vocab), "classes": self.classes, "profile": self.profile}
        arrays = {"meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
                  "pks": self.pks, "nodes": self.nodes, "indptr": self.indptr, "doc_ids": self.doc_ids,
                  "weights": self.weights}
        for f in FIELDS:
            if f in self.logp:
                arrays[f"logp_{f}"] = self.logp[f]
                arrays[f"prior_{f}"] = self.prior[f]
                arrays[f"y_{f}"] = self.y[f]
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        return buf.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> Engine:
        eng = cls()
        with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            eng.vocab = {w: i for i, w in enumerate(meta["vocab"])}
            eng.is_meta = np.asarray([w.startswith("#") for w in meta["vocab"]], dtype=bool)
            eng.classes = meta["classes"]
            eng.profile = meta.get("profile", {})
            eng.pks, eng.nodes, eng.indptr = z["pks"], z["nodes"], z["indptr"]
            eng.doc_ids, eng.weights = z["doc_ids"], z["weights"]
            for f in FIELDS:
                if f"logp_{f}" in z:
                    eng.logp[f], eng.prior[f], eng.y[f] = z[f"logp_{f}"], z[f"prior_{f}"], z[f"y_{f}"]
        return eng


def accuracy(engine: Engine, held_out: list[Doc]) -> dict[str, dict[str, float]]:
    """Top-1 and top-3 accuracy per field on cases the engine was not trained on."""
    hits = {f: [0, 0, 0] for f in FIELDS}  # top1, top3, n
    for d in held_out:
        guesses, _ = engine.predict(d.words)
        for f in FIELDS:
            truth = d.labels.get(f, "")
            if not truth or f not in guesses:
                continue
            g = guesses[f]
            hits[f][2] += 1
            hits[f][0] += g.value == truth
            hits[f][1] += truth in [v for v, _ in g.top]
    return {f: {"top1": round(h[0] / h[2], 4) if h[2] else math.nan,
                "top3": round(h[1] / h[2], 4) if h[2] else math.nan, "n": h[2]} for f, h in hits.items()}


def split(docs: list[Doc], every: int = 5) -> tuple[list[Doc], list[Doc]]:
    """A deterministic held-out split by primary key: every ``every``-th case is held out (never trained on)."""
    train = [d for d in docs if d.pk % every]
    test = [d for d in docs if not d.pk % every]
    return train, test
