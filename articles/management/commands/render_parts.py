"""Render the stored HTML of public articles whose copy is missing or stale (after a deploy
that changed a template, or a change to a pen name on thousands of articles)."""

import time

from django.core.management.base import BaseCommand

from articles import parts


class Command(BaseCommand):
    help = "Dựng sẵn HTML cho các bài đã xuất bản còn thiếu hoặc đã cũ."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument(
            "--share",
            default="1/1",
            help="K/N: only the articles whose id is K modulo N (run N of these side by side)",
        )

    def handle(self, *args, batch, share, **options):
        part, of = (int(n) for n in share.split("/"))
        ids = [pk for pk in parts.stale_ids() if pk % of == part % of]
        started, done = time.monotonic(), 0
        for start in range(0, len(ids), batch):
            done += parts.refresh(ids[start : start + batch], batch=batch)
            self.stdout.write(f"  {done:>8} / {len(ids)} bài   {time.monotonic() - started:6.1f} s")
        self.stdout.write(f"Đã dựng {done} bài.")
