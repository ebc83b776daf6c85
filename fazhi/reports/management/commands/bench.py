"""`python manage.py bench` (`make bench`): a district-scale benchmark of the read paths.

It builds two datasets in separate SQLite files with bulk_create (it measures reads, not services) — one at 1k
records per kind, one at full scale (10 subdistricts × 13 villages, 5 years: 100k disputes, 20k enforcement
cases, 100k legal-service records, 20k disclosure items, 1M audit events) — then times, in fresh processes,
the main list, detail and search pages and API endpoints, the dashboard, a subdistrict's report draft and the
audit-chain verification, and prints p50/p95 at both scales with their ratio against the targets.

Sections whose app has no models (yet) are skipped and the table says so. Datasets are reused between runs
(var/bench-1k.sqlite3, var/bench-full.sqlite3); --rebuild starts afresh. This is a command, not a timed test.
"""
import json
import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

SCALES = {
    "1k": {"disputes": 1000, "cases": 1000, "services": 1000, "disclosure": 1000, "audit": 1000},
    "full": {"disputes": 100_000, "cases": 20_000, "services": 100_000, "disclosure": 20_000, "audit": 1_000_000},
}
# Pages and API lists: p95 < 150 ms and within 2× of 1k. Aggregates (figures over a whole year) must read every
# row of the period, so they grow with the data: only the 150 ms bound applies.
TARGETS = {"page": 0.150, "aggregate": 0.150, "dashboard": 1.0, "report": 5.0, "verify": 20.0}


class Command(BaseCommand):
    help = "区级规模基准测试：构建数据集并输出各页面/接口 p50/p95（1k 与全量对比）。"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="重新生成数据集")
        parser.add_argument("--scale", choices=["1k", "full", "both"], default="both")
        parser.add_argument("--repeat", type=int, default=20, help="每个页面的计时次数")
        parser.add_argument("--phase", choices=["build", "measure", "verify"], help=argparse_hidden())
        parser.add_argument("--label", help=argparse_hidden())

    def handle(self, *args, rebuild=False, scale="both", repeat=20, phase=None, label=None, **options):
        from fazhi.reports.bench import runner

        if phase:  # inside a child process whose SQLITE_PATH points at the bench database
            result = getattr(runner, phase)(label=label, sizes=SCALES[label], repeat=repeat)
            sys.stdout.write("BENCH-RESULT " + json.dumps(result, ensure_ascii=False) + "\n")
            return
        labels = ["1k", "full"] if scale == "both" else [scale]
        results = {}
        for lab in labels:
            db = settings.BASE_DIR / "var" / f"bench-{lab}.sqlite3"
            db.parent.mkdir(exist_ok=True)
            if rebuild and db.exists():
                db.unlink()
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FAZHI_TESTING")}
            env["SQLITE_PATH"] = str(db)
            results[lab] = {"rows": []}
            for phase_name in ("build", "measure", "verify"):
                t0 = time.monotonic()
                self.stderr.write(f"[{lab}] {phase_name}…")
                out = self._child(env, phase_name, lab, repeat)
                self.stderr.write(f"[{lab}] {phase_name} 完成（{time.monotonic() - t0:.0f} 秒）")
                if phase_name == "build":
                    results[lab]["build"] = out
                else:
                    results[lab]["rows"] += out.get("rows", [])
        text = runner_table(results)
        from fazhi.reports.bench import triage as triage_bench  # issue 18: dispute triage accuracy and timings

        self.stderr.write("[triage] 分派建议准确率与耗时…")
        text += triage_bench.section({"1k": (1000,), "full": (100_000,)}.get(scale, triage_bench.SIZES))
        self.stdout.write(text)
        if scale == "both":
            out = settings.BASE_DIR / "var" / "bench-latest.md"
            out.write_text(f"# make bench（{time.strftime('%Y-%m-%d %H:%M')}）\n\n{text}", encoding="utf-8")
            self.stderr.write(f"结果已写入 {out}")

    def _child(self, env, phase, label, repeat):
        cmd = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench", "--phase", phase, "--label", label,
               "--repeat", str(repeat)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH-RESULT "):
                return json.loads(line[len("BENCH-RESULT "):])
        self.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
        return {"rows": [{"name": f"{phase} 阶段失败", "note": (proc.stderr.strip().splitlines() or ["?"])[-1][:120]}]}


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


def runner_table(results):
    from fazhi.reports.bench.runner import table

    return table(results, TARGETS)
