"""`python manage.py triage_retrain [--tenant 稷下街道] [--queue-as USERNAME]`: retrain each subdistrict's triage model.

By default it trains here and prints the held-out accuracy (the nightly timer, deploy/fazhi-triage.timer, runs it
so). With --queue-as it queues one core background job per subdistrict in that user's name instead (the worker runs
them; the job pages show their progress) — the same job the "重新训练" button starts."""
from django.core.management.base import BaseCommand, CommandError

from fazhi.core.models import OrgNode, User


class Command(BaseCommand):
    help = "重新训练矛盾纠纷分派建议模型（各街道分别训练）。"

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="只训练该街道（名称或编号）")
        parser.add_argument("--queue-as", help="以该用户名义排入后台任务，由任务执行进程训练")

    def handle(self, *args, tenant=None, queue_as=None, **options):
        from fazhi.disputes import jobs, triage

        tenants = OrgNode.objects.tenants().filter(is_active=True)
        if tenant:
            tenants = tenants.filter(pk=int(tenant)) if tenant.isdigit() else tenants.filter(name=tenant)
            if not tenants.exists():
                raise CommandError(f"没有名为“{tenant}”的街道。")
        user = None
        if queue_as:
            user = User.objects.filter(username=queue_as, is_active=True).first()
            if user is None:
                raise CommandError(f"没有用户“{queue_as}”。")
        for node in tenants:
            if user is not None:
                job = jobs.start_retrain(actor=user, tenant=node)
                self.stdout.write(f"{node.name}：已排队（任务 {job.pk}）")
                continue
            m = triage.train(tenant=node)
            acc = "；".join(f"{f} top1 {v['top1']:.0%} top3 {v['top3']:.0%}" for f, v in m.metrics.items()
                           if isinstance(v, dict) and v.get("n"))
            self.stdout.write(f"{node.name}：{m.cases} 起已办结案件，{m.seconds:.2f} 秒。{acc}")
