"""The background-job worker: django-tasks' ``db_worker`` plus the heartbeat and the recovery of dead workers' jobs.

    python manage.py jobs_worker --queue-name default

At start it fails (with a message) every job left RUNNING by a worker that died (kill -9, Ctrl+C, a crash) and
deletes their uploaded sheets; while it runs it writes a heartbeat every few seconds — its own, which ``/healthz``
reports, and the running job's. Options are ``db_worker``'s.
"""
import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from fazhi.core import jobs


class Command(DbWorkerCommand):
    help = "运行后台任务执行进程（django-tasks 数据库队列），带心跳并在启动时处理已中断的任务。"

    def handle(self, *args, **options):
        reloading = options.get("reload") and not options.get("batch")
        # with the autoreloader the parent only watches files; the child (env var set) runs the tasks
        if not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            jobs.worker_started(options["worker_id"])
        return super().handle(*args, **options)
