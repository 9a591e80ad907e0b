"""Send the notification digests that are waiting: run from cron every few minutes.

A move e-mails its people at once unless they had a digest in the last few minutes; what
arrives inside that window waits for the next move or for this command."""

from django.core.management.base import BaseCommand

from articles import notifications
from articles.models import Notification


class Command(BaseCommand):
    help = "Gửi thư tổng hợp thông báo còn chờ (chạy định kỳ vài phút một lần)."

    def handle(self, *args, **options):
        waiting = (
            Notification.objects.filter(read_at=None, emailed_at=None)
            .values_list("recipient_id", flat=True)
            .distinct()
        )
        sent = notifications.send_digests(list(waiting))
        self.stdout.write(f"Đã gửi {sent} thư tổng hợp.")
