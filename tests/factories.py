"""Plain factory functions: make_x(**overrides) with sensible defaults."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles import roles
from articles.models import (
    Article,
    ArticleByline,
    Byline,
    Category,
    Image,
    Topic,
    WebsiteLink,
)
from comments.models import Comment

_seq = itertools.count(1)


def jpeg_bytes(width=1800, height=1000, color=(20, 120, 200), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def upload(name="photo.jpg", data=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(), content_type)


def make_image(**kw) -> Image:
    kw.setdefault("alt", "Ảnh minh họa")
    kw.setdefault("caption", "Chú thích ảnh")
    kw.setdefault("credit", "MINH AN")
    if "file" not in kw:
        kw["file"] = upload(data=jpeg_bytes(kw.pop("width", 1800), kw.pop("height", 1000)))
    image = Image(**kw)
    image.save()
    return image


def make_category(**kw) -> Category:
    n = next(_seq)
    kw.setdefault("name", f"Chuyên mục {n}")
    return Category.objects.create(**kw)


def make_topic(**kw) -> Topic:
    kw.setdefault("name", f"Chủ đề {next(_seq)}")
    return Topic.objects.create(**kw)


def make_byline(**kw) -> Byline:
    kw.setdefault("name", f"Bút danh {next(_seq)}")
    return Byline.objects.create(**kw)


def make_article(**kw) -> Article:
    """A published article one hour old unless told otherwise."""
    n = next(_seq)
    kw.setdefault("title", f"Bài viết số {n}")
    kw.setdefault("sapo", f"Sapo của bài viết số {n}.")
    kw.setdefault("body", f"<p>Nội dung bài viết số {n}.</p>")
    if "category" not in kw:
        kw["category"] = make_category()
    kw.setdefault("status", Article.Status.PUBLISHED)
    if kw["status"] == Article.Status.PUBLISHED:
        kw.setdefault("published_at", timezone.now() - timedelta(hours=1))
    bylines = kw.pop("bylines", [])
    topics = kw.pop("topics", [])
    article = Article(**kw)
    article.save()
    for position, item in enumerate(bylines):
        byline, role = item if isinstance(item, tuple) else (item, "")
        ArticleByline.objects.create(article=article, byline=byline, role=role, position=position)
    if topics:
        article.topics.set(topics)
    return article


def make_comment(article, **kw) -> Comment:
    n = next(_seq)
    kw.setdefault("name", f"Bạn đọc {n}")
    kw.setdefault("email", f"bandoc{n}@example.vn")
    kw.setdefault("content", f"Ý kiến số {n} của bạn đọc.")
    kw.setdefault("status", Comment.Status.APPROVED)
    return Comment.objects.create(article=article, **kw)


def make_link(**kw) -> WebsiteLink:
    n = next(_seq)
    kw.setdefault("title", f"Website {n}")
    kw.setdefault("url", f"https://site{n}.example.vn")
    return WebsiteLink.objects.create(**kw)


def make_user(username=None, group=None, **kw):
    User = get_user_model()
    username = username or f"user{next(_seq)}"
    kw.setdefault("is_staff", group is not None)
    user = User.objects.create_user(username=username, password="pw", **kw)
    if group:
        roles.sync_groups()
        user.groups.add(Group.objects.get(name=group))
    return user


def make_word(word, action="hold"):
    """A moderation word: action "hold" (held for a moderator) or "block" (spam)."""
    from comments.models import ModerationWord

    return ModerationWord.objects.create(word=word, action=action)


def make_desk_article(status=Article.Status.DRAFT, **kw) -> Article:
    """An article standing at `status` in the workflow (a draft unless told otherwise).
    Pass created_by= for its author and category= for its desk."""
    if status == Article.Status.UNPUBLISHED:
        kw.setdefault("published_at", timezone.now() - timedelta(days=1))
    return make_article(status=status, **kw)
