from django.core.management.base import BaseCommand

from fazhi.core import retention


class Command(BaseCommand):
    help = ("按“个人信息保存期限”规则，对保存期限届满的已办结记录去标识化（删除证件号、电话、住址，姓名只留姓），"
            "每条记录写一条审计事件。--dry-run 只报告将处理什么，不做改动。建议每天运行一次。")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只报告，不改动（同样的处理在回滚的事务中进行）")
        parser.add_argument("--rule", action="append", dest="codes", metavar="CODE", help="只运行这些规则（可重复）")

    def handle(self, *args, dry_run, codes, **options):
        outcomes = retention.apply(dry_run=dry_run, codes=codes)
        if not outcomes:
            self.stdout.write("没有启用的个人信息保存期限规则。")
        for outcome in outcomes:
            self.stdout.write(retention.describe(outcome, dry_run=dry_run))
        if dry_run:
            self.stdout.write("（试运行：未做任何改动。）")
