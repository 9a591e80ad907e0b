"""Move a paper's photos: copy MEDIA_ROOT into the configured bucket, then redraw bodies.

    MEDIA_STORAGE=s3://bucket?endpoint=... manage.py copy_media [--from DIR] [--redraw]

Idempotent and resumable: the bucket is listed once, and a file already there with the same
size is skipped, so a second run (or a run after an interruption) copies only what is
missing. S3 writes whole objects, so an interrupted copy leaves no half file behind.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import derived, signals
from articles.models import Article


def local_files(root: Path) -> dict[str, int]:
    """{name relative to root, with "/": size} of every file under root."""
    found = {}
    for folder, _dirs, files in os.walk(root):
        for filename in files:
            path = Path(folder) / filename
            found[path.relative_to(root).as_posix()] = path.stat().st_size
    return found


def stored_sizes(storage) -> dict[str, int] | None:
    """{name: size} of everything already in a bucket, in one listing (a page per 1,000
    objects), or None for a storage that cannot list cheaply."""
    bucket = getattr(storage, "bucket", None)
    if bucket is None:
        return None
    location = storage.location.strip("/")
    prefix = f"{location}/" if location else ""
    return {obj.key[len(prefix) :]: obj.size for obj in bucket.objects.filter(Prefix=prefix).all()}


def already_there(storage, listing, name: str, size: int) -> bool:
    if listing is not None:
        return listing.get(name) == size
    return storage.exists(name) and storage.size(name) == size


def redraw_bodies() -> int:
    """Bodies keep their figures' URLs (rendered at save): draw them again with the current
    MEDIA_URL, and tell the page cache every page may show a moved photo."""
    count = derived.refresh(Article.objects.filter(body__contains='data-file="'))
    signals.media_moved.send(sender=Article)
    return count


class Command(BaseCommand):
    help = "Copy MEDIA_ROOT into the media storage (a bucket); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", default=None, help="default: MEDIA_ROOT")
        parser.add_argument(
            "--redraw", action="store_true", help="then redraw article bodies with new URLs"
        )

    def handle(self, *args, source=None, redraw=False, verbosity=1, **options):
        root = Path(source or settings.MEDIA_ROOT)
        storage = default_storage
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder.")
        if Path(getattr(storage, "location", "") or "/nonexistent").resolve() == root.resolve():
            raise CommandError("The media storage is this folder; set MEDIA_STORAGE=s3://...")
        files = local_files(root)
        listing = stored_sizes(storage)
        todo = {n: s for n, s in sorted(files.items()) if not already_there(storage, listing, n, s)}
        bar = tqdm(
            total=sum(todo.values()), unit="B", unit_scale=True, disable=verbosity < 1,
            desc=f"{len(todo)} of {len(files)} files",
        )  # fmt: skip
        with bar:
            for name, size in todo.items():
                with open(root / name, "rb") as handle:
                    saved = storage.save(name, File(handle, name=name))
                if saved != name:
                    raise CommandError(f"The storage renamed {name} to {saved}; stopped.")
                bar.update(size)
        self.stdout.write(f"Copied {len(todo)} files; {len(files) - len(todo)} were there.")
        if redraw:
            self.stdout.write(f"Redrew {redraw_bodies()} article bodies.")
