import os
import sys
import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.db import connection

from fazhi.core import audit, audit_guard


class Command(BaseCommand):
    help = ("校验全部审计事件的哈希链，并与库外的签名锚点核对；--records 同时核对每条被审计记录的当前内容。"
            "发现问题时逐条列出并以状态 1 退出。")

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=5000)
        parser.add_argument("--memory", action="store_true", help="同时报告峰值内存（用于基准测试）")
        parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="并行校验的进程数（各街道的链相互独立）")
        parser.add_argument("--records", action="store_true", help="核对每条被审计记录的当前内容与其最后一条审计事件的快照")
        parser.add_argument("--no-seal", action="store_true", help="不先把待入链的事件入链（只读校验）")
        parser.add_argument("--no-anchors", action="store_true", help="不核对库外锚点文件")

    def handle(self, *args, chunk_size, memory, workers, records, no_seal, no_anchors, **options):
        if memory:
            tracemalloc.start()
        started = time.monotonic()
        failed = False
        if not no_seal:
            sealed = audit.seal_all()
            if sealed:
                self.stdout.write(f"已将 {sealed} 条待入链的审计事件入链。")
        pending = len(audit.pending_chains())
        if pending and no_seal:
            self.stdout.write(f"注意：{pending} 条审计链有待入链的事件（未校验）。")
        checked, broken = audit.verify(chunk_size=chunk_size,
                                       progress=lambda n: self.stderr.write(f"已校验 {n} 条…"), workers=workers)
        elapsed = time.monotonic() - started
        peak = ""
        if memory:
            peak = f"，峰值内存 {tracemalloc.get_traced_memory()[1] / 1024 / 1024:.1f}MB"
            tracemalloc.stop()
        if broken:
            failed = True
            self.stdout.write(f"审计链校验失败：{broken}（此前已校验 {checked} 条，用时 {elapsed:.1f} 秒{peak}）")
        else:
            self.stdout.write(f"审计链完整：共校验 {checked} 条事件，用时 {elapsed:.1f} 秒{peak}。")
        missing = audit_guard.expected_triggers(connection) - audit_guard.installed_triggers(connection)
        if missing:
            failed = True
            self.stdout.write(f"审计表保护触发器缺失：{'、'.join(sorted(missing))}（审计事件可被直接改写，请重新执行迁移）。")
        else:
            self.stdout.write("审计表保护触发器齐全：审计事件不可修改或删除。")
        if not no_anchors:
            anchors, problems, notes = audit.verify_anchors()
            for note in notes:
                self.stdout.write(f"注意：{note}")
            if problems:
                failed = True
                self.stdout.write(f"锚点核对失败：{len(problems)} 处与库外签名锚点不符：")
                for problem in problems[:200]:
                    self.stdout.write(f"  - {problem}")
            elif anchors:
                self.stdout.write(f"锚点核对通过：{anchors} 个签名锚点均与数据库一致。")
        if records:
            count, problems = audit.verify_records(chunk_size=chunk_size)
            if problems:
                failed = True
                self.stdout.write(f"记录核对失败：{len(problems)} 条记录在平台之外被改动或删除：")
                for problem in problems[:500]:
                    self.stdout.write(f"  - {problem}")
                if len(problems) > 500:
                    self.stdout.write(f"  … 另有 {len(problems) - 500} 条")
            else:
                self.stdout.write(f"记录核对通过：{count} 条被审计记录与其最后一次审计快照一致。")
        if failed:
            sys.stdout.flush()
            sys.exit(1)
