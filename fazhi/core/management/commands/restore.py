import io

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from fazhi.core import backup
from fazhi.core.errors import DomainError


class Command(BaseCommand):
    help = "从备份目录恢复数据库与上传文件（先核对清单校验值），然后用 verify_audit 与 verify_evidence 校验。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份目录（backup 命令输出的 fazhi-YYYYmmdd-HHMMSS）")
        parser.add_argument("--yes", action="store_true", help="确认用备份覆盖当前数据库与上传文件")

    def handle(self, *args, path, yes, **options):
        if not yes:
            raise CommandError("恢复会覆盖当前数据库与上传文件；确认无误后加 --yes 再运行。")
        try:
            manifest = backup.restore(path)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份（{manifest['vendor']}）。")
        failed = []
        checks = [("verify_audit", ["--records"])]
        if "verify_evidence" in get_commands():
            checks.append(("verify_evidence", []))
        for name, extra in checks:
            out = io.StringIO()
            try:
                call_command(name, *extra, stdout=out)
                code = 0
            except SystemExit as exc:
                code = exc.code
            except CommandError as exc:
                out.write(str(exc))
                code = 1
            self.stdout.write(out.getvalue().rstrip())
            if code:
                failed.append(name)
        if failed:
            raise CommandError(f"恢复后校验未通过：{'、'.join(failed)}")
        self.stdout.write("恢复后校验通过。")
