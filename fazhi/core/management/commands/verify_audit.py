import os
import sys
import time
import tracemalloc

from django.core.management.base import BaseCommand

from fazhi.core import audit


class Command(BaseCommand):
    help = "校验全部审计事件的哈希链；链断裂时指出第一条有问题的事件并以状态 1 退出。"

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=5000)
        parser.add_argument("--memory", action="store_true", help="同时报告峰值内存（用于基准测试）")
        parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="并行校验的进程数（各街道的链相互独立）")

    def handle(self, *args, chunk_size, memory, workers, **options):
        if memory:
            tracemalloc.start()
        started = time.monotonic()
        checked, broken = audit.verify(chunk_size=chunk_size,
                                       progress=lambda n: self.stderr.write(f"已校验 {n} 条…"), workers=workers)
        elapsed = time.monotonic() - started
        peak = ""
        if memory:
            peak = f"，峰值内存 {tracemalloc.get_traced_memory()[1] / 1024 / 1024:.1f}MB"
            tracemalloc.stop()
        if broken:
            self.stdout.write(f"审计链校验失败：{broken}（此前已校验 {checked} 条，用时 {elapsed:.1f} 秒{peak}）")
            sys.stdout.flush()
            sys.exit(1)
        self.stdout.write(f"审计链完整：共校验 {checked} 条事件，用时 {elapsed:.1f} 秒{peak}。")
