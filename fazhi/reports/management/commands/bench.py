"""`python manage.py bench` (`make bench`): a district-scale benchmark of the read paths.

It builds two datasets in separate SQLite files with bulk_create (it measures reads, not services) — one at 1k
records per kind, one at full scale (10 subdistricts × 13 villages, 5 years: 100k disputes, 20k enforcement
cases, 100k legal-service records, 20k disclosure items, 1M audit events) — then times, in fresh processes,
the main list, detail and search pages and API endpoints, the dashboard, a subdistrict's report draft and the
audit-chain verification, and prints p50/p95 at both scales with their ratio against the targets.

Sections whose app has no models (yet) are skipped and the table says so. Datasets are reused between runs
(var/bench-1k.sqlite3, var/bench-full.sqlite3; on PostgreSQL the databases fazhi_bench_1k and fazhi_bench_full);
--rebuild starts afresh. This is a command, not a timed test.

Databases: ``--db both`` (the default, or ``BENCH_DB=sqlite|postgres|both``) runs everything on SQLite and again on
PostgreSQL (``BENCH_PG_URL``, default postgres://postgres@127.0.0.1:5432/; skipped with a printed reason when it
cannot be reached) and prints one table per database. At 1k the bench also imports the people's-mediation ledger:
the dry run and the batched import (as a background job writes it) of 5,000 rows, then a 1,000-row import with 8
clerks writing meanwhile (how long they wait), on a throw-away copy of the dataset (var/bench-import.sqlite3, or the
database fazhi_bench_import made from fazhi_bench_1k as a template). ``--scale 1k --db sqlite`` (or postgres)
measures one database at 1k only.
"""
import json
import os
import sqlite3
import subprocess
import sys
import time
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand

SCALES = {
    "1k": {"disputes": 1000, "cases": 1000, "services": 1000, "disclosure": 1000, "audit": 1000},
    "full": {"disputes": 100_000, "cases": 20_000, "services": 100_000, "disclosure": 20_000, "audit": 1_000_000},
}
# Pages and API lists: p95 < 150 ms and within 2× of 1k. Aggregates (figures over a whole year) must read every
# row of the period, so they grow with the data: only the 150 ms bound applies.
# Issue 16: pages and API lists p95 < 100 ms and within 1.5× of 1k; an import's dry run and import of 5,000 rows
# under 10 s; no other write waits 1 s behind an import.
TARGETS = {"page": 0.100, "aggregate": 0.150, "dashboard": 1.0, "report": 5.0, "verify": 20.0, "import": 10.0,
           "wait": 1.0}
PG_URL = "postgres://postgres@127.0.0.1:5432/"


class Command(BaseCommand):
    help = "区级规模基准测试：构建数据集并输出各页面/接口 p50/p95（1k 与全量对比）。"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="重新生成数据集")
        parser.add_argument("--scale", choices=["1k", "full", "both"], default="both")
        parser.add_argument("--repeat", type=int, default=20, help="每个页面的计时次数")
        parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default=os.environ.get("BENCH_DB", "both"),
                            help="在哪个数据库上测量（默认两者；PostgreSQL 不可达时跳过并说明）")
        parser.add_argument("--no-import", action="store_true", help="不测量台账导入")
        parser.add_argument("--phase", choices=["build", "measure", "verify", "imports"], help=argparse_hidden())
        parser.add_argument("--label", help=argparse_hidden())

    def handle(self, *args, rebuild=False, scale="both", repeat=20, phase=None, label=None, db="both",
               no_import=False, **options):
        from fazhi.reports.bench import runner

        if phase:  # inside a child process whose SQLITE_PATH / DATABASE_URL points at the bench database
            result = getattr(runner, phase)(label=label, sizes=SCALES[label], repeat=repeat)
            sys.stdout.write("BENCH-RESULT " + json.dumps(result, ensure_ascii=False) + "\n")
            return
        labels = ["1k", "full"] if scale == "both" else [scale]
        databases = ["sqlite", "postgres"] if db == "both" else [db]
        text = ""
        for vendor in databases:
            if vendor == "postgres":
                problem = _pg_problem()
                if problem:
                    text += f"\n## PostgreSQL：跳过（{problem}）\n"
                    self.stderr.write(f"PostgreSQL 不可达，跳过：{problem}")
                    continue
            results = self._run(vendor, labels, rebuild, repeat, imports=not no_import)
            title = "SQLite" if vendor == "sqlite" else f"PostgreSQL（{urlparse(_pg_base()).hostname}）"
            text += f"\n## {title}\n\n" + runner_table(results)
        from fazhi.reports.bench import triage as triage_bench  # issue 18: dispute triage accuracy and timings

        self.stderr.write("[triage] 分派建议准确率与耗时…")
        text += "\n## 分派建议（与数据库无关）\n\n" + triage_bench.section(
            {"1k": (1000,), "full": (100_000,)}.get(scale, triage_bench.SIZES))
        self.stdout.write(text)
        if scale == "both" or db == "both":
            out = settings.BASE_DIR / "var" / "bench-latest.md"
            out.write_text(f"# make bench（{time.strftime('%Y-%m-%d %H:%M')}）\n{text}", encoding="utf-8")
            self.stderr.write(f"结果已写入 {out}")

    def _run(self, vendor, labels, rebuild, repeat, *, imports):
        results = {}
        for lab in labels:
            env = _env(vendor, lab, rebuild=rebuild)
            results[lab] = {"rows": []}
            for phase_name in ("build", "measure", "verify"):
                t0 = time.monotonic()
                self.stderr.write(f"[{vendor} {lab}] {phase_name}…")
                out = self._child(env, phase_name, lab, repeat)
                self.stderr.write(f"[{vendor} {lab}] {phase_name} 完成（{time.monotonic() - t0:.0f} 秒）")
                if phase_name == "build":
                    results[lab]["build"] = out
                else:
                    results[lab]["rows"] += out.get("rows", [])
        if imports:
            lab = labels[0]
            t0 = time.monotonic()
            self.stderr.write(f"[{vendor} {lab}] imports…")
            env = _throwaway_copy(vendor, lab)
            try:
                results[lab]["rows"] += self._child(env, "imports", lab, repeat).get("rows", [])
            finally:
                _drop_copy(vendor)
            self.stderr.write(f"[{vendor} {lab}] imports 完成（{time.monotonic() - t0:.0f} 秒）")
        return results

    def _child(self, env, phase, label, repeat):
        cmd = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench", "--phase", phase, "--label", label,
               "--repeat", str(repeat)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH-RESULT "):
                return json.loads(line[len("BENCH-RESULT "):])
        self.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
        return {"rows": [{"name": f"{phase} 阶段失败", "note": (proc.stderr.strip().splitlines() or ["?"])[-1][:120]}]}


def _pg_base():
    url = os.environ.get("BENCH_PG_URL", PG_URL)
    return url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"


def _pg(sql_statements, dbname="postgres"):
    import psycopg

    u = urlparse(_pg_base())
    with psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres",
                         password=u.password or None, dbname=dbname, connect_timeout=5, autocommit=True) as conn:
        out = []
        for sql in sql_statements:
            cur = conn.execute(sql)
            out.append(cur.fetchall() if cur.description else None)
        return out


def _pg_problem():
    try:
        _pg(["SELECT 1"])
    except Exception as exc:  # noqa: BLE001 - the reason is printed
        return str(exc).strip().splitlines()[0][:120]
    return ""


def _env(vendor, label, *, rebuild=False, name=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FAZHI_TESTING", "SQLITE_PATH")}
    env["FAZHI_REQUIRE_2FA"] = "0"  # the bench's logged-in clients measure pages, not the second factor
    if vendor == "sqlite":
        db = settings.BASE_DIR / "var" / (name or f"bench-{label}.sqlite3")
        db.parent.mkdir(exist_ok=True)
        if rebuild and db.exists():
            db.unlink()
        env["SQLITE_PATH"] = str(db)
        return env
    dbname = name or f"fazhi_bench_{label}"
    if rebuild:
        _pg([f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'])
    if not _pg([f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'"])[0]:
        _pg([f'CREATE DATABASE "{dbname}"'])
    env["DATABASE_URL"] = _pg_base() + dbname
    return env


def _throwaway_copy(vendor, label):
    """A copy of the ``label`` dataset the import may write into (the measured datasets stay as they are)."""
    if vendor == "sqlite":
        source = sqlite3.connect(settings.BASE_DIR / "var" / f"bench-{label}.sqlite3")
        target_path = settings.BASE_DIR / "var" / "bench-import.sqlite3"
        target_path.unlink(missing_ok=True)
        target = sqlite3.connect(target_path)
        source.backup(target)  # consistent, WAL included
        source.close()
        target.close()
        return _env("sqlite", label, name="bench-import.sqlite3")
    _pg(['DROP DATABASE IF EXISTS "fazhi_bench_import" WITH (FORCE)',
         f'CREATE DATABASE "fazhi_bench_import" TEMPLATE "fazhi_bench_{label}"'])
    return _env("postgres", label, name="fazhi_bench_import")


def _drop_copy(vendor):
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (settings.BASE_DIR / "var" / f"bench-import.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        _pg(['DROP DATABASE IF EXISTS "fazhi_bench_import" WITH (FORCE)'])


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


def runner_table(results):
    from fazhi.reports.bench.runner import table

    return table(results, TARGETS)
