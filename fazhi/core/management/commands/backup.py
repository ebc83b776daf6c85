from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fazhi.core import backup
from fazhi.core.errors import DomainError


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份 / pg_dump -Fc）与上传文件，附带校验值清单；按保留策略清理旧备份。"

    def add_arguments(self, parser):
        parser.add_argument("--dest", default=None, help="备份目录（默认 var/backups）")
        parser.add_argument("--keep-daily", type=int, default=14)
        parser.add_argument("--keep-monthly", type=int, default=12)

    def handle(self, *args, dest, keep_daily, keep_monthly, **options):
        dest = Path(dest or Path(settings.VAR_DIR) / "backups")
        try:
            path = backup.create(dest)
            backup.check(path)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"备份完成：{path}")
        for p in backup.prune(dest, keep_daily=keep_daily, keep_monthly=keep_monthly):
            self.stdout.write(f"按保留策略删除旧备份：{p.name}")
