from django.core.management.base import BaseCommand

from fazhi.core import delivery


class Command(BaseCommand):
    help = ("外发消息补发：把仍待发送（队列丢失）或到了重试时间的邮件、短信、微信模板消息各发送一次，"
            "失败的记录原因，最多尝试3次。建议每5分钟运行一次（与 send_reminders 一样用定时器）。")

    def handle(self, *args, **options):
        counts = delivery.deliver_due()
        self.stdout.write(f"已发送 {counts['sent']} 条，待重试 {counts['retry']} 条，失败 {counts['failed']} 条。")
