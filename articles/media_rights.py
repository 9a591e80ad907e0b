"""Who may change a photo of the library (Thư viện ảnh).

A photo shown by live copy (a published or scheduled article, as cover or body figure) is
part of that copy: changing its file or words changes a page readers see, so it needs the
rights of whoever may edit that live copy (the secretariat, the chiefs, or the Biên tập viên
of every category it appears in). A photo no live article uses belongs to its uploader; the
desk may tidy any of them. The admin asks these predicates (articles/admin/media.py) and
records every change made to a photo in use, naming the articles it touched.
"""

from django.db.models import Q

from articles import roles
from articles.models import Article, Image
from articles.workflow import edits_category, is_chief, is_secretary, is_staff

DESK = (roles.EDITOR, roles.SECRETARY, roles.DEPUTY_CHIEF, roles.CHIEF)


def live_articles_using(image: Image):
    """Published (or scheduled) articles that show `image`."""
    shows = Q(cover=image) | Q(body__contains=f'data-file="{image.pk}"')
    return Article.objects.filter(shows, status=Article.Status.PUBLISHED).lean()


def may_edit_live(user, articles) -> bool:
    if is_secretary(user) or is_chief(user):
        return True
    return bool(articles) and all(edits_category(user, article) for article in articles)


def may_change_image(user, image: Image) -> bool:
    """The object rule behind the admin's change permission (a new file or new words)."""
    if not is_staff(user):
        return False
    if user.is_superuser:
        return True
    live = list(live_articles_using(image))
    if live:
        return may_edit_live(user, live)
    return image.uploaded_by_id == user.pk or roles.in_group(user, *DESK)


def change_note(image: Image) -> str:
    """What the admin's history says beside a change of a photo that live copy shows."""
    live = list(live_articles_using(image).values_list("public_id", "title")[:20])
    if not live:
        return ""
    named = "; ".join(f"{title} ({public_id})" for public_id, title in live)
    return f"Ảnh đang dùng trong bài đã xuất bản hoặc hẹn giờ: {named}"
