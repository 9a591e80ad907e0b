"""No silent overwrite: optimistic version checks on every save and move, and a soft lock
that says who has the article open.

Article.version goes up on every save. Each article form and workflow panel carries the
version it was opened at; a save from an older version is refused (check_save) with who
saved in between, when, and both sets of changes side by side, and the refused form keeps
what was typed. The lock does not stop anyone saving (the version check does that); it
tells others "đang được … sửa từ …", and lets a chief take the article over, after which
the previous holder's next save is refused with a word on who took it and when."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles import revisions, workflow
from articles.models import Article, ArticleLock, ArticleTransition
from articles.vietnamese import short_datetime

# The editor's page renews its lock with every autosave (about every 15 s); a lock not
# renewed for this long belongs to a page that was closed.
LOCK_TTL = timedelta(minutes=2)


def display_name(user) -> str:
    if user is None:
        return "một người khác"
    return user.get_full_name() or user.get_username()


# -- versions -----------------------------------------------------------------------------


@dataclass
class Conflict:
    message: str
    current_version: int
    rows: list  # revisions.Row: theirs (old) beside yours (new)
    their_fields: list  # labels of the fields the other person changed


def last_change(article) -> tuple:
    """(user, when) of the latest save or move of the article."""
    version = revisions.versions_of(article).first()
    move = ArticleTransition.objects.filter(article=article).select_related("user").first()
    candidates = []
    if version is not None:
        candidates.append((version.revision.date_created, version.revision.user))
    if move is not None:
        candidates.append((move.at, move.user))
    if not candidates:
        return None, article.updated_at
    when, user = max(candidates, key=lambda pair: pair[0])
    return user, when


def check_save(article, user, opened: int | None, overwrite: int | None, yours: dict):
    """Called inside the save's transaction, before anything is written. Returns a Conflict
    (the save must be refused) or None. `yours` is the submitted snapshot."""
    if article.pk is None:
        return None
    stored = Article.objects.select_for_update().filter(pk=article.pk).values("version").first()
    if stored is None:
        return None
    current = stored["version"]
    taken = taken_over_from(article, user)
    if taken is not None:
        return Conflict(
            f"{display_name(taken.user)} đã tiếp quản bài này lúc {short_datetime(taken.since)}. "
            "Bản của bạn chưa được lưu; những gì bạn gõ vẫn còn trong khung dưới đây, "
            "hãy chép lại hoặc trao đổi với người tiếp quản.",
            current,
            _rows(article, opened, yours),
            [],
        )
    if opened is None or opened >= current or overwrite == current:
        return None
    who, when = last_change(article)
    rows = _rows(article, opened, yours)
    theirs = [row.label for row in rows if row.key in _their_keys(article, opened)]
    return Conflict(
        f"{display_name(who)} đã lưu bài này lúc {short_datetime(when)}, sau khi bạn mở nó. "
        "Bản của bạn chưa được lưu để không xóa mất thay đổi của họ; mọi chữ bạn gõ vẫn "
        "còn trong khung dưới đây. Xem hai bản bên dưới, chép phần cần giữ, rồi lưu lại.",
        current,
        rows,
        theirs,
    )


def _their_keys(article, opened) -> set:
    base = revisions.snapshot_at(article, opened)
    if base is None:
        return set()
    now = revisions.current_snapshot(article)
    return {key for key in revisions.LABELS if base[key] != now[key]}


def _rows(article, opened, yours: dict) -> list:
    """Theirs (as stored now) beside yours (as submitted), every field."""
    theirs = revisions.current_snapshot(article)
    mine = {**theirs, **yours}
    return revisions.compare(theirs, mine)


# -- the soft lock ------------------------------------------------------------------------


def _fresh(lock) -> bool:
    return lock is not None and lock.seen_at >= timezone.now() - LOCK_TTL


def current_lock(article) -> ArticleLock | None:
    lock = ArticleLock.objects.filter(article=article).select_related("user").first()
    return lock if _fresh(lock) else None


def open_for_edit(article, user) -> ArticleLock | None:
    """The user opens the edit form: take the lock when it is free or theirs. Returns the
    other person's lock when someone else holds it."""
    now = timezone.now()
    with transaction.atomic():
        lock = ArticleLock.objects.select_for_update().filter(article=article).first()
        if lock is not None and lock.user_id != user.pk and _fresh(lock):
            return lock
        if lock is None:
            ArticleLock.objects.create(article=article, user=user, since=now, seen_at=now)
        elif lock.user_id == user.pk:
            lock.seen_at = now
            lock.save(update_fields=["seen_at"])
        else:
            lock.user, lock.since, lock.seen_at, lock.taken_from = user, now, now, None
            lock.save()
    return None


def heartbeat(article, user) -> None:
    """The page is still open (autosave ping): keep the user's lock, if they hold it."""
    ArticleLock.objects.filter(article=article, user=user).update(seen_at=timezone.now())


def release(article, user) -> None:
    ArticleLock.objects.filter(article=article, user=user, taken_from=None).delete()


def may_take_over(user, article) -> bool:
    return workflow.can_edit(user, article) and (user.is_superuser or workflow.is_chief(user))


def take_over(article, user) -> ArticleLock:
    """A chief takes the article from whoever has it open."""
    if not may_take_over(user, article):
        raise workflow.MoveRefused(
            "Chỉ lãnh đạo tòa soạn mới tiếp quản được bài đang có người sửa."
        )
    now = timezone.now()
    with transaction.atomic():
        lock = ArticleLock.objects.select_for_update().filter(article=article).first()
        previous = lock.user if lock is not None and lock.user_id != user.pk else None
        lock, _ = ArticleLock.objects.update_or_create(
            article=article,
            defaults={"user": user, "since": now, "seen_at": now, "taken_from": previous},
        )
    return lock


def taken_over_from(article, user) -> ArticleLock | None:
    """The lock a chief took from `user`, while the chief still holds it."""
    lock = (
        ArticleLock.objects.filter(article=article, taken_from=user)
        .exclude(user=user)
        .select_related("user")
        .first()
    )
    return lock if _fresh(lock) else None
