"""`make bench` section for the dispute triage (issue 18): accuracy on held-out generated cases and timings.

The history is ``fazhi.disputes.samples`` (a varied generated history, seed 2023). Accuracy: the engine is trained
on four fifths of the cases and scored on cases of the last fifth it never saw (top-1 and top-3 per field). Timings
at 1k and 100k cases: segmenting the texts (done once, when a case is written: its ``search_text``), retraining
from the stored words (the nightly job), and one suggestion + one scoped similar-case lookup (p50/p95)."""
from __future__ import annotations

import statistics
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

SIZES = (1000, 100_000)
HELD_OUT = 1000
QUERIES = 200
TARGET_LOOKUP = 0.100  # seconds, p95
TARGET_RETRAIN = 60.0  # seconds at 100k


def _words(chunk):
    from fazhi.core.search import tokens
    from fazhi.disputes import samples

    return [samples.words_of(s, tokens) for s in chunk]


def _docs(n: int, seed: int = 2023):
    from fazhi.disputes import samples
    from fazhi.disputes.triage_engine import Doc

    history = samples.generate(n, seed)
    t0 = time.monotonic()
    chunks = [history[i::2] for i in range(2)]
    with ProcessPoolExecutor(2) as pool:
        parts = list(pool.map(_words, chunks))
    words = [None] * n
    for i, part in enumerate(parts):
        words[i::2] = part
    segment = time.monotonic() - t0
    docs = [Doc(pk=s.n, node=s.village, words=w, labels={"kind": s.kind, "level": s.level, "routing": s.routing},
                extra=[f"#k:{s.kind}"]) for s, w in zip(history, words)]
    return docs, segment


def measure(n: int) -> dict:
    from fazhi.disputes.triage_engine import Engine, accuracy, split

    docs, segment = _docs(n)
    train, test = split(docs)
    held = Engine.fit(train)
    acc = accuracy(held, test[:HELD_OUT])
    t0 = time.monotonic()
    engine = Engine.fit(docs)
    retrain = time.monotonic() - t0
    blob = engine.dumps()
    t0 = time.monotonic()
    Engine.loads(blob)
    load = time.monotonic() - t0
    mask = np.isin(engine.nodes, np.asarray([1, 2, 3], dtype=np.int64))  # a user who sees 3 of 13 villages
    times = []
    for d in test[:QUERIES]:
        t0 = time.monotonic()
        held.predict(d.words)
        engine.nearest(d.words, 5, mask=mask)
        times.append(time.monotonic() - t0)
    times.sort()
    return {"n": n, "accuracy": acc, "segment": segment, "retrain": retrain, "load": load, "bytes": len(blob),
            "p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}


def section(sizes=SIZES) -> str:
    rows = [measure(n) for n in sizes]
    lines = ["", "## 矛盾纠纷分派建议（issue 18）", "",
             "生成的历史案件（fazhi/disputes/samples.py，seed 2023）；准确率在训练时未见过的留出案件上计算（每 5 起留出 1 起，"
             f"最多 {HELD_OUT} 起）。", "",
             "| 案件数 | 字段 | top-1 | top-3 | 留出案件 |", "|---|---|---|---|---|"]
    labels = {"kind": "纠纷类型", "level": "办理层级", "routing": "调解室/承办机构"}
    for r in rows:
        for f, label in labels.items():
            a = r["accuracy"][f]
            lines.append(f"| {r['n']:,} | {label} | {a['top1']:.1%} | {a['top3']:.1%} | {a['n']} |")
    lines += ["", "| 案件数 | 分词（写入时，2 进程） | 重新训练（目标 < 60 s） | 模型大小 | 载入 | 建议+相似案件 p50 | p95（目标 < 100 ms） |",
              "|---|---|---|---|---|---|---|"]
    for r in rows:
        ok = "✓" if r["p95"] < TARGET_LOOKUP else "✗"
        ok_train = "✓" if r["retrain"] < TARGET_RETRAIN else "✗"
        lines.append(f"| {r['n']:,} | {r['segment']:.1f} s | {r['retrain']:.1f} s {ok_train} | {r['bytes'] / 1e6:.1f} MB | "
                     f"{r['load']:.2f} s | {r['p50'] * 1000:.1f} ms | {r['p95'] * 1000:.1f} ms {ok} |")
    return "\n".join(lines) + "\n"
