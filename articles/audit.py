"""The newsroom's audit log: who did what, when and why, in one append-only table.

Entries are written by listeners, never by the code that acts, so nothing can forget them:
- workflow moves: post_save of ArticleTransition (publish and take-down get their own action);
- admin saves and deletions (edits of live copy, images, accounts and groups, settings):
  post_save of django.contrib.admin's LogEntry, which every ModelAdmin writes;
- moderation decisions: the comment room's comment_decided signal (comments/apps.py
  connects it to moderation_decided, as the content room must not import comments);
- logins, failed logins and lockouts: django.contrib.auth's signals, and django-axes'
  user_locked_out when axes is installed.

Who may read what: chiefs and superusers everything, everyone else their own entries
(readable_by)."""

import json

from django.db.models import Q

from articles import workflow
from articles.models import Article, AuditEntry

Action = AuditEntry.Action
Status = Article.Status

# Admin LogEntry content types, by app label and model, and what they mean here.
IMAGES = {("articles", "image"), ("articles", "rendition")}
PERMISSIONS = {("auth", "user"), ("auth", "group"), ("auth", "permission")}
SETTINGS = {
    ("articles", "sitesettings"),
    ("articles", "websitelink"),
    ("comments", "moderationword"),
    ("articles", "notificationsettings"),
}
# Decisions on comments come through comment_decided with their counts; the queue's own
# LogEntry rows would say the same thing twice.
SKIPPED = {("comments", "comment"), ("admin", "logentry"), ("sessions", "session")}
# Admin views that make a workflow move write these as their change message; the move's own
# ArticleTransition is already in the log.
MOVE_MESSAGES = ("Đã chuyển", "Đã hủy hẹn giờ", "Đã đổi giờ", "Đã xuất bản ngay")


def record(action: str, user=None, **fields) -> AuditEntry:
    if user is not None and not getattr(user, "pk", None):
        user = None
    fields.setdefault("username", user.get_username() if user is not None else "")
    for name, size in (("target", 300), ("summary", 500), ("username", 150)):
        fields[name] = str(fields.get(name, ""))[:size]
    return AuditEntry.objects.create(action=action, user=user, **fields)


def readable_by(user, queryset=None):
    queryset = AuditEntry.objects.all() if queryset is None else queryset
    if not workflow.is_staff(user):
        return queryset.none()
    if user.is_superuser or workflow.is_chief(user):
        return queryset
    return queryset.filter(user=user)


def may_read_all(user) -> bool:
    return workflow.is_staff(user) and (user.is_superuser or workflow.is_chief(user))


# -- listeners --------------------------------------------------------------------------------


def transition_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    move = instance
    if move.to_status == Status.PUBLISHED:
        action = Action.PUBLISH
    elif move.to_status == Status.UNPUBLISHED:
        action = Action.UNPUBLISH
    else:
        action = Action.MOVE
    record(
        action,
        move.user,
        at=move.at,
        article_id=move.article_id,
        target=move.article.title,
        summary=f"{Status(move.from_status).label} → {Status(move.to_status).label}",
        reason=move.note,
    )


def _plain_message(entry) -> str | None:
    """The change message when a view wrote it as text rather than the admin's JSON."""
    text = entry.change_message or ""
    try:
        json.loads(text)
    except ValueError:
        return text
    return None


def logentry_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.content_type_id is None:
        return
    entry = instance
    kind = (entry.content_type.app_label, entry.content_type.model)
    if kind in SKIPPED:
        return
    summary = entry.get_change_message() or ""
    article = None
    if kind == ("articles", "article"):
        plain = _plain_message(entry)
        if plain is not None and plain.startswith(MOVE_MESSAGES):
            return  # a workflow move: its ArticleTransition is already in the log
        article = Article.objects.filter(pk=entry.object_id).only("pk", "status").first()
        if entry.is_addition():
            action = Action.ADD
        elif entry.is_deletion():
            action = Action.DELETE
        elif plain is not None and ("khôi phục" in plain.lower() or "revert" in plain.lower()):
            action = Action.RESTORE
        elif article is not None and article.status == Status.PUBLISHED:
            action = Action.EDIT_LIVE
        else:
            action = Action.EDIT
    elif kind in IMAGES:
        action = Action.IMAGE
    elif kind in PERMISSIONS:
        action = Action.PERMISSIONS
    elif kind in SETTINGS:
        action = Action.SETTINGS
    elif entry.is_addition():
        action = Action.ADD
    elif entry.is_deletion():
        action = Action.DELETE
    else:
        action = Action.EDIT
    if not summary:
        summary = {Action.ADD: "Tạo mới", Action.DELETE: "Xóa"}.get(action, "Sửa")
    record(
        action,
        entry.user,
        at=entry.action_time,
        article=article,
        target=f"{entry.content_type.name}: {entry.object_repr}",
        summary=summary,
    )


def moderation_decided(sender, user=None, status_label="", count=0, article_ids=(), **kwargs):
    """comment_decided from the comment room: one entry per decision (a bulk one included)."""
    ids = sorted(set(article_ids))
    article = (
        Article.objects.filter(pk=ids[0]).only("pk", "title").first() if len(ids) == 1 else None
    )
    record(
        Action.MODERATE,
        user,
        article=article,
        target=article.title if article else f"{len(ids)} bài viết",
        summary=f"{status_label} {count} phản hồi",
    )


def revision_committed(sender, revision, versions, **kwargs):
    """django-reversion (when installed): a restored version is a new revision whose comment
    says so; ordinary saves are already logged through the admin's LogEntry."""
    comment = revision.comment or ""
    if "khôi phục" not in comment.lower():
        return
    for version in versions:
        if version.content_type.model_class() is Article:
            article = Article.objects.filter(pk=version.object_id).only("pk", "title").first()
            record(
                Action.RESTORE,
                revision.user,
                article=article,
                target=article.title if article else version.object_repr,
                summary=comment,
            )


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def logged_in(sender, request, user, **kwargs):
    record(Action.LOGIN, user, ip_address=_ip(request), summary="Đăng nhập thành công")


def login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))
    record(
        Action.LOGIN_FAILED,
        None,
        username=username,
        target=username,
        ip_address=_ip(request),
        summary="Sai tên đăng nhập hoặc mật khẩu",
    )


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(
        Action.LOCKOUT,
        None,
        username=username or "",
        target=username or "",
        ip_address=ip_address or _ip(request),
        summary="Tạm khóa đăng nhập sau nhiều lần sai",
    )


def connect() -> None:
    """Called from ArticlesConfig.ready()."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.signals import user_logged_in, user_login_failed
    from django.db.models.signals import post_save

    from articles.models import ArticleTransition

    post_save.connect(transition_saved, sender=ArticleTransition, dispatch_uid="audit.move")
    post_save.connect(logentry_saved, sender=LogEntry, dispatch_uid="audit.logentry")
    user_logged_in.connect(logged_in, dispatch_uid="audit.login")
    user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")
    try:  # django-axes, when installed, announces lockouts
        from axes.signals import user_locked_out
    except ImportError:
        pass
    else:
        user_locked_out.connect(locked_out, dispatch_uid="audit.lockout")
    try:  # django-reversion, when installed, keeps the versions a restore brings back
        from reversion.signals import post_revision_commit
    except ImportError:
        pass
    else:
        post_revision_commit.connect(revision_committed, dispatch_uid="audit.restore")


def search_filter(term: str) -> Q:
    return Q(target__icontains=term) | Q(summary__icontains=term) | Q(username__icontains=term)
