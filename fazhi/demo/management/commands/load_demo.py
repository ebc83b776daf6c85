"""Load the Jixia demo through the services (so every record carries its audit timeline). Idempotent: if the demo
subdistrict exists, nothing is changed."""
import time
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from fazhi.core import delivery
from fazhi.core.models import OrgNode
from fazhi.demo import org

# Module loaders run in this order; each is fazhi/demo/<name>.py with load(ctx). Missing ones are skipped.
MODULES = ["calendar", "disputes", "enforcement", "legalservice", "publicity", "governance", "reports"]


class Command(BaseCommand):
    help = "载入稷下街道演示数据（已载入时不做任何修改）。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet=False, **options):
        if OrgNode.objects.filter(name="稷下街道").exists():
            self.stdout.write("演示数据已存在，保留现有数据。")
        else:
            started = time.monotonic()
            with transaction.atomic():
                ctx = org.load(org.DemoContext())
            for name in MODULES:
                try:
                    module = import_module(f"fazhi.demo.{name}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"fazhi.demo.{name}":
                        raise
                    continue
                t0 = time.monotonic()
                with delivery.outbox_only():  # demo residents are never texted, whatever the deployment configured
                    module.load(ctx)
                if not quiet:
                    self.stdout.write(f"  已载入 {name}（{time.monotonic() - t0:.1f} 秒）")
            self.stdout.write(f"演示数据载入完成，用时 {time.monotonic() - started:.1f} 秒。")
        if not quiet:
            self.stdout.write("\n演示账号（密码均为 %s）：" % org.DEMO_PASSWORD)
            for username, full_name, role, _node, _ in org.USERS:
                self.stdout.write(f"  {username:<18} {full_name}（{role.label}）")
