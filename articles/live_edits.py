"""Edits of live copy. Every one is a recorded act with a reason; a correction shows readers
"Đính chính: …" and the update time. The secretariat and the chiefs edit live copy
directly (workflow.can_edit); a Biên tập viên's change to a live article of their desk is
kept as a proposal until a publisher approves it (or turns it down)."""

from django.db import transaction
from django.utils import timezone

from articles import revisions, workflow
from articles.models import Article, Category, Image, LiveEditProposal, Topic
from articles.vietnamese import nfc

State = LiveEditProposal.State
# What a proposal may change (the publish time and the bylines stay with the desk).
PROPOSABLE = ("title", "sapo", "body", "source", "category", "cover", "topics")


def may_propose(user, article) -> bool:
    return (
        article.status == Article.Status.PUBLISHED
        and not workflow.can_edit(user, article)
        and workflow.edits_category(user, article)
    )


def may_decide(user) -> bool:
    return workflow.may_publish(user)


def mark_live_edit(article, reason: str, is_correction: bool) -> str:
    """Set the reader-facing marks of a live edit on `article` (not saved); returns the
    revision comment."""
    reason = nfc((reason or "").strip())
    article.edited_at = timezone.now()
    if is_correction:
        article.correction_note = reason
        return f"Đính chính: {reason}"
    return f"Sửa bài đang đăng: {reason}"


def propose(article, user, changes: dict, reason: str, is_correction: bool) -> LiveEditProposal:
    wanted = {key: changes[key] for key in PROPOSABLE if key in changes}
    return LiveEditProposal.objects.create(
        article=article,
        user=user,
        changes=wanted,
        reason=nfc(reason.strip()),
        is_correction=is_correction,
    )


def pending(article):
    return article.live_edit_proposals.filter(state=State.PENDING).select_related("user")


def comparison(proposal) -> list:
    current = revisions.current_snapshot(proposal.article)
    return revisions.compare(current, {**current, **proposal.changes})


def approve(proposal, user) -> None:
    """Apply the proposal to the live article as a new revision."""
    if not may_decide(user):
        raise workflow.MoveRefused("Chỉ người được duyệt bài mới duyệt được đề xuất sửa.")
    with transaction.atomic():
        proposal = LiveEditProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.state != State.PENDING:
            raise workflow.MoveRefused("Đề xuất này đã được xử lý.")
        article = Article.objects.select_for_update().get(pk=proposal.article_id)
        changes = proposal.changes
        for key in ("title", "sapo", "body", "source"):
            if key in changes:
                setattr(article, key, changes[key])
        if Category.objects.filter(pk=changes.get("category") or 0).exists():
            article.category_id = changes["category"]
        if "cover" in changes:
            exists = Image.objects.filter(pk=changes["cover"] or 0).exists()
            article.cover_id = changes["cover"] if exists else None
        revisions.ensure_baseline(article)
        comment = mark_live_edit(article, proposal.reason, proposal.is_correction)
        article.save()
        if "topics" in changes:
            article.topics.set(Topic.objects.filter(pk__in=changes["topics"]))
        proposer = proposal.user.get_username() if proposal.user else "?"
        revisions.record(article, user, f"{comment} (đề xuất của {proposer})")
        proposal.state, proposal.decided_by, proposal.decided_at = (
            State.APPROVED,
            user,
            timezone.now(),
        )
        proposal.save()


def reject(proposal, user) -> None:
    if not may_decide(user):
        raise workflow.MoveRefused("Chỉ người được duyệt bài mới xử lý được đề xuất sửa.")
    updated = LiveEditProposal.objects.filter(pk=proposal.pk, state=State.PENDING).update(
        state=State.REJECTED, decided_by=user, decided_at=timezone.now()
    )
    if not updated:
        raise workflow.MoveRefused("Đề xuất này đã được xử lý.")
