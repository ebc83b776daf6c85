from django.core.management.base import BaseCommand

from fazhi.core import notifications


class Command(BaseCommand):
    help = ("到期提醒：把每位用户待办中已超期、即将到期和等待其处理的事项写入其通知（同一事项只提醒一次，数量增加时再提醒）。"
            "建议每天上班前运行（deploy/fazhi-reminders.timer）。")

    def handle(self, *args, **options):
        created = notifications.remind_due_work()
        self.stdout.write(f"已发送 {created} 条到期提醒。")
