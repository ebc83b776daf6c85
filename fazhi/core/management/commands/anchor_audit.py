from django.core.management.base import BaseCommand

from fazhi.core import audit


class Command(BaseCommand):
    help = "把各审计链的链头（序号与哈希）用 HMAC-SHA256 签名后追加到库外的只追加锚点文件（建议每 15 分钟运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--reason", default="定时锚定")

    def handle(self, *args, reason, **options):
        path = audit.anchor_log_path()
        if path is None:
            self.stdout.write("未配置锚点文件（FAZHI_ANCHOR_LOG），未锚定。")
            return
        entries = audit.anchor(reason=reason)
        self.stdout.write(f"已锚定 {len(entries)} 条审计链的链头 → {path}")
        for e in entries:
            if e["chain"]:
                self.stdout.write(f"  {e['chain']} 第 {e['seq']} 号 {e['hash'][:16]}…")
